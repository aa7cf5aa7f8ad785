import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { RequestError_Reason, RequestErrorSchema } from "../../gen/floe/v1/common_pb.js";
import type { UploadService } from "../../gen/floe/v1/upload_pb.js";
import type { AppContext } from "./app-context.js";
import { bodyTooLarge, invalidValue } from "./request-errors.js";

/** The image formats accepted, told apart by their first bytes. */
const SIGNATURES: { type: string; ext: string; test: (b: Uint8Array) => boolean }[] = [
  { type: "image/png", ext: "png", test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { type: "image/jpeg", ext: "jpg", test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { type: "image/gif", ext: "gif", test: (b) => ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a") },
  { type: "image/webp", ext: "webp", test: (b) => ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP") },
];

function starts(b: Uint8Array, sig: number[]): boolean {
  return b.length >= sig.length && sig.every((v, i) => b[i] === v);
}

function ascii(b: Uint8Array, at: number, text: string): boolean {
  return b.length >= at + text.length && [...text].every((c, i) => b[at + i] === c.charCodeAt(0));
}

/** The image type of some bytes, whatever the name or declared type says; undefined for anything else. */
export function sniffImage(bytes: Uint8Array): { type: string; ext: string } | undefined {
  return SIGNATURES.find((s) => s.test(bytes));
}

/** Stores an uploaded image under `<workspace>/uploads/` with a generated name. */
export async function storeUpload(
  app: AppContext,
  file: { filename: string; data: Uint8Array },
): Promise<{ path: string; filename: string; contentType: string; size: number }> {
  if (file.data.length === 0) throw invalidValue("file", "is empty: send the image's bytes");
  if (file.data.length > app.config.maxUploadBytes)
    throw bodyTooLarge(`file is larger than the upload limit of ${app.config.maxUploadBytes} bytes (max_upload_bytes)`);
  const image = sniffImage(file.data);
  if (!image) {
    const detail = create(RequestErrorSchema, { reason: RequestError_Reason.UNSUPPORTED_MEDIA_TYPE });
    throw new ConnectError(
      "unsupported file type: upload a png, jpeg, gif or webp image (the type is read from the file's bytes)",
      Code.InvalidArgument,
      undefined,
      [{ desc: RequestErrorSchema, value: detail }],
    );
  }
  const dir = join(app.config.workspace, "uploads");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${randomUUID()}.${image.ext}`);
  await writeFile(path, file.data, { flag: "wx" });
  return { path, filename: file.filename, contentType: image.type, size: file.data.length };
}

export function uploadService(app: AppContext): ServiceImpl<typeof UploadService> {
  return {
    async uploadFile(req) {
      const stored = await storeUpload(app, { filename: req.filename.trim() || "upload", data: req.data });
      return { ...stored, size: BigInt(stored.size) };
    },
  };
}
