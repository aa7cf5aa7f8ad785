import { Code, ConnectError } from "@connectrpc/connect";

/** Why the run registry refuses a start or a hold, each saying what the caller can do instead. */
export const refusals = {
  shuttingDown: () =>
    new ConnectError(
      "this instance is shutting down and takes no new run: send again (another instance takes it)",
      Code.Unavailable,
    ),
  activeRun: (conversationId: string, runId: string) =>
    new ConnectError(
      `conversation ${conversationId} already has an active run (${runId}): ` +
        "wait for it to end, cancel it with CancelRun, or send with queue=true",
      Code.FailedPrecondition,
    ),
  liveRun: (conversationId: string, runId: string, verb: string) =>
    new ConnectError(
      `conversation ${conversationId} has a live run (${runId}): cancel it with CancelRun, ` +
        `or wait for it to end, then ${verb}`,
      Code.FailedPrecondition,
    ),
  held: (conversationId: string, holder: string) =>
    new ConnectError(
      `conversation ${conversationId} is busy: ${holder} is in progress; try again when it has ended`,
      Code.FailedPrecondition,
    ),
};
