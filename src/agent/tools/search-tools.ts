import { readFile } from "node:fs/promises";
import picomatch from "picomatch";
import { glob } from "tinyglobby";
import { confinePath } from "./confine-path.js";
import { int, str, type Tool } from "./tool.js";
import { ToolError } from "./tool-error.js";

const IGNORE = ["**/node_modules/**", "**/.git/**"];

export const findFilesTool: Tool = {
  name: "find_files",
  description: "Find files by glob pattern (for example **/*.ts) inside the workspace.",
  parameters: {
    type: "object",
    properties: {
      pattern: { type: "string" },
      path: { type: "string", description: "Directory to search (default the root)" },
    },
    required: ["pattern"],
  },
  operation: "filesystem.read",
  resource: (a) => String(a.pattern ?? ""),
  async run(args, ctx) {
    const pattern = str(args, "pattern");
    if (pattern.includes("..")) throw new ToolError("pattern must not contain '..'");
    const cwd = confinePath(ctx.root, str(args, "path", false) || ".");
    const files = await glob(pattern, { cwd, ignore: IGNORE, followSymbolicLinks: false, onlyFiles: true, dot: false });
    files.sort();
    return files.length ? files.join("\n") : "(no files match)";
  },
};

export const grepSearchTool: Tool = {
  name: "grep_search",
  description: "Search file contents with a regular expression. Returns path:line: text for each match.",
  parameters: {
    type: "object",
    properties: {
      pattern: { type: "string", description: "JavaScript regular expression" },
      include: { type: "string", description: "Glob of files to search (default **/*)" },
      path: { type: "string", description: "Directory to search (default the root)" },
      max_results: { type: "integer", description: "Stop after this many matches (default 200)" },
    },
    required: ["pattern"],
  },
  operation: "filesystem.read",
  resource: (a) => String(a.pattern ?? ""),
  async run(args, ctx) {
    let re: RegExp;
    try {
      re = new RegExp(str(args, "pattern"));
    } catch (e) {
      throw new ToolError(`invalid regular expression: ${(e as Error).message}`);
    }
    const include = str(args, "include", false) || "**/*";
    const cwd = confinePath(ctx.root, str(args, "path", false) || ".");
    const max = int(args, "max_results", 200) || 200;
    const isIncluded = picomatch(include, { dot: false });
    const files = (await glob("**/*", { cwd, ignore: IGNORE, followSymbolicLinks: false, onlyFiles: true }))
      .filter((f) => isIncluded(f))
      .sort();
    const out: string[] = [];
    for (const f of files) {
      if (ctx.signal.aborted) break;
      let text: string;
      try {
        text = await readFile(`${cwd}/${f}`, "utf8");
      } catch {
        continue;
      }
      if (text.includes("\0")) continue;
      const lines = text.split("\n");
      for (let i = 0; i < lines.length && out.length < max; i++) {
        if (re.test(lines[i]!)) out.push(`${f}:${i + 1}: ${lines[i]}`);
      }
      if (out.length >= max) {
        out.push(`…[stopped at ${max} matches]`);
        break;
      }
    }
    return out.length ? out.join("\n") : "(no matches)";
  },
};
