import type { DescMessage, DescMethod, MessageInitShape } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import type { CompatRouter, RouteSpec } from "../compat-router.js";
import { toDocJson } from "../doc-json.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { PENGUIN_ERRORS } from "./penguin-errors.js";

export const PENGUIN_PREFIX = "/api/v1";

/** Adds Penguin routes (under /api/v1, with Penguin's error shape). */
export class PenguinRoutes {
  constructor(
    private readonly fastify: FastifyInstance,
    private readonly router: CompatRouter,
    readonly inv: InProcessInvoker,
  ) {}

  add(spec: RouteSpec): void {
    this.router.add(this.fastify, PENGUIN_ERRORS, { ...spec, url: `${PENGUIN_PREFIX}${spec.url}` });
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
}
