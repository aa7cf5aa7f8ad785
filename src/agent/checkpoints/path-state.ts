import { constants } from "node:fs";
import { lstat, mkdir, open, readlink, realpath, unlink } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";

/**
 * What a recorded path is on disk now, seen with lstat from its root down:
 * no symbolic link is ever followed. `blocked` is a state no rollback may
 * write through, even forced.
 */
export type PathState =
  { kind: "absent" } | { kind: "file" } | { kind: "symlink"; target: string } | { kind: "blocked"; why: string };

const blocked = (why: string): PathState => ({ kind: "blocked", why });

async function lstatOrNone(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw e;
  }
}

/** The components from the (real) root down to `path`; undefined when `path` is not strictly inside the root. */
async function componentsOf(root: string, path: string): Promise<{ realRoot: string; parts: string[] } | undefined> {
  const realRoot = await realpath(root);
  const rel = relative(realRoot, path);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return { realRoot, parts: rel.split(sep) };
}

/** Looks at every component of `path` under `root` with lstat. */
export async function inspectPath(root: string, path: string): Promise<PathState> {
  let parsed: Awaited<ReturnType<typeof componentsOf>>;
  try {
    parsed = await componentsOf(root, path);
  } catch {
    return blocked("cannot be restored: its workspace root no longer exists");
  }
  if (!parsed) return blocked("cannot be restored: it is outside its workspace root");
  let at = parsed.realRoot;
  for (const [i, part] of parsed.parts.entries()) {
    at = join(at, part);
    const last = i === parsed.parts.length - 1;
    let st: Awaited<ReturnType<typeof lstatOrNone>>;
    try {
      st = await lstatOrNone(at);
    } catch (e) {
      return blocked(`cannot be inspected (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    if (!st) return { kind: "absent" };
    if (st.isSymbolicLink())
      return last ? { kind: "symlink", target: await readlink(at) } : blocked("is now reached through a symbolic link");
    if (last)
      return st.isFile()
        ? { kind: "file" }
        : blocked(st.isDirectory() ? "is now a directory" : "is now a special file");
    if (!st.isDirectory()) return blocked(`cannot be restored: ${relative(parsed.realRoot, at)} is now a file`);
  }
  return { kind: "absent" };
}

/** A regular file's bytes, read without following a link (ELOOP when the path is one). */
export async function readRegular(path: string): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    if (!(await fh.stat()).isFile()) throw new Error(`${path} is not a regular file`);
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/**
 * The file operations a rollback makes, none following a link. A seam:
 * tests replace one to make a write fail midway (an I/O error).
 */
export class FileIo {
  /** Writes a regular file; refuses (ELOOP) when the path is a link. */
  async write(path: string, bytes: Buffer): Promise<void> {
    const fh = await open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o666,
    );
    try {
      await fh.writeFile(bytes);
    } finally {
      await fh.close();
    }
  }

  /** Removes a file or a link itself (never a link's target). */
  async remove(path: string): Promise<void> {
    await unlink(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "ENOENT") throw e;
    });
  }

  /** Creates the missing directories above `path` one by one, refusing any component that is not a real directory. */
  async makeParents(root: string, path: string): Promise<void> {
    const parsed = await componentsOf(root, path);
    if (!parsed) throw new Error(`${path} is outside its workspace root`);
    let at = parsed.realRoot;
    for (const part of parsed.parts.slice(0, -1)) {
      at = join(at, part);
      await mkdir(at).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "EEXIST") throw e;
      });
      const st = await lstat(at);
      if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${at} is not a directory`);
    }
  }
}
