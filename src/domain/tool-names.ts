/**
 * The names of the built-in tools. They are part of the domain, not of the
 * tool code: the config validates an agent's `default_tools` against them,
 * and the tool registry must offer exactly these (it checks at load time).
 */
export const TOOL_NAMES = [
  "read_file",
  "write_file",
  "edit_file",
  "delete_file",
  "list_files",
  "find_files",
  "grep_search",
  "execute_command",
  "delegate",
  "send_message",
] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

/**
 * Penguin's names for the same tools. Its documentation creates agents with
 * `default_tools: ["file_read", "grep"]` and lists `bash`; those requests
 * must work as written, so every place that takes a tool name accepts these
 * and stores the canonical name.
 */
const PENGUIN_ALIASES: Readonly<Record<string, ToolName>> = {
  file_read: "read_file",
  file_write: "write_file",
  file_edit: "edit_file",
  ls: "list_files",
  find: "find_files",
  grep: "grep_search",
  bash: "execute_command",
  shell: "execute_command",
};

/** The canonical names of `names` (aliases resolved, duplicates dropped), and those that name no tool. */
export function canonicalTools(names: readonly string[]): { tools: ToolName[]; unknown: string[] } {
  const tools = new Set<ToolName>();
  const unknown: string[] = [];
  for (const n of names) {
    const name = (TOOL_NAMES as readonly string[]).includes(n) ? (n as ToolName) : PENGUIN_ALIASES[n];
    if (name) tools.add(name);
    else unknown.push(n);
  }
  return { tools: [...tools], unknown };
}

/** The aliases, for error messages. */
export const TOOL_ALIASES = Object.keys(PENGUIN_ALIASES);
