import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ChatService } from "../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import { SecurityService } from "../../gen/floe/v1/security_pb.js";
import { SystemService } from "../../gen/floe/v1/system_pb.js";
import type { FloeServer } from "../../src/server/start-server.js";
import { collect } from "./chat-env.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./fake-openai.js";
import { createTestEnv, type TestEnv } from "./test-server.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The real filesystem MCP server (its `mcp-server-filesystem` bin). */
export const FS_SERVER = join(ROOT, "node_modules/@modelcontextprotocol/server-filesystem/dist/index.js");
/** floe.yaml lines of a stdio server running test/support/mcp-stdio-server.ts under tsx. */
export function testServerYaml(name: string, extra: string[] = []): string[] {
  return [
    `  ${name}:`,
    `    command: ${JSON.stringify(process.execPath)}`,
    `    args: ["--import", "tsx", ${JSON.stringify(join(ROOT, "test/support/mcp-stdio-server.ts"))}]`,
    // tsx resolves from the working directory: the repository.
    `    cwd: ${JSON.stringify(ROOT)}`,
    ...extra.map((l) => `    ${l}`),
  ];
}

export interface McpEnv {
  env: TestEnv;
  fake: FakeOpenAI;
  server: FloeServer;
  root: string;
  chat: Client<typeof ChatService>;
  system: Client<typeof SystemService>;
  security: Client<typeof SecurityService>;
  /** Every log line so far, parsed. */
  logs: { level: number; msg: string; [k: string]: unknown }[];
  /** Runs one chat turn whose model calls `calls`, then answers "done"; returns its events and action results. */
  runTools(calls: { name: string; args: unknown; id?: string }[]): Promise<RunResult>;
  cleanup(): Promise<void>;
}

export interface RunResult {
  events: Event[];
  results: { action: string; status: string; result: string }[];
}

/** A Floe server with the fake model and a floe.yaml made of `yaml` lines (written before it starts). */
export async function createMcpEnv(yaml: string[], extraEnv: Record<string, string> = {}): Promise<McpEnv> {
  const fake = await startFakeOpenAI();
  const env = await createTestEnv();
  writeFileSync(join(env.workspace, "floe.yaml"), yaml.join("\n"));
  const logs: McpEnv["logs"] = [];
  const server = await env.start({
    logLevel: "info",
    logStream: { write: (line) => void logs.push(JSON.parse(line)) },
    env: {
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: "test-key",
      FLOE_MODEL: "fake-model",
      FLOE_MODEL_MAX_RETRIES: "0",
      ...extraEnv,
    },
  });
  const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2" });
  const chat = createClient(ChatService, transport);
  return {
    env,
    fake,
    server,
    root: server.app.runtime.activeRoot,
    chat,
    system: createClient(SystemService, transport),
    security: createClient(SecurityService, transport),
    logs,
    async runTools(calls) {
      fake.enqueue(reply.toolCalls(calls), reply.text("done"));
      const events = await collect(chat.streamMessage({ chat: { text: "use the tools" } }));
      const last = events.at(-1)!.kind;
      if (last.case !== "complete") throw new Error(`run ended with ${last.case}: ${JSON.stringify(last.value)}`);
      const results = last.value.actionResults.map((a) => ({ action: a.action, status: a.status, result: a.result }));
      return { events, results };
    },
    async cleanup() {
      await env.cleanup();
      await fake.close();
    },
  };
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}
