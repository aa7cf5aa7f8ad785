import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, isAbsolute, relative, resolve } from "node:path";
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

/**
 * Where a context file is: the active root first, then the context folder
 * (which may not exist). Undefined when in neither; a path that escapes
 * every folder there is is refused with the reason.
 */
function locateContextFile(p: string, root: string, contextDir: string, field: string): string | undefined {
  let refused: unknown;
  let accepted = false;
  for (const dir of [root, contextDir]) {
    if (!existsSync(dir)) continue;
    try {
      const path = confinePath(dir, p);
      accepted = true;
      if (existsSync(path)) return path;
    } catch (e) {
      refused ??= e;
    }
  }
  if (!accepted && refused) throw new ConnectError(`${field}: ${(refused as ToolError).message}`, Code.InvalidArgument);
  return undefined;
}

/**
 * Reads context files from the active root, else the workspace's context
 * folder. A file in neither is `missing` (InvalidArgument for a chat's
 * `context_files`, NotFound where the file is what was asked for), and the
 * error names the file and both places looked.
 */
export function readContextFiles(
  paths: readonly string[],
  root: string,
  contextDir: string,
  field = "context_files",
  missing: Code = Code.InvalidArgument,
): { path: string; content: string }[] {
  return paths.map((p) => {
    const path = locateContextFile(p, root, contextDir, field);
    const looked = `looked for ${resolve(root, p)} and ${resolve(contextDir, p)}`;
    if (!path) throw new ConnectError(`${field}: context file ${JSON.stringify(p)} was not found (${looked})`, missing);
    try {
      return { path: p, content: truncate(readFileSync(path, "utf8")) };
    } catch (e) {
      throw new ConnectError(
        `${field}: context file ${JSON.stringify(p)} could not be read: ${(e as Error).message}`,
        Code.InvalidArgument,
      );
    }
  });
}
