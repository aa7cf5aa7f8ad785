import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createThrowawayDatabase, type ThrowawayDatabase } from "./support/postgres.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));

describe("examples/two-instances.sh", () => {
  let fake: FakeOpenAI | undefined;
  let pgdb: ThrowawayDatabase | undefined;
  afterEach(async () => {
    await fake?.close();
    await pgdb?.drop();
  });

  it("starts two instances behind a round-robin balancer; a chat and its history land on different ones", async () => {
    fake = await startFakeOpenAI();
    pgdb = await createThrowawayDatabase();
    fake.enqueue(reply.text("Hello from the cluster"));
    const { stdout } = await run("bash", ["examples/two-instances.sh", "--demo"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        FLOE_DATABASE_URL: pgdb.url,
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: "test-key",
        FLOE_MODEL: "fake-model",
        LB_PORT: "0",
      },
    });
    expect(stdout).toMatch(/"response":"Hello from the cluster"/);
    expect(stdout).toMatch(/"content":"Say hello"/);
    const a = /instance a: (\S+)/.exec(stdout)![1]!;
    const b = /instance b: (\S+)/.exec(stdout)![1]!;
    expect(a).not.toBe(b);
    // The chat went to one instance and the history read to the other.
    expect(stdout).toContain(`POST /floe.v1.ChatService/SendMessage -> ${a}`);
    expect(stdout).toMatch(new RegExp(`GET /api/v1/conversations/\\S+/history -> ${b.replace(/[.]/g, "\\.")}`));
    // The script stopped both instances on its way out.
    const work = /work dir: (\S+)/.exec(stdout)![1]!;
    const left = await run("pgrep", ["-f", `--workspace ${work}/`]).then(
      (r) => r.stdout.trim(),
      () => "",
    );
    expect(left).toBe("");
  }, 90_000);
});
