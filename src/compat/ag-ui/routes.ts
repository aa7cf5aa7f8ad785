import { RunAgentInputSchema } from "@ag-ui/core/schemas";
import type { FastifyInstance } from "fastify";
import { z } from "zod/v4";
import type { RequestGuards } from "../../security/index.js";
import { type FastifyRequestError, fastifyErrorToConnect } from "../../server/fast-path/index.js";
import type { CompatRouter } from "../compat-router.js";
import { sendTableError } from "../error-table.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { PAWAN_ERRORS } from "../pawan/pawan-errors.js";
import { PENGUIN_ERRORS } from "../penguin/penguin-errors.js";
import { runAgUi } from "./agui-run.js";

export interface AgUiOptions {
  invoker: InProcessInvoker;
  guards: RequestGuards;
  maxBodyBytes: number;
}

/** The request body, documented from the protocol's own schema. */
function runAgentInputDoc(): Record<string, unknown> {
  const { $schema: _, ...schema } = z.toJSONSchema(RunAgentInputSchema, { unrepresentable: "any", io: "input" });
  return schema;
}

/**
 * The AG-UI endpoint (https://docs.ag-ui.com): POST a RunAgentInput, read the
 * run as AG-UI events. Served at /ag-ui and under Penguin's /api/v1. Its own
 * plugin, so that a body fastify cannot parse also gets a RUN_ERROR event.
 */
export async function registerAgUi(fastify: FastifyInstance, router: CompatRouter, o: AgUiOptions): Promise<void> {
  await fastify.register(async (scope) => {
    scope.setErrorHandler(async (err: FastifyRequestError, req, reply) => {
      const failure = fastifyErrorToConnect(err, o.maxBodyBytes);
      try {
        return await runAgUi(o.invoker, o.guards, req, reply, failure);
      } catch (e) {
        return sendTableError(reply, req.url.startsWith("/api/v1") ? PENGUIN_ERRORS : PAWAN_ERRORS, e);
      }
    });
    const body = runAgentInputDoc();
    for (const [url, errors] of [
      ["/ag-ui", PAWAN_ERRORS],
      ["/api/v1/ag-ui", PENGUIN_ERRORS],
    ] as const) {
      router.add(scope, errors, {
        method: "POST",
        url,
        tag: "ag-ui",
        summary:
          "Run an agent from an AG-UI client: a RunAgentInput in, AG-UI events out (SSE, or protobuf when Accept asks)",
        body,
        produces: "text/event-stream",
        handler: (req, reply) => runAgUi(o.invoker, o.guards, req, reply),
      });
    }
  });
}
