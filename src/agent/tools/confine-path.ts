import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { ToolError } from "./tool-error.js";

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel) && !rel.startsWith(`..${sep}`));
}

/** realpath of `p`, or of its deepest existing ancestor joined with the rest. */
function realpathOfExistingPrefix(p: string): string {
  let current = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(current), ...tail.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return p;
      tail.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}

/**
 * Resolves a tool's path argument inside `root`. `..` escapes, absolute paths
 * elsewhere and symlinks that lead out are all refused: the check runs on the
 * real path, so a link inside the root that points outside does not pass.
 */
export function confinePath(root: string, requested: string): string {
  if (typeof requested !== "string" || requested.includes("\0"))
    throw new ToolError("path must be a string without NUL bytes");
  const realRoot = realpathSync(root);
  const abs = resolve(realRoot, requested || ".");
  if (!inside(realRoot, abs))
    throw new ToolError(
      `path ${JSON.stringify(requested)} is outside the workspace root ${realRoot}; use a path inside it`,
    );
  const real = realpathOfExistingPrefix(abs);
  if (!inside(realRoot, real))
    throw new ToolError(
      `path ${JSON.stringify(requested)} resolves through a symlink to ${real}, outside the workspace root; access denied`,
    );
  return real;
}

/** `abs` relative to `root`, with `/` separators, for tool output. */
export function displayPath(root: string, abs: string): string {
  return relative(realpathSync(root), abs).split(sep).join("/") || ".";
}
