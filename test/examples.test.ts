import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

/** Runs each example in examples/ against a live server, as its header says to. */
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const KEY = "example-key";

describe("examples/", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("node-chat.ts streams an answer, then prints the history and the models", async () => {
    c = await createChatEnv({ env: { FLOE_API_KEYS: KEY } });
    c.fake.enqueue(reply.text("Two files live here.", { delayMs: 2 }));
    const { stdout } = await run(join(ROOT, "node_modules/.bin/tsx"), ["examples/node-chat.ts", "What is here?"], {
      cwd: ROOT,
      env: { ...process.env, FLOE_URL: c.server.url, FLOE_API_KEY: KEY },
    });
    expect(stdout).toContain("Two files live here.");
    expect(stdout).toMatch(/status: completed, conversation: \S+/);
    expect(stdout).toContain("user: What is here?\nassistant: Two files live here.");
    expect(stdout).toMatch(/models: \S+/);
  });

  it("curl-session.sh goes through Connect JSON, Penguin REST and Pawan SSE", async () => {
    c = await createChatEnv({ env: { FLOE_API_KEYS: KEY } });
    c.fake.enqueue(reply.text("Hello from REST"), reply.text("Hello over SSE"));
    const { stdout } = await run("bash", ["examples/curl-session.sh"], {
      cwd: ROOT,
      env: { ...process.env, FLOE_URL: c.server.url, FLOE_API_KEY: KEY },
    });
    expect(stdout).toMatch(/"status":"ok"/);
    expect(stdout).toMatch(/"response":"Hello from REST"/);
    expect(stdout).toMatch(/"content":"Say hello"/);
    expect(stdout, stdout).toMatch(/event: token\n(id: \S+\n)?data: \{"content":"Hell/);
    expect(stdout).toMatch(/event: done\n/);
  });

  it("the browser snippet chats from a page on an allowed origin, in Chromium", async () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-example-"));
    await build({
      entryPoints: [join(ROOT, "examples/browser/chat.ts")],
      bundle: true,
      format: "esm",
      outfile: join(dir, "chat.js"),
      logLevel: "silent",
    });
    copyFileSync(join(ROOT, "examples/browser/index.html"), join(dir, "index.html"));
    const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };
    const pages = http.createServer((req, res) => {
      const file = join(dir, new URL(req.url!, "http://x").pathname.replace(/^\/$/, "/index.html"));
      if (!types[extname(file)]) return void res.writeHead(404).end();
      res.setHeader("content-type", types[extname(file)]!);
      res.end(readFileSync(file));
    });
    await new Promise<void>((r) => pages.listen(0, "127.0.0.1", r));
    const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
    try {
      c = await createChatEnv({ env: { FLOE_API_KEYS: KEY, FLOE_CORS_ORIGINS: origin } });
      c.fake.enqueue(reply.text("Hello, browser.", { delayMs: 2 }));
      const page = await browser.newPage();
      await page.goto(`${origin}/index.html?server=${encodeURIComponent(c.server.url)}`);
      await page.getByLabel("API key").fill(KEY);
      await page.getByRole("button", { name: "Ask" }).click();
      await page.locator("#status", { hasText: "done: completed" }).waitFor();
      expect(await page.locator("output").textContent()).toBe("Hello, browser.");
    } finally {
      await browser.close();
      pages.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
