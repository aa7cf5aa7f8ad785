import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WEB_UI_CSP } from "../src/server/web-ui.js";
import { reply } from "./support/fake-openai.js";
import { createTestEnv } from "./support/test-server.js";
import { answerEnded, createWebEnv, launchChromium, openUi, send, type UiPage, type WebEnv } from "./support/web-ui.js";

const ANSWER = [
  "# Release plan",
  "",
  "Run this:",
  "",
  "```ts",
  "const answer: number = 42;",
  "export function twice(n: number) { return n * 2; }",
  "```",
  "",
  "<script>window.__pwned = 'script'</script>",
  '<img src="x" onerror="window.__pwned = \'img\'">',
  "[click me](javascript:window.__pwned='link')",
  "",
  "Done.",
].join("\n");

describe("the web UI", () => {
  let browser: Browser;
  let c: WebEnv;
  let ui: UiPage | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  afterEach(async (test) => {
    await ui?.close(test);
    ui = undefined;
    await c?.cleanup();
  });

  it("is served at / with a strict policy, next to every route that was there", async () => {
    c = await createWebEnv();
    const page = await fetch(`${c.server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toBe(WEB_UI_CSP);
    expect(WEB_UI_CSP).toMatch(/default-src 'self'/);
    expect(WEB_UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const html = await page.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/); // no inline script: only external modules
    const script = /src="(\/assets\/main-[A-Z0-9]+\.js)"/.exec(html)![1]!;
    const asset = await fetch(`${c.server.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    for (const bad of ["/assets/nope.js", "/assets/..%2Findex.html", "/assets/.hidden.js", "/assets/x.html"]) {
      const res = await fetch(`${c.server.url}${bad}`);
      expect(res.status, bad).toBe(404);
      expect(await res.json(), bad).toEqual({ error: "Not Found" });
    }
    // The routes that were already there answer as before.
    expect(await (await fetch(`${c.server.url}/health`)).json()).toMatchObject({ status: "ok" });
    expect((await fetch(`${c.server.url}/api/v1/conversations`)).status).toBe(200);
    expect((await fetch(`${c.server.url}/api/docs/`)).status).toBe(200);
    const rpc = await fetch(`${c.server.url}/floe.v1.ConversationService/ListConversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await rpc.json()).toEqual({});
    expect((await fetch(`${c.server.url}/nope`)).status).toBe(404);
  });

  it("says how to build the UI when it is not built", async () => {
    const env = await createTestEnv();
    try {
      const server = await env.start({ webRoot: mkdtempSync(join(tmpdir(), "floe-no-web-")) });
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(503);
      expect((await res.json()).error).toMatch(/web UI is not built.*npm run build:web/);
    } finally {
      await env.cleanup();
    }
  });

  it("sends with Enter, adds a line with Shift+Enter, streams sanitized and highlighted markdown, reasoning folded", async () => {
    c = await createWebEnv();
    c.fake.enqueue(reply.text(ANSWER, { chunkSize: 9, delayMs: 3, reasoning: "First, the plan; then the code." }));
    ui = await openUi(browser, c.server.url);
    const { page } = ui;
    const box = page.getByLabel("Message", { exact: true });
    await box.pressSequentially("first line");
    await box.press("Shift+Enter");
    await box.pressSequentially("second line");
    expect(await box.inputValue()).toBe("first line\nsecond line");
    expect(c.fake.requests).toHaveLength(0);
    await box.press("Enter");
    await answerEnded(page, 0);
    expect(c.fake.requests[0]!.messages.at(-1)).toEqual({ role: "user", content: "first line\nsecond line" });
    expect(await page.locator(".message.user .user-text").textContent()).toBe("first line\nsecond line");
    expect(await box.inputValue()).toBe("");

    const answer = page.locator(".message.assistant .answer");
    expect(await answer.locator("h1").textContent()).toBe("Release plan");
    const code = answer.locator("pre code.hljs.language-ts");
    expect(await code.textContent()).toContain("const answer: number = 42;");
    expect(await code.locator(".hljs-keyword").first().textContent()).toBe("const");
    expect(await code.locator(".hljs-title.function_").textContent()).toBe("twice");
    // The payloads are shown as text, and nothing of them ran.
    const text = (await answer.textContent())!;
    expect(text).toContain("<script>window.__pwned = 'script'</script>");
    expect(text).toContain("onerror=");
    expect(await page.locator("#messages script, #messages img, #messages [onerror]").count()).toBe(0);
    expect(await page.locator('#messages a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)).toBeUndefined();

    const reasoning = page.locator(".message.assistant details.reasoning");
    expect(await reasoning.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    expect(await page.getByText("First, the plan; then the code.").isVisible()).toBe(false);
    await reasoning.locator("summary").click();
    await page.getByText("First, the plan; then the code.").waitFor();
    expect(await reasoning.evaluate((d: HTMLDetailsElement) => d.open)).toBe(true);
    // The streamed answer is a polite live region, no longer busy once the run ended.
    const body = page.locator(".message.assistant .turn-body");
    expect(await body.getAttribute("aria-live")).toBe("polite");
    expect(await body.getAttribute("aria-busy")).toBe("false");
    expect(ui.errors).toEqual([]);
  });

  it("creates, switches, renames and deletes conversations", async () => {
    c = await createWebEnv();
    c.fake.respond((body) => reply.text(`answer to ${body.messages.at(-1).content}`));
    ui = await openUi(browser, c.server.url);
    const { page } = ui;
    const items = page.locator("#conversation-list li");
    const current = page.locator('#conversation-list button.open[aria-current="true"]');
    // A first message without a conversation starts one, which becomes the current one.
    await answerEnded(page, await send(page, "alpha question"));
    await current.waitFor();
    const [first] = (await c.server.app.conversations.list(10, "")).map((x) => x.id);
    expect(await items.first().getAttribute("data-id")).toBe(first);

    await page.getByRole("button", { name: "New conversation" }).click();
    await page.locator("#conversation-list li").nth(1).waitFor();
    expect(await current.locator("xpath=..").getAttribute("data-id")).not.toBe(first);
    expect(await page.locator("#messages .message").count()).toBe(0);
    await answerEnded(page, await send(page, "beta question"));
    const second = await current.locator("xpath=..").getAttribute("data-id");
    expect(second).not.toBe(first);
    expect((await c.server.app.conversations.all(second!)).map((m) => m.content)).toEqual([
      "beta question",
      "answer to beta question",
    ]);

    // Switch back: the first conversation's messages, and only them.
    await page.locator(`#conversation-list li[data-id="${first}"] button.open`).click();
    await page.locator(".message.assistant", { hasText: "answer to alpha question" }).waitFor();
    expect((await page.locator("#messages .message").allTextContents()).map((t) => t.trim())).toEqual([
      "alpha question",
      "answer to alpha question",
    ]);
    expect(await current.locator("xpath=..").getAttribute("data-id")).toBe(first);

    // Rename in place: Escape gives up, Enter saves.
    await page.locator(`#conversation-list li[data-id="${first}"] button.rename`).click();
    const input = page.locator(`#conversation-list li[data-id="${first}"] input`);
    await input.fill("Abandoned");
    await input.press("Escape");
    await input.waitFor({ state: "detached" });
    expect((await c.server.app.conversations.get(first!))?.name).not.toBe("Abandoned");
    await page.locator(`#conversation-list li[data-id="${first}"] button.rename`).click();
    await input.fill("Alpha plans");
    await input.press("Enter");
    await page.locator("#conversation-list button.open", { hasText: "Alpha plans" }).waitFor();
    expect(await page.locator("#conversation-title").textContent()).toBe("Alpha plans");
    expect((await c.server.app.conversations.get(first!))?.name).toBe("Alpha plans");

    // Delete asks once more, then the conversation is gone, on the page and on the server.
    const del = page.locator(`#conversation-list li[data-id="${second}"] button.delete`);
    await del.click();
    expect(await del.getAttribute("aria-label")).toMatch(/^Confirm: delete/);
    expect(await c.server.app.conversations.get(second!)).toBeDefined();
    await del.click();
    await page.locator(`#conversation-list li[data-id="${second}"]`).waitFor({ state: "detached" });
    expect(await c.server.app.conversations.get(second!)).toBeUndefined();
    expect(await items.count()).toBe(1);
    expect(ui.errors).toEqual([]);
  });
  it("sends the chosen agent and model to the model", async () => {
    c = await createWebEnv();
    ui = await openUi(browser, c.server.url);
    const { page } = ui;
    const agent = page.getByLabel("Agent");
    const model = page.getByLabel("Model");
    expect(await agent.locator("option").allTextContents()).toEqual(["default", "code-expert"]);
    expect(await model.locator("option").allTextContents()).toEqual([
      "Server default (gpt-4)",
      "gpt-4",
      "claude-3-sonnet",
    ]);
    await agent.selectOption("code-expert");
    await model.selectOption("claude-3-sonnet");
    await answerEnded(page, await send(page, "review this"));
    const expert = c.fake.requests.at(-1)!;
    expect(expert.model).toBe("anthropic/claude-3-sonnet-20240229");
    expect(expert.messages[0]).toMatchObject({
      role: "system",
      content: expect.stringContaining("You are a code expert."),
    });

    // Another agent starts a conversation of its own; the server's default model is sent when none is chosen.
    await agent.selectOption("default");
    await model.selectOption("");
    expect(await page.locator("#messages .message").count()).toBe(0);
    await answerEnded(page, await send(page, "hello"));
    const plain = c.fake.requests.at(-1)!;
    expect(plain.model).toBe("openai/gpt-4");
    expect(JSON.stringify(plain.messages)).not.toContain("You are a code expert.");
    const owners = (await c.server.app.conversations.list(10, "")).map((x) => x.agentId).sort();
    expect(owners).toEqual(["code-expert", "default"]);
    // Opening the expert's conversation selects its agent again.
    await page.locator("#conversation-list button.open", { hasText: "review this" }).click();
    await page.locator(".message.user", { hasText: "review this" }).waitFor();
    expect(await agent.inputValue()).toBe("code-expert");
    expect(ui.errors).toEqual([]);
  });

  it("is usable with the keyboard and a screen reader, and fits a phone's width", async () => {
    c = await createWebEnv();
    const paragraphs = Array.from({ length: 30 }, (_, k) => `Paragraph ${k}.`).join("\n\n");
    c.fake.enqueue(
      reply.text(`A long line:\n\n\`\`\`\n${"x".repeat(400)}\n\`\`\`\n\n${paragraphs}`, { chunkSize: 40 }),
    );
    ui = await openUi(browser, c.server.url, { viewport: { width: 360, height: 720 } });
    const { page } = ui;
    // Landmarks and names.
    await page.getByRole("banner").waitFor();
    await page.getByRole("main").waitFor();
    expect(await page.getByRole("log", { name: "Messages" }).count()).toBe(1);
    expect(await page.getByRole("status").count()).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("composer-input");
    expect(await page.getByRole("textbox", { name: "Message" }).getAttribute("aria-describedby")).toBe("composer-hint");
    // On a narrow screen the conversation list folds behind a button that says whether it is open.
    const toggle = page.getByRole("button", { name: "Conversations" });
    const nav = page.getByRole("navigation", { name: "Conversations" });
    expect(await toggle.getAttribute("aria-expanded")).toBe("false");
    expect(await nav.isVisible()).toBe(false);
    await toggle.click();
    expect(await toggle.getAttribute("aria-expanded")).toBe("true");
    expect(await nav.isVisible()).toBe(true);
    await toggle.click();
    expect(await nav.isVisible()).toBe(false);
    // The keyboard alone sends; a long answer scrolls inside its block, never the page sideways.
    // Before the toggle, first on the page, a skip link leads to the message box.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("sidebar-toggle");
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to the message box");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("composer-input");
    await page.keyboard.type("wide please");
    await page.keyboard.press("Enter");
    await answerEnded(page, 0);
    // The log followed the answer to its end.
    const log = await page.locator("#messages").evaluate((m) => [m.scrollHeight, m.clientHeight, m.scrollTop]);
    expect(log[0]).toBeGreaterThan(log[1]! * 2);
    expect(log[0]! - log[1]! - log[2]!).toBeLessThan(2);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
    expect(await page.getByRole("button", { name: "Send" }).isVisible()).toBe(true);
    const box = (await page.getByRole("textbox", { name: "Message" }).boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(box.y + box.height).toBeLessThanOrEqual(720);
    expect(ui.errors).toEqual([]);
  });
});
