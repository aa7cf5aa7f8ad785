import type { CallToolResult, Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../tools/tool-error.js";
import type { Tool } from "../tools/tool.js";
import type { McpConnection } from "./mcp-connection.js";

/** Between the server's name and the tool's in the name the model sees. */
export const MCP_SEPARATOR = "__";

/**
 * The name the model sees: `<server>__<tool>`, in the characters and length
 * OpenAI-compatible function names allow (others become `_`).
 */
export function exposedName(server: string, tool: string): string {
  return `${server}${MCP_SEPARATOR}${tool}`.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}

/** The permission operation of a call: `mcp.<server>.<tool>`, with the tool's own name. */
export const mcpOperation = (server: string, tool: string) => `mcp.${server}.${tool}`;

/**
 * An MCP tool as a Floe tool: offered with the server's own JSON schema,
 * judged as `mcp.<server>.<tool>` over its arguments (as JSON, so that a rule
 * or an approval pattern can match them), and run through the connection.
 */
export function mcpTool(conn: McpConnection, t: McpTool): Tool {
  const server = conn.name;
  return {
    name: exposedName(server, t.name),
    description: t.description || t.title || `${t.name} (MCP server ${server})`,
    parameters: t.inputSchema as Record<string, unknown>,
    operation: mcpOperation(server, t.name),
    resource: (args) => JSON.stringify(args),
    async run(args, ctx) {
      const result = await conn.call(t.name, args, ctx.signal);
      const text = resultText(result);
      if (result.isError) throw new ToolError(text || `${t.name} failed (MCP server ${server} gave no detail)`);
      return text;
    },
  };
}

/** The text the model reads: the content blocks in order; structured content when there are none. */
export function resultText(r: CallToolResult): string {
  const parts = (r.content ?? []).map((c) => {
    switch (c.type) {
      case "text":
        return c.text;
      case "image":
      case "audio":
        return `[${c.type}: ${c.mimeType}, ${c.data.length} base64 characters]`;
      case "resource":
        return "text" in c.resource ? c.resource.text : `[resource ${c.resource.uri}]`;
      case "resource_link":
        return `[resource ${c.uri}${c.name ? ` (${c.name})` : ""}]`;
      default:
        return JSON.stringify(c);
    }
  });
  if (parts.length === 0 && r.structuredContent !== undefined) return JSON.stringify(r.structuredContent);
  return parts.join("\n");
}
