import { stat, unlink } from "node:fs/promises";
import { confinePath } from "./confine-path.js";
import { snapshotOf } from "./file-changes.js";
import { recordChange } from "./file-tools.js";
import { str, type Tool } from "./tool.js";
import { ToolError } from "./tool-error.js";

export const deleteFileTool: Tool = {
  name: "delete_file",
  description: "Delete a file inside the workspace (not a directory). Checkpoints can restore it.",
  parameters: {
    type: "object",
    properties: { path: { type: "string", description: "File path relative to the workspace root" } },
    required: ["path"],
  },
  operation: "filesystem.delete",
  resource: (a) => String(a.path ?? ""),
  async run(args, ctx) {
    const shown = str(args, "path");
    const path = confinePath(ctx.root, shown);
    const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") throw new ToolError(`${shown} does not exist`);
      throw e;
    });
    if (!st.isFile()) throw new ToolError(`${shown} is not a file; delete_file removes files only`);
    const before = await snapshotOf(path);
    await unlink(path);
    await recordChange(ctx, path, before, null);
    return `deleted ${shown}`;
  },
};
