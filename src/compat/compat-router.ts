import type { DescMessage } from "@bufbuild/protobuf";
import FindMyWay, { type HTTPMethod } from "find-my-way";
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import { type ErrorTable, sendTableError } from "./error-table.js";
import type { JsonSchema } from "./json-schema.js";

/** What a compat route documents about itself, for /openapi.json. */
export interface RouteDoc {
  method: HTTPMethods;
  url: string;
  summary: string;
  tag: string;
  /** Request body: a message in its documented JSON shape, or a schema. */
  body?: DescMessage | JsonSchema;
  query?: Record<string, JsonSchema>;
  /** Response body; omitted for 204 and streams. */
  response?: DescMessage | JsonSchema;
  status?: number;
  /** Media type of a streamed response, for example `text/event-stream`. */
  produces?: string;
}

export interface RouteSpec extends RouteDoc {
  /** Returns the JSON body; or sends (or hijacks) the reply itself and returns undefined. */
  handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}

/**
 * Registers legacy JSON routes. A route only translates: JSON in, a call to
 * the service through the invoker, JSON out. Errors take the surface's shape,
 * from its error table.
 */
export class CompatRouter {
  readonly docs: RouteDoc[] = [];
  /** The same routes, matched by path alone: which methods a path has, for 405 answers. */
  private readonly paths = FindMyWay();

  add(fastify: FastifyInstance, errors: ErrorTable, spec: RouteSpec): void {
    const { handler, ...doc } = spec;
    this.docs.push(doc);
    this.paths.on(spec.method as HTTPMethod, spec.url, () => {});
    fastify.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        try {
          const body = await handler(req, reply);
          if (reply.sent || body === undefined) return reply;
          return reply.code(spec.status ?? 200).send(body);
        } catch (e) {
          if (reply.sent) {
            req.log.warn({ err: e }, "error after the response started");
            return reply;
          }
          return sendTableError(reply, errors, e);
        }
      },
    });
  }

  /** The methods that have a route at this concrete path (empty: no such path at all). */
  methodsAt(path: string): string[] {
    return [...new Set(this.docs.map((d) => d.method as string))].filter((m) => this.paths.find(m as HTTPMethod, path));
  }
}
