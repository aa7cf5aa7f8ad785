import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type SendMessageResponse, SendMessageResponseSchema } from "../../gen/floe/v1/chat_pb.js";
import type { RunOutcome } from "./agent-loop.js";
import type { Run } from "./run.js";
import type { EventKindInit } from "./run-event-writer.js";
import { codeName } from "../domain/code-name.js";

/** A run's terminal event and the result it is stored and answered with. */
export interface RunEnding {
  status: string;
  result: SendMessageResponse;
  terminal: EventKindInit;
}

/** The ending of a run whose loop finished. */
export function completed(run: Run, outcome: RunOutcome): RunEnding {
  const { plan } = run;
  const usage = { prompt: BigInt(outcome.usage.prompt), completion: BigInt(outcome.usage.completion) };
  const { response, actionResults, reasoning, iterations, toolCalls, status } = outcome;
  const result = create(SendMessageResponseSchema, {
    response,
    actionResults,
    reasoning: plan.includeReasoning ? reasoning : "",
    conversationId: run.conversationId,
    runId: run.id,
    iterations,
    toolCalls,
    status,
    usage,
    model: plan.model.name,
  });
  const terminal: EventKindInit = {
    case: "complete",
    value: { response, actionResults, reasoning, iterations, toolCalls, status, usage },
  };
  return { status, result, terminal };
}

/** The ending of a run that was stopped: a cancel, or (with code deadline_exceeded) its deadline. */
export function stopped(run: Run, reason: unknown, model = ""): RunEnding {
  const err = ConnectError.from(reason);
  if (err.code === Code.DeadlineExceeded) return failed(run, err, model);
  const result = bare(run, "cancelled", model, { message: err.rawMessage, code: "canceled" });
  return { status: "cancelled", result, terminal: { case: "cancelled", value: { reason: err.rawMessage } } };
}

/** The ending of a run that failed. */
export function failed(run: { id: string; conversationId: string }, e: unknown, model = ""): RunEnding {
  const { message, code } = describeFailure(e);
  const result = bare(run, "error", model, { message, code });
  return { status: "error", result, terminal: { case: "error", value: { message, code } } };
}

function bare(
  run: { id: string; conversationId: string },
  status: string,
  model: string,
  error: { message: string; code: string },
): SendMessageResponse {
  return create(SendMessageResponseSchema, { runId: run.id, conversationId: run.conversationId, status, model, error });
}

/** The terminal error event's message and code (a Connect code name in snake case). */
function describeFailure(e: unknown): { message: string; code: string } {
  const err = ConnectError.from(e);
  return {
    message: err.rawMessage,
    code: codeName(err.code),
  };
}
