import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";

const SECRET = "s3cret-webhook";
const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function deliver(
  c: CompatEnv,
  event: string,
  payload: unknown,
  opts: { id?: string; signature?: string; path?: string; contentType?: string } = {},
) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": opts.contentType ?? "application/json",
    "x-github-event": event,
    "x-hub-signature-256": opts.signature ?? sign(body),
  };
  if (opts.id !== "") headers["x-github-delivery"] = opts.id ?? crypto.randomUUID();
  const res = await fetch(`${c.server.url}${opts.path ?? "/api/v1/github/webhook"}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as any };
}

const PR_OPENED = {
  action: "opened",
  number: 7,
  pull_request: {
    number: 7,
    title: "Add caching",
    body: "Speeds up reads.",
    html_url: "https://github.com/o/r/pull/7",
  },
  repository: { full_name: "o/r" },
  sender: { login: "octocat" },
};

describe("GitHub webhook", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("answers 503 and says why when no secret is configured", async () => {
    c = await createCompatEnv();
    const res = await deliver(c, "ping", { zen: "hi" });
    expect(res.status).toBe(503);
    expect(res.body.detail).toMatch(/GITHUB_WEBHOOK_SECRET/);
  });

  it("checks the signature (401), the delivery id (400, 409 on replay), the JSON (400) and the media type (415)", async () => {
    c = await createCompatEnv({ GITHUB_WEBHOOK_SECRET: SECRET });
    const wrong = await deliver(c, "ping", { zen: "hi" }, { signature: sign('{"zen":"hi"}', "other") });
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toMatch(/X-Hub-Signature-256/);
    const unsigned = await deliver(c, "ping", { zen: "hi" }, { signature: "" });
    expect(unsigned.status).toBe(401);
    const noDelivery = await deliver(c, "ping", { zen: "hi" }, { id: "" });
    expect(noDelivery.status).toBe(400);
    expect(noDelivery.body.detail).toMatch(/X-GitHub-Delivery/);
    const badJson = await deliver(c, "push", "{not json");
    expect(badJson.status).toBe(400);
    expect(badJson.body.detail).toMatch(/invalid webhook payload/);
    const form = await deliver(c, "ping", "payload=%7B%7D", { contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);

    const first = await deliver(c, "ping", { zen: "hi" }, { id: "d-1" });
    expect(first).toEqual({
      status: 200,
      body: { status: "ok", event: "ping", delivery_id: "d-1", routing: "accepted" },
    });
    const replay = await deliver(c, "ping", { zen: "hi" }, { id: "d-1" });
    expect(replay.status).toBe(409);
    expect(replay.body.detail).toMatch(/already received/);
  });

  it("routes pull_request opened to the agents of role code-reviewer, in the background, and records the outcome", async () => {
    c = await createCompatEnv({ GITHUB_WEBHOOK_SECRET: SECRET });
    expect((await c.call("POST", "/api/v1/agents", { id: "reviewer" })).status).toBe(200);
    expect((await c.call("POST", "/api/v1/agents/reviewer/register", { role: "code-reviewer" })).status).toBe(200);
    c.fake.enqueue(reply.text("Looks good."));
    const res = await deliver(c, "pull_request", PR_OPENED, {
      id: "pr-7",
      path: "/api/v1/integrations/github/webhook",
    });
    expect(res).toEqual({
      status: 200,
      body: { status: "ok", event: "pull_request", delivery_id: "pr-7", routing: "accepted" },
    });
    const db = c.server.app.database.db;
    await expect
      .poll(async () => (await db.selectFrom("github_deliveries").selectAll().execute())[0]?.status)
      .toBe("routed");
    const row = await db.selectFrom("github_deliveries").selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ delivery_id: "pr-7", event: "pull_request", action: "opened" });
    expect(row.outcome).toMatch(/^reviewer: run [0-9a-f-]{36}$/);
    await expect.poll(() => c.fake.requests.length).toBe(1);
    const prompt = JSON.stringify(c.fake.requests[0]!.messages.at(-1));
    expect(prompt).toContain('pull request #7 \\"Add caching\\" opened in o/r by octocat');

    // A closed pull request matches no rule: recorded as ignored, nothing runs.
    await deliver(c, "pull_request", { ...PR_OPENED, action: "closed" }, { id: "pr-7-closed" });
    await expect
      .poll(
        async () =>
          (
            await db
              .selectFrom("github_deliveries")
              .select("status")
              .where("delivery_id", "=", "pr-7-closed")
              .executeTakeFirst()
          )?.status,
      )
      .toBe("ignored");
    expect(c.fake.requests).toHaveLength(1);

    // A signed payload of an unexpected shape is a failed delivery, never a crash.
    expect((await c.call("POST", "/api/v1/agents/reviewer/register", { role: "ci" })).status).toBe(200);
    const odd = await deliver(
      c,
      "push",
      { ref: "main", commits: [null], repository: { full_name: "o/r" } },
      { id: "odd" },
    );
    expect(odd.status).toBe(200);
    await expect
      .poll(
        async () =>
          (
            await db
              .selectFrom("github_deliveries")
              .select("status")
              .where("delivery_id", "=", "odd")
              .executeTakeFirst()
          )?.status,
      )
      .toBe("failed");
    expect((await c.call("GET", "/api/v1/agents")).status).toBe(200);
  });
});
