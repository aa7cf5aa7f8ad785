import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { PermissionGate, PermissionRequest } from "../src/security/permission-gate.js";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

describe("workspace tools through the agent loop", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  async function runTools(calls: { name: string; args: unknown }[]) {
    c.fake.enqueue(reply.toolCalls(calls), reply.text("done"));
    const events = await collect(c.chat.streamMessage({ chat: { text: "use tools" } }));
    const complete = events.at(-1)!.kind;
    if (complete.case !== "complete") throw new Error(`run ended with ${complete.case}`);
    return complete.value.actionResults.map((a) => ({ action: a.action, status: a.status, result: a.result }));
  }

  it("writes, reads with offset and limit, edits exactly, lists, finds and greps", async () => {
    c = await createChatEnv();
    const root = c.server.app.runtime.activeRoot;
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "a.ts"), "const x = 1;\nconst y = 2;\nconst x2 = 3;\n");
    writeFileSync(join(root, "notes.md"), "TODO: fix\n");
    const results = await runTools([
      { name: "write_file", args: { path: "out/new.txt", content: "line1\nline2\nline3\n" } },
      { name: "read_file", args: { path: "out/new.txt", offset: 2, limit: 1 } },
      { name: "edit_file", args: { path: "src/a.ts", old_text: "const y = 2;", new_text: "const y = 20;" } },
      { name: "edit_file", args: { path: "src/a.ts", old_text: "const x", new_text: "let x" } },
      { name: "edit_file", args: { path: "src/a.ts", old_text: "const x", new_text: "let x", replace_all: true } },
      { name: "edit_file", args: { path: "src/a.ts", old_text: "missing text", new_text: "x" } },
      { name: "list_files", args: {} },
      { name: "find_files", args: { pattern: "**/*.ts" } },
      { name: "grep_search", args: { pattern: "TODO|y = 20", include: "**/*.{ts,md}" } },
      { name: "grep_search", args: { pattern: "([unclosed" } },
      { name: "read_file", args: { path: "nope.txt" } },
      { name: "execute_command", args: { command: "echo hi; exit 3" } },
      { name: "no_such_tool", args: {} },
    ]);
    expect(results[0]).toEqual({ action: "write_file", status: "completed", result: "wrote 18 bytes to out/new.txt" });
    expect(results[1]).toMatchObject({ status: "completed", result: "line2\n…[2 more lines: continue with offset 3]" });
    expect(results[2]).toMatchObject({ status: "completed", result: "replaced 1 occurrence(s) in src/a.ts" });
    expect(results[3]).toMatchObject({ status: "error", result: expect.stringContaining("appears 2 times") });
    expect(results[4]).toMatchObject({ status: "completed", result: "replaced 2 occurrence(s) in src/a.ts" });
    expect(results[5]).toMatchObject({ status: "error", result: expect.stringContaining("was not found") });
    expect(readFileSync(join(root, "src", "a.ts"), "utf8")).toBe("let x = 1;\nconst y = 20;\nlet x2 = 3;\n");
    expect(results[6]!.result.split("\n")).toEqual(expect.arrayContaining(["notes.md", "out/", "src/"]));
    expect(results[7]!.result).toBe("src/a.ts");
    expect(results[8]!.result.split("\n")).toEqual(["notes.md:1: TODO: fix", "src/a.ts:2: const y = 20;"]);
    expect(results[9]).toMatchObject({
      status: "error",
      result: expect.stringContaining("invalid regular expression"),
    });
    expect(results[10]).toMatchObject({ status: "error", result: "nope.txt does not exist" });
    expect(results[11]).toMatchObject({ status: "error", result: "hi\n\n[exit 3]" });
    expect(results[12]).toMatchObject({ status: "error", result: expect.stringContaining("unknown tool") });
  });

  it("passes every tool call through the permission gate, which can refuse one before it runs", async () => {
    const asked: PermissionRequest[] = [];
    const gate: PermissionGate = {
      async decide(req) {
        asked.push(req);
        return req.operation === "process.execute"
          ? { result: "deny", reason: "commands are off in this test" }
          : { result: "allow" };
      },
    };
    c = await createChatEnv({ start: { permissionGate: gate } });
    const root = c.server.app.runtime.activeRoot;
    const results = await runTools([
      { name: "write_file", args: { path: "a.txt", content: "hi" } },
      { name: "execute_command", args: { command: "touch ran.txt" } },
      { name: "read_file", args: { path: "a.txt" } },
    ]);
    expect(asked.map((r) => [r.toolName, r.operation, r.agentId])).toEqual([
      ["write_file", "filesystem.write", "default"],
      ["execute_command", "process.execute", "default"],
      ["read_file", "filesystem.read", "default"],
    ]);
    expect(asked.every((r) => r.runId && r.conversationId && r.resource)).toBe(true);
    expect(results.map((r) => r.status)).toEqual(["completed", "denied", "completed"]);
    expect(results[1]!.result).toBe("permission denied: commands are off in this test");
    expect(existsSync(join(root, "ran.txt"))).toBe(false);
  });

  it("truncates long results with a visible marker and kills a command at its timeout", async () => {
    c = await createChatEnv();
    const root = c.server.app.runtime.activeRoot;
    writeFileSync(join(root, "big.txt"), "x".repeat(50_000));
    const results = await runTools([
      { name: "read_file", args: { path: "big.txt" } },
      { name: "execute_command", args: { command: "sleep 30", timeout_seconds: 1 } },
    ]);
    expect(results[0]!.result.length).toBeLessThan(21_000);
    expect(results[0]!.result).toMatch(/…\[truncated: 30000 more characters not shown\]$/);
    expect(results[1]).toMatchObject({
      status: "error",
      result: expect.stringContaining("timed out after 1s and was killed"),
    });
  });

  it("runs commands with an allow-listed environment: no keys, no secrets, only what the config adds", async () => {
    c = await createChatEnv({
      env: {
        PATH: "/usr/bin:/bin",
        HOME: "/tmp",
        MY_SERVICE_TOKEN: "s3cret-token",
        FLOE_API_KEYS_BACKUP: "floe-key",
        DEPLOY_STAGE: "staging",
        UNLISTED: "hidden",
        DATABASE_URL: "postgres://app:hunter2@db/app",
        FLOE_COMMAND_ENV: "DEPLOY_STAGE,DATABASE_URL",
      },
    });
    const [printed] = await runTools([{ name: "execute_command", args: { command: "env" } }]);
    expect(printed!.status).toBe("completed");
    const vars = Object.fromEntries(
      printed!.result
        .trim()
        .split("\n")
        .map((l) => l.split("=", 2) as [string, string]),
    );
    expect(vars).toMatchObject({ PATH: "/usr/bin:/bin", HOME: "/tmp", DEPLOY_STAGE: "staging" });
    // The model's key (OPENAI_API_KEY=test-key in this environment), Floe's own settings and the rest stay out.
    for (const secret of ["test-key", "s3cret-token", "floe-key", "hidden"])
      expect(printed!.result).not.toContain(secret);
    expect(Object.keys(vars).filter((k) => /OPENAI|FLOE|TOKEN|UNLISTED/.test(k))).toEqual([]);
  });
});
