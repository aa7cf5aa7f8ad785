import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { ListToolsRequest, ListToolsResponseSchema } from "../../gen/floe/v1/system_pb.js";
import { ALL_TOOLS, toolsFor } from "../agent/tools/tool-registry.js";
import type { Tool } from "../agent/tools/tool.js";
import type { AppContext } from "./app-context.js";
import { notFound } from "./require.js";

type Shape = MessageInitShape<typeof ListToolsResponseSchema>;

/**
 * SystemService.ListTools: the built-in tools, then each MCP server's, with
 * their source; for an agent, what its runs are offered. The MCP servers'
 * states say why a server's tools are missing.
 */
export function listTools(app: AppContext, req: ListToolsRequest): Shape {
  const agentId = req.agentId.trim();
  const profile = agentId ? app.agents.profile(agentId) : undefined;
  if (agentId && !profile) throw notFound("agent", agentId, "list agents with ListAgents");
  const builtin = profile ? toolsFor(profile.defaultTools) : [...ALL_TOOLS];
  const mcp = app.mcp.allTools().filter((t) => !profile || !t.agent || t.agent === profile.id);
  const servers = app.mcp.statuses().filter((s) => !profile || !s.agent || s.agent === profile.id);
  return {
    tools: [...builtin.map((t) => info(t, "builtin")), ...mcp.map((t) => info(t.tool, `mcp:${t.server}`))],
    mcpServers: servers.map(({ agent, ...s }) => ({ ...s, agentId: agent })),
  };
}

function info(t: Tool, source: string): NonNullable<Shape["tools"]>[number] {
  return {
    name: t.name,
    description: t.description,
    source,
    operation: t.operation,
    parameters: t.parameters as JsonObject,
  };
}
