import type { DescMessage, DescMethod, MessageInitShape } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import type { CompatRouter, RouteSpec } from "./compat-router.js";
import { toDocJson } from "./doc-json.js";
import { bodyObject, parseAs } from "./request-json.js";
import type { ErrorTable } from "./error-table.js";
import type { InProcessInvoker } from "./in-process-invoker.js";

/** Adds one surface's routes: under its path prefix, answering errors from its table. */
export class SurfaceRoutes {
  constructor(
    private readonly fastify: FastifyInstance,
    private readonly router: CompatRouter,
    private readonly errors: ErrorTable,
    private readonly prefix: string,
    readonly inv: InProcessInvoker,
  ) {}

  add(spec: RouteSpec): void {
    this.router.add(this.fastify, this.errors, { ...spec, url: `${this.prefix}${spec.url}` });
  }

  /** A GET route answering an RPC that takes no arguments with its documented JSON. */
  get<I extends DescMessage, O extends DescMessage>(
    url: string,
    tag: string,
    summary: string,
    method: DescMethod & { input: I; output: O },
  ): void {
    this.add({
      method: "GET",
      url,
      tag,
      summary,
      response: method.output,
      handler: async (req, reply) =>
        toDocJson(method.output, await this.inv.unary(method, {} as MessageInitShape<I>, req, reply)),
    });
  }

  /**
   * A POST route whose JSON body is the method's request, in its documented
   * shape, with path parameters merged in (`agent_id` from `/agents/:agent_id`),
   * answering the method's response in its documented shape.
   */
  post<I extends DescMessage, O extends DescMessage>(
    url: string,
    tag: string,
    summary: string,
    method: DescMethod & { input: I; output: O },
  ): void {
    this.add({
      method: "POST",
      url,
      tag,
      summary,
      body: method.input,
      response: method.output,
      handler: async (req, reply) => {
        const input = parseAs(method.input, { ...bodyObject(req), ...(req.params as Record<string, string>) });
        return toDocJson(method.output, await this.inv.unary(method, input as MessageInitShape<I>, req, reply));
      },
    });
  }
}
