import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCutProxy, type CutProxy } from "./support/cut-proxy.js";
import { reply } from "./support/fake-openai.js";
import { until } from "./support/rest.js";
import {
  answerEnded,
  createWebEnv,
  launchChromium,
  openUi,
  ready,
  send,
  type UiPage,
  type WebEnv,
} from "./support/web-ui.js";

const RM = "rm -rf ./build";

/** The runs the UI starts: tool activity, approvals (with the key prompt), cancel, and resuming after a cut. */
describe("the web UI's runs", () => {
  let browser: Browser;
  let c: WebEnv;
  let ui: UiPage | undefined;
  let proxy: CutProxy | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  afterEach(async (test) => {
    await ui?.close(test);
    ui = undefined;
    await proxy?.close();
    proxy = undefined;
    await c?.cleanup();
  });

  it("shows each tool's start and end: success or failure, duration and a preview", async () => {
    c = await createWebEnv();
    writeFileSync(join(c.server.app.runtime.activeRoot, "notes.txt"), "remember the milk\n");
    c.fake.enqueue(
      reply.toolCalls([
        { name: "read_file", args: { path: "notes.txt" }, id: "call_ok" },
        { name: "read_file", args: { path: "missing.txt" }, id: "call_missing" },
      ]),
      reply.text("Read them."),
    );
    ui = await openUi(browser, c.server.url);
    const { page } = ui;
    await answerEnded(page, await send(page, "read my notes"));
    const ok = page.locator('.tool[data-tool-call-id="call_ok"]');
    expect(await ok.getAttribute("data-outcome")).toBe("succeeded");
    expect(await ok.locator(".tool-name").textContent()).toBe("read_file");
    expect(await ok.locator(".tool-args").textContent()).toBe('{"path":"notes.txt"}');
    expect(await ok.locator(".tool-state").textContent()).toMatch(/^succeeded in \d+ ms$/);
    await ok.getByText("Result preview").click();
    expect(await ok.locator(".tool-preview pre").textContent()).toContain("remember the milk");
    const missing = page.locator('.tool[data-tool-call-id="call_missing"]');
    expect(await missing.getAttribute("data-outcome")).toBe("failed");
    expect(await missing.locator(".tool-state").textContent()).toMatch(/^failed in \d+ ms$/);
    expect(await missing.getAttribute("aria-label")).toBe("Tool read_file");
    // The answer after the tools is its own stretch of text, below them.
    const last = page.locator(".message.assistant .turn-body > *:last-child");
    expect(await last.getAttribute("class")).toBe("answer markdown");
    expect((await last.textContent())?.trim()).toBe("Read them.");
    expect(ui.errors).toEqual([]);
  });

  it("asks for the API key, then approves once and denies through the prompt", async () => {
    c = await createWebEnv({ FLOE_API_KEYS: "k1", FLOE_APPROVAL_TIMEOUT_MS: "60000" });
    const build = join(c.server.app.runtime.activeRoot, "build");
    mkdirSync(build);
    ui = await openUi(browser, c.server.url, { waitReady: false });
    const { page } = ui;
    const dialog = page.getByRole("dialog", { name: "API key needed" });
    await dialog.waitFor();
    expect(await dialog.getByText("This server needs an API key.").isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("key-input");
    // A wrong key is refused, and the dialog asks again, saying so.
    await dialog.getByLabel("API key").fill("wrong");
    await dialog.getByLabel("API key").press("Enter");
    await dialog.getByText("The server did not accept this API key. Enter another.").waitFor();
    await dialog.getByLabel("API key").fill("k1");
    await dialog.getByRole("button", { name: "Continue" }).click();
    await ready(page);
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.evaluate(() => sessionStorage.getItem("floe.apiKey"))).toBe("k1");

    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("finished"));
    const first = await send(page, "clean the build");
    const prompt = page.getByRole("group", { name: "Approval needed: execute_command" });
    await prompt.waitFor();
    expect(await prompt.locator("dd code").textContent()).toBe(RM);
    expect(await prompt.locator(".approval-reason").textContent()).toMatch(/^Destructive command requires approval/);
    // The prompt takes the focus: the run waits for it.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Approve once");
    expect(existsSync(build)).toBe(true);
    await prompt.getByRole("button", { name: "Approve once" }).click();
    await answerEnded(page, first);
    expect(await prompt.locator(".approval-state").textContent()).toBe("Approved (once)");
    expect(await prompt.getByRole("button", { name: "Deny" }).isDisabled()).toBe(true);
    expect(await page.locator(".tool").first().getAttribute("data-outcome")).toBe("succeeded");
    expect(existsSync(build)).toBe(false);

    mkdirSync(build);
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("left it"));
    const second = await send(page, "clean it again");
    const again = page.locator(".approval").nth(1);
    await again.getByRole("button", { name: "Deny" }).click();
    await answerEnded(page, second);
    expect(await again.locator(".approval-state").textContent()).toBe("Denied");
    expect(c.fake.requests.at(-1)!.messages.at(-1)).toMatchObject({ role: "tool", content: /^permission denied/ });
    expect(existsSync(build)).toBe(true);
    // Every call carried the key: the page is usable after a reload without asking again.
    await page.reload();
    await ready(page);
    expect(await dialog.isVisible()).toBe(false);
    expect(ui.errors).toEqual([]);
  });

  it("cancels a slow answer: the run ends cancelled and the model call is dropped", async () => {
    c = await createWebEnv();
    c.fake.enqueue(reply.text("slow ".repeat(200), { chunkSize: 5, delayMs: 100 }));
    ui = await openUi(browser, c.server.url);
    const { page } = ui;
    const n = await send(page, "take your time");
    const cancel = page.getByRole("button", { name: "Cancel" });
    await page.locator(".message.assistant .answer", { hasText: "slow" }).waitFor();
    expect(await page.getByRole("button", { name: "Send" }).isDisabled()).toBe(true);
    // Deleting the conversation of a live run is refused, with the server's reason on the page.
    const del = page.locator("#conversation-list button.delete");
    await del.click();
    await del.click();
    await page
      .getByRole("alert")
      .getByText(/active or queued run\(s\): cancel them/)
      .waitFor();
    expect(await page.locator("#conversation-list li").count()).toBe(1);
    await cancel.click();
    await answerEnded(page, n, "cancelled");
    expect(await page.locator(".message.assistant .run-status").textContent()).toMatch(/^Cancelled: /);
    await until(() => c.fake.open() === 0, "the upstream request to close");
    const [conversation] = await c.server.app.conversations.list(1, "");
    expect(c.server.app.runs.activeRuns(conversation!.id)).toEqual([]);
    expect(await cancel.isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Send" }).isEnabled()).toBe(true);
    expect(ui.errors).toEqual([]);
  });

  it("resumes the answer after the network drops and comes back, with no lost or repeated text", async () => {
    c = await createWebEnv();
    proxy = await startCutProxy(c.server.url);
    const words = Array.from({ length: 60 }, (_, i) => `word${String(i).padStart(2, "0")}`).join(" ");
    c.fake.enqueue(reply.text(words, { chunkSize: 7, delayMs: 40 }));
    // Loaded through the proxy, the page's every call goes through it.
    ui = await openUi(browser, proxy.url);
    const { page } = ui;
    const n = await send(page, "count slowly");
    await page.locator(".message.assistant .answer", { hasText: "word05" }).waitFor();
    const before = proxy.accepted();
    // The network goes down and stays down: the page keeps trying (attempt 2 means one retry already failed)…
    expect(proxy.down()).toBeGreaterThan(0);
    await page.locator("#status", { hasText: "(attempt 2)" }).waitFor();
    expect(proxy.accepted()).toBe(before);
    // …and when it comes back, the answer finishes.
    proxy.up();
    await answerEnded(page, n);
    expect((await page.locator(".message.assistant .answer").textContent())?.trim()).toBe(words);
    expect(Number(await page.locator(".message.assistant").nth(n).getAttribute("data-resumes"))).toBeGreaterThan(1);
    expect(proxy.accepted()).toBeGreaterThan(before);
    expect(await page.locator("#status").textContent()).toBe("Reconnected.");
    expect(ui.errors).toEqual([]);
  });

  it("after a reload, opening the conversation shows its live run, whose approval can still be answered", async () => {
    c = await createWebEnv({ FLOE_API_KEYS: "k1", FLOE_APPROVAL_TIMEOUT_MS: "60000" });
    const build = join(c.server.app.runtime.activeRoot, "build");
    mkdirSync(build);
    ui = await openUi(browser, c.server.url, { waitReady: false });
    const { page } = ui;
    await page.getByRole("dialog", { name: "API key needed" }).getByLabel("API key").fill("k1");
    await page.getByRole("dialog", { name: "API key needed" }).getByLabel("API key").press("Enter");
    await ready(page);
    c.fake.enqueue(
      reply.toolCalls([{ name: "execute_command", args: { command: RM } }]),
      reply.text("cleaned after the reload"),
    );
    await send(page, "clean the build");
    const prompt = page.getByRole("group", { name: "Approval needed: execute_command" });
    await prompt.waitFor();
    await page.reload();
    await ready(page);
    expect(await prompt.count()).toBe(0);
    await page.locator("#conversation-list button.open").first().click();
    await prompt.waitFor();
    expect(await page.locator(".message.user").textContent()).toBe("clean the build");
    expect(existsSync(build)).toBe(true);
    await prompt.getByRole("button", { name: "Approve once" }).click();
    await answerEnded(page, 0);
    expect((await page.locator(".message.assistant .answer").textContent())?.trim()).toBe("cleaned after the reload");
    expect(existsSync(build)).toBe(false);
    // Opening a conversation with nothing live follows nothing: the finished answer is shown once, from the history.
    await page.getByRole("button", { name: "New conversation" }).click();
    await page.locator("#conversation-list li").nth(1).waitFor();
    await page.locator("#conversation-list button.open", { hasText: "clean the build" }).click();
    await page.locator(".message.assistant", { hasText: "cleaned after the reload" }).waitFor();
    expect(await page.locator(".message.assistant").count()).toBe(1);
    expect(await page.locator(".approval").count()).toBe(0);
    expect(ui.errors).toEqual([]);
  });
});
