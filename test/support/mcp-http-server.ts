import http from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

export interface McpHttpServer {
  /** The MCP endpoint, `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** The Authorization header of every request, in order. */
  authorizations: (string | undefined)[];
  /** Tool calls served. */
  calls: { name: string; arguments: unknown }[];
  close(): Promise<void>;
}

/**
 * A Streamable HTTP MCP server built with the SDK's server classes
 * (stateless: a server and transport per request), offering `add` and
 * `shout`. It refuses requests without `Authorization: Bearer <token>` when a
 * token is given. `port` lets a test bring it back where it was.
 */
export async function startMcpHttpServer(token = "", port = 0): Promise<McpHttpServer> {
  const authorizations: (string | undefined)[] = [];
  const calls: McpHttpServer["calls"] = [];
  const mcp = () => {
    const server = new Server({ name: "floe-test-http", version: "1.0.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [
        {
          name: "add",
          description: "Adds two numbers",
          inputSchema: {
            type: "object",
            properties: { a: { type: "number" }, b: { type: "number" } },
            required: ["a", "b"],
          },
        },
        {
          name: "shout.loud",
          description: "Upper-cases text (a dotted tool name)",
          inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
        },
      ],
    }));
    server.setRequestHandler(CallToolRequestSchema, async (req) => {
      calls.push({ name: req.params.name, arguments: req.params.arguments });
      const args = req.params.arguments ?? {};
      const text =
        req.params.name === "add" ? String(Number(args.a) + Number(args.b)) : String(args.text).toUpperCase();
      return { content: [{ type: "text", text }] };
    });
    return server;
  };
  const httpServer = http.createServer(async (req, res) => {
    authorizations.push(req.headers.authorization);
    if (token && req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "bad token" }));
      return;
    }
    const server = mcp();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => httpServer.listen(port, "127.0.0.1", resolve));
  const bound = (httpServer.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}/mcp`,
    authorizations,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        httpServer.closeAllConnections();
        httpServer.close(() => resolve());
      }),
  };
}
