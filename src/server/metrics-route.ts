import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { headersFromNode } from "../domain/node-headers.js";
import type { RequestGuards } from "../security/index.js";
import type { FloeMetrics, Surface } from "./metrics.js";

/** `/package.Service/Method`: counted by the RPC interceptor instead. */
const PROCEDURE_PATH = /^\/[a-z_][\w.]*\.[A-Z]\w*\/[A-Z]\w*(\?|$)/;

/**
 * GET /metrics in Prometheus text format. It needs an API key when keys are
 * configured, like every other route that reveals activity. Requests to the
 * legacy JSON surfaces are counted here by HTTP status.
 */
export function registerMetrics(fastify: FastifyInstance, metrics: FloeMetrics, guards: RequestGuards): void {
  fastify.addHook("onResponse", async (req: FastifyRequest, reply: FastifyReply) => {
    if (PROCEDURE_PATH.test(req.url)) return;
    metrics.request(httpSurface(req.url), reply.statusCode);
  });
  fastify.get("/metrics", async (req, reply) => {
    try {
      guards.authenticate("floe.v1.Metrics", "read", () => headersFromNode(req.headers));
    } catch (e) {
      const err = ConnectError.from(e);
      err.metadata.forEach((value, key) => void reply.header(key, value));
      return reply.code(err.code === Code.Unauthenticated ? 401 : 403).send({ detail: err.rawMessage });
    }
    return reply.header("content-type", metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

function httpSurface(url: string): Surface {
  if (url.startsWith("/api/v1")) return "penguin";
  if (url.startsWith("/metrics") || url.startsWith("/docs") || url.startsWith("/openapi")) return "other";
  return "pawan";
}
