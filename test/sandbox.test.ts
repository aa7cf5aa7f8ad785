import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

/** Runs commands through a real run (the model calls execute_command) and returns each tool result. */
async function runCommands(c: ChatEnv, commands: string[]): Promise<string[]> {
  c.fake.enqueue(
    reply.toolCalls(commands.map((command, i) => ({ name: "execute_command", args: { command }, id: `c${i}` }))),
    reply.text("done"),
  );
  const events = await collect(c.chat.streamMessage({ chat: { text: "run them" } }));
  const toolMessages = c.fake.requests.at(-1)!.messages.filter((m: { role: string }) => m.role === "tool");
  expect(events.at(-1)?.kind.case).toBe("complete");
  return toolMessages.map((m: { content: string }) => m.content);
}

describe("execute_command in bubblewrap", () => {
  let c: ChatEnv;
  const outside = join("/var/tmp", `floe-outside-${process.pid}-${Date.now()}`);
  afterEach(async () => {
    await c?.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  it("cannot write outside the project, reach a loopback port, or see the server's process; normal commands work", async () => {
    c = await createChatEnv({ env: { FLOE_SANDBOX: "required" } });
    mkdirSync(outside, { recursive: true });
    const port = new URL(c.server.url).port;
    const [write, system, loopback, environ, build, inside, ...rest] = await runCommands(c, [
      `echo leaked > ${outside}/file.txt; echo "exit $?"`,
      "touch /usr/floe-x 2>&1; echo exit $?",
      `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected) 2>&1 || echo refused`,
      `test -e /proc/${process.pid}/environ && echo visible || echo hidden`,
      'node -e "console.log(6*7)" && ls -a && git init -q . && git status --short --branch',
      "echo kept > made-inside.txt && cat made-inside.txt",
      "mount -o remount,rw / 2>&1; touch /usr/floe-remount 2>&1; echo done",
      "ls /run /var/run 2>&1 | grep -c -e postgresql -e mysqld || true",
      `(cat floe.db 2>&1 | head -c 100 | grep -c "SQLite format 3") || true; echo x >> floe.db`,
    ]);
    const [remount, sockets, database] = rest as [string, string, string];
    // Root in the sandbox has no capabilities: it cannot remount the file system writable.
    expect(existsSync("/usr/floe-remount")).toBe(false);
    expect(remount).toMatch(/permission denied|Read-only file system/);
    // /run is empty in the sandbox: no Unix socket of the host (databases, docker) can be reached.
    expect(sockets.trim()).toBe("0");
    // Floe's own database (the audit log) can be neither read nor written.
    expect(database.split("\n")[0]!.trim()).toBe("0");
    expect(database).toMatch(/floe.db: (Read-only file system|Permission denied)/);
    expect(write).toMatch(/Read-only file system/);
    expect(existsSync(join(outside, "file.txt"))).toBe(false);
    expect(system).toMatch(/Read-only file system/);
    expect(loopback).toMatch(/refused/);
    expect(loopback).not.toMatch(/connected/);
    // The server's process (this test's) is not visible: its environment cannot be read from /proc.
    expect(environ!.trim()).toBe("hidden");
    expect(build).toMatch(/^42\n/);
    expect(build).toMatch(/## No commits yet on/);
    expect(inside!.trim()).toBe("kept");
    expect(existsSync(join(c.server.app.runtime.activeRoot, "made-inside.txt"))).toBe(true);
  });

  it("cancelling a run kills the sandboxed command and everything it started", async () => {
    c = await createChatEnv({ env: { FLOE_SANDBOX: "required" } });
    const marker = `${60 + (process.pid % 1000) / 1000}`;
    c.fake.enqueue(
      reply.toolCalls([{ name: "execute_command", args: { command: `sleep ${marker} & sleep ${marker}; wait` } }]),
    );
    const running = () => execFileSync("pgrep", ["-fc", `^sleep ${marker}$`], { encoding: "utf8" }).trim();
    const count = () => {
      try {
        return Number(running());
      } catch {
        return 0;
      }
    };
    for await (const r of c.chat.streamMessage({ chat: { text: "sleep" } })) {
      if (r.event?.kind.case !== "toolStart") continue;
      await expect.poll(count).toBe(2);
      await c.chat.cancelRun({ runId: r.event.runId });
    }
    await expect.poll(count).toBe(0);
  });

  it("with sandbox off, the same write lands outside the project (the test above would see it)", async () => {
    c = await createChatEnv({ env: { FLOE_SANDBOX: "off" } });
    mkdirSync(outside, { recursive: true });
    const [write, environ] = await runCommands(c, [
      `echo leaked > ${outside}/file.txt; echo "exit $?"`,
      `test -e /proc/${process.pid}/environ && echo visible || echo hidden`,
    ]);
    expect(write!.trim()).toBe("exit 0");
    expect(environ!.trim()).toBe("visible");
    expect(existsSync(join(outside, "file.txt"))).toBe(true);
  });

  it("full permission mode opens the network to commands (workspace mode, above, has none)", async () => {
    c = await createChatEnv({ env: { FLOE_SANDBOX: "required", FLOE_PERMISSION_MODE: "full" } });
    const port = new URL(c.server.url).port;
    const [loopback] = await runCommands(c, [
      `(exec 3<>/dev/tcp/127.0.0.1/${port} && echo connected) 2>&1 || echo refused`,
    ]);
    expect(loopback!.trim()).toBe("connected");
  });

  it("required without a working bubblewrap refuses commands and runs nothing", async () => {
    c = await createChatEnv({ env: { FLOE_SANDBOX: "required", FLOE_BWRAP_PATH: "/nonexistent/bwrap" } });
    const [refused] = await runCommands(c, ["echo ran > ran.txt"]);
    expect(refused).toMatch(/sandbox is required but bubblewrap does not work here/);
    expect(existsSync(join(c.server.app.runtime.activeRoot, "ran.txt"))).toBe(false);
  });
});
