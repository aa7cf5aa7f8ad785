import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { type CutProxy, startCutProxy } from "./support/cut-proxy.js";
import { reply } from "./support/fake-openai.js";

/**
 * Runs the Python client's own tests (clients/python/tests) against a live
 * server, through a proxy that can cut their connections. The fake model's
 * script is the contract written at the top of test_penguin_api.py.
 */
const run = promisify(execFile);
const PYTHON_DIR = fileURLToPath(new URL("../clients/python", import.meta.url));
const KEY = "python-key";
/** Task prompts wrap the description; the answer names the description alone. */
const TASK_DESCRIPTIONS = ["summarize the project"];

describe("the Python client (PenguinAPI over gRPC)", () => {
  let c: ChatEnv;
  let proxy: CutProxy;
  beforeAll(async () => {
    c = await createChatEnv({ env: { FLOE_API_KEYS: KEY } });
    proxy = await startCutProxy(c.server.url);
    c.fake.respond((body) => {
      const users = body.messages.filter((m: { role: string }) => m.role === "user");
      const last = String(users.at(-1)?.content ?? "");
      const prompt = TASK_DESCRIPTIONS.find((d) => last.includes(d)) ?? last;
      const text = `Answer to ${prompt}.`;
      if (prompt.includes("slow")) return reply.text(text, { chunkSize: 2, delayMs: 40 });
      if (prompt.includes("reasoning"))
        return reply.text(text, { reasoning: `Thinking about ${prompt}.`, delayMs: 20 });
      return reply.text(text);
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await c?.cleanup();
  });

  it("passes its unit tests: unary calls, a streamed chat with on_chunk, a resume, a task, Penguin's import path, a refused key", async () => {
    const result = await run("/usr/bin/python3", ["-m", "unittest", "-v", "tests.test_penguin_api"], {
      cwd: PYTHON_DIR,
      env: { PATH: process.env.PATH, FLOE_URL: proxy.url, FLOE_API_KEY: KEY, FLOE_CUT_URL: proxy.controlUrl },
      timeout: 60_000,
    }).catch((e: { stdout: string; stderr: string; code: number }) => e);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output).toMatch(/Ran 6 tests/);
    expect(output, output).toMatch(/\nOK\s*$/);
    // The resume test really cut a connection: the proxy saw the client dial again.
    expect(proxy.accepted()).toBeGreaterThanOrEqual(2);
  });
});
