import type { DescMessage } from "@bufbuild/protobuf";
import type { RouteDoc } from "./compat-router.js";
import { type JsonSchema, SchemaBook } from "./json-schema.js";

function isDesc(x: unknown): x is DescMessage {
  return typeof x === "object" && x !== null && (x as { kind?: string }).kind === "message" && "typeName" in x;
}

/**
 * The OpenAPI 3.1 document of every legacy JSON route, built from what each
 * route declares; message shapes come from the proto descriptors.
 */
export function buildOpenApi(routes: readonly RouteDoc[], version: string): Record<string, unknown> {
  const book = new SchemaBook();
  const schema = (s: DescMessage | JsonSchema) => (isDesc(s) ? book.ref(s) : s);
  const errorSchemas = {
    // FastAPI's shapes: a message, or for a request that fails validation (422) a list of {loc, msg, type}.
    penguin: {
      type: "object",
      properties: {
        detail: {
          anyOf: [
            { type: "string" },
            {
              type: "array",
              items: {
                type: "object",
                properties: {
                  loc: { type: "array", items: { type: ["string", "integer"] } },
                  msg: { type: "string" },
                  type: { type: "string" },
                },
                required: ["loc", "msg", "type"],
              },
            },
          ],
        },
      },
      required: ["detail"],
    },
    pawan: { type: "object", properties: { error: { type: "string" } }, required: ["error"] },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const params = [...r.url.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const query = Object.entries(r.query ?? {}).map(([name, s]) => ({ name, in: "query", required: false, schema: s }));
    const status = String(r.status ?? 200);
    const ok = r.produces
      ? { description: "stream", content: { [r.produces]: { schema: { type: "string" } } } }
      : r.response
        ? { description: "OK", content: { "application/json": { schema: schema(r.response) } } }
        : { description: "No Content" };
    const style = r.url.startsWith("/api/v1") ? "penguin" : "pawan";
    const error = { description: "Error", content: { "application/json": { schema: errorSchemas[style] } } };
    paths[path] ??= {};
    paths[path][r.method.toString().toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toString().toLowerCase()}${path.replace(/[^A-Za-z0-9]+/g, "_")}`,
      ...(params.length + query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { "application/json": { schema: schema(r.body) } } } }
        : {}),
      responses: { [status]: ok, "4XX": error, "5XX": error },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Floe legacy JSON API",
      version,
      description:
        "Penguin-style /api/v1 routes and Pawan-style routes (also under /api). " +
        "The full API is the Connect/gRPC contract in proto/floe/v1; WebSocket routes: /api/v1/chat/stream.",
    },
    paths,
    components: { schemas: book.components },
  };
}
