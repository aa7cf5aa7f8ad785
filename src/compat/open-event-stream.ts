import type { FastifyReply } from "fastify";

/**
 * Starts a streamed answer (SSE, or another framing) on a hijacked reply: the
 * headers hooks set (CORS) are kept, no proxy buffers or caches it, and the
 * headers go out at once, since a client waits for them before it reads events.
 * `Connection` is left to the server: keep-alive is HTTP/1.1's default, and
 * HTTP/2 forbids the header.
 */
export function openEventStream(reply: FastifyReply, headers: Record<string, string>): void {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) all[k] = String(v);
  const ours = { "cache-control": "no-cache", "x-accel-buffering": "no", ...headers };
  for (const [k, v] of Object.entries(ours)) if (k.toLowerCase() !== "connection") all[k.toLowerCase()] = v;
  reply.hijack();
  reply.raw.writeHead(200, all);
  (reply.raw as { flushHeaders?: () => void }).flushHeaders?.();
}
