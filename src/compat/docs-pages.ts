import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

const require = createRequire(import.meta.url);

const REDOC_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Floe API (ReDoc)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/api/redoc/redoc.standalone.js"></script></body></html>`;

/** /openapi.json, Swagger UI at /api/docs and ReDoc at /api/redoc, all served locally. */
export async function registerDocsPages(fastify: FastifyInstance, document: Record<string, unknown>): Promise<void> {
  fastify.get("/openapi.json", async () => document);
  await fastify.register(fastifySwagger, { mode: "static", specification: { document: document as never } });
  await fastify.register(fastifySwaggerUi, { routePrefix: "/api/docs" });
  let redocJs: string | undefined;
  fastify.get("/api/redoc", async (_req, reply) => reply.type("text/html; charset=utf-8").send(REDOC_PAGE));
  fastify.get("/api/redoc/redoc.standalone.js", async (_req, reply) => {
    redocJs ??= readFileSync(require.resolve("redoc/bundles/redoc.standalone.js"), "utf8");
    return reply
      .type("application/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=86400")
      .send(redocJs);
  });
}
