/** Tool results longer than this are cut, with a visible marker. */
export const MAX_TOOL_RESULT_CHARS = 20_000;

export function truncate(text: string, max = MAX_TOOL_RESULT_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n…[truncated: ${text.length - max} more characters not shown]`;
}
