import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { UploadService } from "../gen/floe/v1/upload_pb.js";
import { type CompatEnv, createCompatEnv, PNG_1x1 } from "./support/compat-env.js";

async function upload(c: CompatEnv, name: string, bytes: Uint8Array, type = "image/png", field = "file") {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
  const res = await fetch(`${c.server.url}/api/v1/upload`, { method: "POST", body: form });
  return { status: res.status, body: (await res.json()) as any };
}

const uploads = (c: CompatEnv) => {
  const dir = join(c.server.config.workspace, "uploads");
  return existsSync(dir) ? readdirSync(dir) : [];
};

describe("uploads: /api/v1/upload and UploadService", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("stores a real PNG under a generated name, and chat takes its path as image_path", async () => {
    c = await createCompatEnv();
    const res = await upload(c, "my photo.png", PNG_1x1, "application/octet-stream");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      path: expect.stringMatching(/\/uploads\/[0-9a-f-]{36}\.png$/),
      filename: "my photo.png",
      content_type: "image/png",
      size_bytes: PNG_1x1.length,
    });
    expect(dirname(res.body.path)).toBe(join(c.server.config.workspace, "uploads"));
    expect(readFileSync(res.body.path)).toEqual(PNG_1x1);

    const chat = await c.call("POST", "/api/v1/chat/message", { text: "what is this?", image_path: res.body.path });
    expect(chat.status).toBe(200);
    const parts = c.fake.requests[0]!.messages.at(-1).content as { type: string; image_url?: { url: string } }[];
    const image = parts.find((p) => p.type === "image_url");
    expect(image?.image_url?.url).toBe(`data:image/png;base64,${PNG_1x1.toString("base64")}`);
  });

  it("reads the type from the bytes: a text file named .png is 415, a GIF named .txt is a GIF", async () => {
    c = await createCompatEnv();
    const fake = await upload(c, "evil.png", new TextEncoder().encode("#!/bin/sh\necho not an image\n"));
    expect(fake.status).toBe(415);
    expect(fake.body.detail).toMatch(/png, jpeg, gif or webp/);
    const gif = await upload(
      c,
      "notes.txt",
      new TextEncoder().encode("GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
      "text/plain",
    );
    expect(gif.status).toBe(200);
    expect(gif.body.content_type).toBe("image/gif");
    expect(gif.body.path).toMatch(/\.gif$/);
    expect(uploads(c)).toHaveLength(1);
  });

  it("refuses an empty file (400), a file over max_upload_bytes (413), no file field (422) and a JSON body (415)", async () => {
    c = await createCompatEnv({ FLOE_MAX_UPLOAD_BYTES: "1000" });
    const empty = await upload(c, "empty.png", new Uint8Array());
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/file is empty/);
    const big = new Uint8Array(5000);
    big.set(PNG_1x1);
    const tooBig = await upload(c, "big.png", big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.detail).toMatch(/1000 bytes/);
    const wrongField = await upload(c, "a.png", PNG_1x1, "image/png", "image");
    expect(wrongField.status).toBe(422);
    expect(wrongField.body.detail).toEqual([
      { loc: ["body", "file"], msg: "field required", type: "value_error.missing" },
    ]);
    const json = await c.call("POST", "/api/v1/upload", { file: "x" });
    expect(json.status).toBe(415);
    const broken = await fetch(`${c.server.url}/api/v1/upload`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "no boundary here",
    });
    expect(broken.status).toBe(422);
    expect(((await broken.json()) as { detail: unknown }).detail).toEqual([
      { loc: ["body"], msg: expect.stringMatching(/^malformed multipart body/), type: "value_error" },
    ]);
    expect(uploads(c)).toEqual([]);
    // The server is still serving.
    expect((await upload(c, "ok.png", PNG_1x1)).status).toBe(200);
  });

  it("serves the same rules as an RPC", async () => {
    c = await createCompatEnv();
    const client = createClient(UploadService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
    const res = await client.uploadFile({ filename: "x.png", data: PNG_1x1 });
    expect(res).toMatchObject({ filename: "x.png", contentType: "image/png", size: BigInt(PNG_1x1.length) });
    expect(readFileSync(res.path)).toEqual(PNG_1x1);
    await expect(
      client.uploadFile({ filename: "x.png", data: new TextEncoder().encode("hello") }),
    ).rejects.toMatchObject({
      code: Code.InvalidArgument,
      rawMessage: expect.stringMatching(/unsupported file type/),
    });
  });
});
