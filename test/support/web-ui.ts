import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestContext } from "vitest";
import { buildWeb } from "../../scripts/build-web.mjs";
import type { FloeServer } from "../../src/server/start-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";
import { createTestEnv, type TestEnv } from "./test-server.js";

/** Debian's Chromium (scripts/ensure-test-services.sh installs it). */
export const CHROMIUM = process.env.FLOE_TEST_CHROMIUM ?? "/usr/bin/chromium";

let built: Promise<string> | undefined;

/**
 * Builds the UI from web/ once per test file, into a folder of its own: the
 * tests always see the current sources, and files running in parallel never
 * write the same folder.
 */
export function buildWebForTests(): Promise<string> {
  built ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "floe-web-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    await buildWeb(dir);
    return dir;
  })();
  return built;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}

export interface WebEnv {
  env: TestEnv;
  fake: FakeOpenAI;
  server: FloeServer;
  cleanup(): Promise<void>;
}

/**
 * A server with the built UI and the fake upstream as its models: `gpt-4`
 * (the default, upstream name `openai/gpt-4`) and `claude-3-sonnet`
 * (`anthropic/claude-3-sonnet-20240229`), and an agent `code-expert`.
 */
export async function createWebEnv(extraEnv: Record<string, string> = {}): Promise<WebEnv> {
  const webRoot = await buildWebForTests();
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
      "  - id: claude-3-sonnet",
      "    name: anthropic/claude-3-sonnet-20240229",
      `    base_url: ${fake.url}`,
      "agents:",
      "  - id: code-expert",
      "    system_prompt: You are a code expert.",
    ].join("\n"),
  );
  const server = await env.start({
    webRoot,
    env: { FLOE_MODEL_MAX_RETRIES: "0", FLOE_HEARTBEAT_MS: "300", ...extraEnv },
  });
  return {
    env,
    fake,
    server,
    async cleanup() {
      await env.cleanup();
      await fake.close();
    },
  };
}

export interface UiPage {
  page: Page;
  /** Uncaught exceptions in the page: a test ends by asserting there were none. */
  errors: string[];
  /** Closes the page; pass the test's context to keep a screenshot when the test failed. */
  close(test?: TestContext): Promise<void>;
}

/** Where failed UI tests leave their screenshots (gitignored; CI prints the folder). */
export const SCREENSHOTS = join(fileURLToPath(new URL("../../", import.meta.url)), "test-results", "screenshots");

/** Opens `url` in a fresh browser context (its own sessionStorage) and waits for the UI to load. */
export async function openUi(
  browser: Browser,
  url: string,
  o: { viewport?: { width: number; height: number }; waitReady?: boolean } = {},
): Promise<UiPage> {
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 1200, height: 800 } });
  // Fail with the waiting step's name well before the test's own timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    // A content-security-policy violation is reported on the console only.
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  await page.goto(url);
  if (o.waitReady !== false) await ready(page);
  return {
    page,
    errors,
    async close(test) {
      if (test?.task.result?.state === "fail") {
        const name = `${test.task.file?.name ?? ""} ${test.task.name}`.replace(/[^\w.-]+/g, "_").slice(0, 180);
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true }).catch(() => {});
      }
      await context.close();
    },
  };
}

/** The UI finished its first load (agents, models, conversations). */
export function ready(page: Page): Promise<unknown> {
  return page.locator("body[data-ready=true]").waitFor();
}

/** Types a message and sends it with Enter; resolves once the new answer's article is on the page. */
export async function send(page: Page, text: string): Promise<number> {
  const before = await page.locator("#messages .message.assistant").count();
  await page.getByLabel("Message", { exact: true }).fill(text);
  await page.getByLabel("Message", { exact: true }).press("Enter");
  await page.locator("#messages .message.assistant").nth(before).waitFor();
  return before;
}

/** Waits until the nth answer of the page ended in `state` (`completed`, `error`, `cancelled`). */
export function answerEnded(page: Page, n: number, state = "completed"): Promise<unknown> {
  return page
    .locator("#messages .message.assistant")
    .nth(n)
    .and(page.locator(`[data-state=${state}]`))
    .waitFor();
}
