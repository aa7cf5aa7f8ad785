import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { confinePath, displayPath } from "./confine-path.js";
import { snapshotOf } from "./file-changes.js";
import { int, str, type Tool, type ToolContext } from "./tool.js";
import { ToolError } from "./tool-error.js";

/** Tells the checkpoint journal what a tool changed. */
export async function recordChange(ctx: ToolContext, path: string, before: Buffer | null, after: Buffer | null) {
  await ctx.files?.record({ conversationId: ctx.caller.conversationId, root: ctx.root, path, before, after });
}

async function readText(path: string, shown: string): Promise<string> {
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ToolError(`${shown} is a directory; use list_files`);
    return await readFile(path, "utf8");
  } catch (e) {
    if (e instanceof ToolError) throw e;
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new ToolError(`${shown} does not exist`);
    throw e;
  }
}

export const readFileTool: Tool = {
  name: "read_file",
  description:
    "Read a text file inside the workspace. Lines are numbered from 1; use offset and limit to page through large files.",
  parameters: {
    type: "object",
    properties: {
      path: { type: "string", description: "File path relative to the workspace root" },
      offset: { type: "integer", description: "First line to return, from 1 (default 1)" },
      limit: { type: "integer", description: "Maximum number of lines (default 2000)" },
    },
    required: ["path"],
  },
  operation: "filesystem.read",
  resource: (a) => String(a.path ?? ""),
  async run(args, ctx) {
    const path = confinePath(ctx.root, str(args, "path"));
    const lines = (await readText(path, str(args, "path"))).split("\n");
    const offset = Math.max(1, int(args, "offset", 1));
    const limit = int(args, "limit", 2000) || 2000;
    const slice = lines.slice(offset - 1, offset - 1 + limit);
    const more = lines.length - (offset - 1 + slice.length);
    return (
      slice.join("\n") + (more > 0 ? `\n…[${more} more lines: continue with offset ${offset + slice.length}]` : "")
    );
  },
};

export const writeFileTool: Tool = {
  name: "write_file",
  description: "Create or overwrite a text file inside the workspace; parent directories are created.",
  parameters: {
    type: "object",
    properties: { path: { type: "string" }, content: { type: "string" } },
    required: ["path", "content"],
  },
  operation: "filesystem.write",
  resource: (a) => String(a.path ?? ""),
  async run(args, ctx) {
    const path = confinePath(ctx.root, str(args, "path"));
    const content = str(args, "content");
    const before = ctx.files ? await snapshotOf(path).catch(() => null) : null;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content, "utf8");
    await recordChange(ctx, path, before, Buffer.from(content, "utf8"));
    return `wrote ${Buffer.byteLength(content)} bytes to ${displayPath(ctx.root, path)}`;
  },
};

export const editFileTool: Tool = {
  name: "edit_file",
  description:
    "Replace exact text in a file. Fails if old_text is missing, or appears more than once unless replace_all is true.",
  parameters: {
    type: "object",
    properties: {
      path: { type: "string" },
      old_text: { type: "string", description: "Exact text to find" },
      new_text: { type: "string", description: "Replacement text" },
      replace_all: { type: "boolean", description: "Replace every occurrence (default false)" },
    },
    required: ["path", "old_text", "new_text"],
  },
  operation: "filesystem.write",
  resource: (a) => String(a.path ?? ""),
  async run(args, ctx) {
    const shown = str(args, "path");
    const path = confinePath(ctx.root, shown);
    const oldText = str(args, "old_text");
    const newText = str(args, "new_text");
    if (oldText === "") throw new ToolError("old_text must not be empty");
    const text = await readText(path, shown);
    const count = text.split(oldText).length - 1;
    if (count === 0) throw new ToolError(`old_text was not found in ${shown}; read the file and copy the text exactly`);
    if (count > 1 && args.replace_all !== true)
      throw new ToolError(
        `old_text appears ${count} times in ${shown}; add context to make it unique or set replace_all`,
      );
    const edited = args.replace_all === true ? text.split(oldText).join(newText) : text.replace(oldText, () => newText);
    await writeFile(path, edited, "utf8");
    await recordChange(ctx, path, Buffer.from(text, "utf8"), Buffer.from(edited, "utf8"));
    return `replaced ${args.replace_all === true ? count : 1} occurrence(s) in ${shown}`;
  },
};

export const listFilesTool: Tool = {
  name: "list_files",
  description: "List the entries of a directory inside the workspace (directories end with /).",
  parameters: { type: "object", properties: { path: { type: "string", description: "Directory (default the root)" } } },
  operation: "filesystem.read",
  resource: (a) => String(a.path ?? "."),
  async run(args, ctx) {
    const shown = str(args, "path", false) || ".";
    const path = confinePath(ctx.root, shown);
    try {
      const entries = await readdir(path, { withFileTypes: true });
      const names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
      return names.length ? names.join("\n") : "(empty directory)";
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new ToolError(`${shown} does not exist`);
      if (code === "ENOTDIR") throw new ToolError(`${shown} is not a directory`);
      throw e;
    }
  },
};
