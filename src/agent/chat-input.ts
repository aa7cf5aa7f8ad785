import { readFileSync, statSync } from "node:fs";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import { confinePath } from "./tools/confine-path.js";
import type { ToolError } from "./tools/tool-error.js";
import { truncate } from "./tools/truncate.js";

const IMAGE_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

function confined(root: string, p: string, field: string): string {
  try {
    return confinePath(root, p);
  } catch (e) {
    throw new ConnectError(`${field}: ${(e as ToolError).message}`, Code.InvalidArgument);
  }
}

/**
 * Reads `image_path` for a vision request as a data URL. The path may be in
 * the active root or in the workspace's uploads folder.
 */
export function readImage(imagePath: string, model: ModelConfig, root: string, uploadsDir: string): string {
  if (!model.visionEnabled) {
    throw new ConnectError(
      `model ${JSON.stringify(model.id)} (${model.name}) does not accept images (vision_enabled is false): choose a vision model or drop image_path`,
      Code.InvalidArgument,
    );
  }
  const abs = resolve(imagePath);
  const inUploads = isAbsolute(imagePath) && !relative(uploadsDir, abs).startsWith("..");
  const path = inUploads
    ? confined(uploadsDir, relative(uploadsDir, abs), "image_path")
    : confined(root, imagePath, "image_path");
  const type = IMAGE_TYPES[extname(path).toLowerCase()];
  if (!type)
    throw new ConnectError(
      `image_path ${JSON.stringify(imagePath)}: unsupported image type; use png, jpeg, gif or webp`,
      Code.InvalidArgument,
    );
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ConnectError(`image_path ${JSON.stringify(imagePath)} does not exist`, Code.InvalidArgument);
  }
  if (size > MAX_IMAGE_BYTES)
    throw new ConnectError(
      `image_path ${JSON.stringify(imagePath)} is larger than ${MAX_IMAGE_BYTES} bytes`,
      Code.InvalidArgument,
    );
  return `data:${type};base64,${readFileSync(path).toString("base64")}`;
}

/** Reads `context_files` from the active root (or the workspace's context folder). */
export function readContextFiles(
  paths: readonly string[],
  root: string,
  contextDir: string,
): { path: string; content: string }[] {
  return paths.map((p) => {
    let path: string;
    try {
      path = confinePath(root, p);
      statSync(path);
    } catch {
      path = confined(contextDir, p, "context_files");
    }
    try {
      return { path: p, content: truncate(readFileSync(path, "utf8")) };
    } catch {
      throw new ConnectError(
        `context_files: ${JSON.stringify(p)} does not exist in the active root or ${join(contextDir)}`,
        Code.InvalidArgument,
      );
    }
  });
}
