import type { JsonReadOptions, JsonWriteOptions } from "@bufbuild/protobuf";
import type { ContextValues } from "@connectrpc/connect";
import type { FastifyRequest } from "fastify";
import type { FastPathCounters } from "./counters.js";
import type { MethodChains } from "./interceptor-chain.js";

/** What the fast-path routes are built from; the same values connect-fastify gets. */
export interface FastPathOptions {
  /** Every method, bound to its interceptor chain (see bindMethods). */
  chains: MethodChains;
  contextValues: (req: FastifyRequest) => ContextValues;
  readMaxBytes: number;
  jsonOptions: Partial<JsonReadOptions & JsonWriteOptions>;
  /** Counts the calls each route served, so tests can tell which path answered. */
  counters: FastPathCounters;
}
