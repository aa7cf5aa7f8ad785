import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { TOOL_NAMES } from "../../domain/tool-names.js";
import { delegateTool, sendMessageTool } from "./agent-tools.js";
import { deleteFileTool } from "./delete-file-tool.js";
import { editFileTool, listFilesTool, readFileTool, writeFileTool } from "./file-tools.js";
import { findFilesTool, grepSearchTool } from "./search-tools.js";
import { executeCommandTool } from "./shell-tool.js";
import type { Tool } from "./tool.js";

/** Every built-in tool, by name. */
export const ALL_TOOLS: readonly Tool[] = [
  readFileTool,
  writeFileTool,
  editFileTool,
  deleteFileTool,
  listFilesTool,
  findFilesTool,
  grepSearchTool,
  executeCommandTool,
  delegateTool,
  sendMessageTool,
];

const BY_NAME = new Map(ALL_TOOLS.map((t) => [t.name, t]));

// The domain's tool names are what config validates against: they must match what is offered.
if (ALL_TOOLS.length !== TOOL_NAMES.length || TOOL_NAMES.some((n) => !BY_NAME.has(n))) {
  throw new Error(`tool registry and TOOL_NAMES disagree: ${ALL_TOOLS.map((t) => t.name).join(", ")}`);
}

/** The tools an agent is offered: its `default_tools`, or all when it names none. */
export function toolsFor(defaultTools: readonly string[]): Tool[] {
  if (defaultTools.length === 0) return [...ALL_TOOLS];
  return defaultTools.map((n) => BY_NAME.get(n)).filter((t): t is Tool => t !== undefined);
}

export function asOpenAITools(tools: readonly Tool[]): ChatCompletionTool[] {
  return tools.map((t) => ({
    type: "function",
    function: { name: t.name, description: t.description, parameters: t.parameters },
  }));
}
