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
