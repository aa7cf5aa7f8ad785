import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { RunFailureSchema, type SendMessageResponse } from "../../gen/floe/v1/chat_pb.js";

/** A code name as events carry it (`deadline_exceeded`) as a Connect code; Unknown when it is not one. */
export function codeOf(name: string): Code {
  const pascal = name.replace(/(^|_)([a-z])/g, (_m, _u, c: string) => c.toUpperCase()) as keyof typeof Code;
  const code = Code[pascal];
  return typeof code === "number" ? code : Code.Unknown;
}

/**
 * A finished run's result, or the error it ended with: a run that failed or
 * was cancelled is an error on every surface, never an empty success. The
 * error carries the run's own code and message, and a RunFailure detail.
 */
export function resultOrFailure(res: SendMessageResponse): SendMessageResponse {
  if (res.status !== "error" && res.status !== "cancelled") return res;
  const message = res.error?.message || `the run ended with status ${res.status}`;
  const code = res.status === "cancelled" ? Code.Canceled : codeOf(res.error?.code ?? "");
  const detail = create(RunFailureSchema, { runId: res.runId, conversationId: res.conversationId, status: res.status });
  throw new ConnectError(message, code, undefined, [{ desc: RunFailureSchema, value: detail }]);
}
