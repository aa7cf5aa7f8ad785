import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FloeServer } from "../../src/server/start-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";
import { createTestEnv, type TestEnv } from "./test-server.js";

export const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

export interface CompatEnv {
  env: TestEnv;
  fake: FakeOpenAI;
  server: FloeServer;
  /** GET or POST JSON; returns status, parsed body and headers. */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  cleanup(): Promise<void>;
}

/**
 * A server configured so the reference documents' example bodies work as
 * written: an agent `code-expert`, a vision model, and the example files.
 */
export async function createCompatEnv(extraEnv: Record<string, string> = {}): Promise<CompatEnv> {
  const fake = await startFakeOpenAI();
  const env = await createTestEnv();
  writeFileSync(
    join(env.workspace, "floe.yaml"),
    [
      "default_model: gpt-4",
      "models:",
      "  - id: gpt-4",
      "    name: openai/gpt-4",
      `    base_url: ${fake.url}`,
      "    vision_enabled: true",
      "    max_output_tokens: 8000",
      "  - id: claude-3-sonnet",
      "    name: anthropic/claude-3-sonnet-20240229",
      "    provider: anthropic",
      `    base_url: ${fake.url}`,
      "agents:",
      "  - id: code-expert",
      "    system_prompt: You are a code expert.",
    ].join("\n"),
  );
  mkdirSync(join(env.workspace, "path", "to"), { recursive: true });
  writeFileSync(join(env.workspace, "path", "to", "file1.py"), "print('one')\n");
  writeFileSync(join(env.workspace, "path", "to", "file2.py"), "print('two')\n");
  writeFileSync(join(env.workspace, "main.py"), "def main():\n    pass\n");
  writeFileSync(join(env.workspace, "image.png"), PNG_1x1);
  const server = await env.start({
    env: {
      FLOE_MODEL_MAX_RETRIES: "0",
      FLOE_HEARTBEAT_MS: "300",
      FLOE_AEGIS_NET_FILE: join(env.workspace, "aegis-net.toml"),
      ...extraEnv,
    },
  });
  return {
    env,
    fake,
    server,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = {
        method,
        headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      };
      if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
      const res = await fetch(`${server.url}${path}`, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async cleanup() {
      await env.cleanup();
      await fake.close();
    },
  };
}
