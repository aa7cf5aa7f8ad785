/**
 * A small MCP server over stdio, built with the SDK's server classes, that
 * misbehaves on request: it hangs, freezes, dies, writes anywhere, waits (and notes a cancel), shows
 * its environment and grows a tool. Run with `node --import tsx <this file>`;
 * `MCP_MARKERS` names a directory where it leaves what it saw.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const markers = process.env.MCP_MARKERS ?? "";
const mark = (name: string, text: string) => markers && writeFileSync(join(markers, name), text);
const noArgs = { type: "object", properties: {} };
const tools = [
  { name: "env", description: "The names of this process's environment variables", inputSchema: noArgs },
  { name: "pid", description: "This process's id", inputSchema: noArgs },
  { name: "hang", description: "Never answers", inputSchema: noArgs },
  { name: "freeze", description: "Blocks the whole process (no ping is answered either)", inputSchema: noArgs },
  { name: "die", description: "Exits at once", inputSchema: noArgs },
  {
    name: "slow",
    description: "Answers after ms milliseconds, unless cancelled",
    inputSchema: { type: "object", properties: { ms: { type: "number" } }, required: ["ms"] },
  },
  {
    name: "write",
    description: "Writes text to a file; answers ok or the error",
    inputSchema: { type: "object", properties: { path: { type: "string" }, text: { type: "string" } } },
  },
  { name: "grow", description: "Adds the tool `extra` and says so", inputSchema: noArgs },
];

const server = new Server(
  { name: "floe-test-stdio", version: "1.0.0" },
  { capabilities: { tools: { listChanged: true } } },
);
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
  const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });
  switch (req.params.name) {
    case "env":
      return text(Object.keys(process.env).sort().join(","));
    case "pid":
      return text(String(process.pid));
    case "hang":
      return new Promise(() => undefined);
    case "freeze":
      // Blocks the thread without spinning the CPU.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return text("unreachable");
    case "die":
      process.stderr.write("dying on purpose\n");
      process.exit(3);
    // eslint-disable-next-line no-fallthrough
    case "slow": {
      const ms = Number(req.params.arguments?.ms ?? 0);
      mark("slow-started", String(ms));
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(text(`waited ${ms} ms`)), ms);
        extra.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          mark("cancelled", String(extra.signal.reason ?? "cancelled"));
        });
      });
    }
    case "write":
      try {
        writeFileSync(String(req.params.arguments?.path), String(req.params.arguments?.text));
        return text("ok");
      } catch (e) {
        return text(String((e as Error).message));
      }
    case "grow":
      if (!tools.some((t) => t.name === "extra"))
        tools.push({ name: "extra", description: "Appeared later", inputSchema: noArgs });
      await server.sendToolListChanged();
      return text("grown");
    case "extra":
      return text("extra ran");
    default:
      return { content: [{ type: "text", text: `no tool ${req.params.name}` }], isError: true };
  }
});
mark("started", String(process.pid));
await server.connect(new StdioServerTransport());
