import type { RunAgentInput } from "@ag-ui/core";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ChatService } from "../../../gen/floe/v1/chat_pb.js";
import type { Event, SnapshotEvent } from "../../../gen/floe/v1/events_pb.js";
import { headersFromNode } from "../../domain/node-headers.js";
import type { RequestGuards } from "../../security/index.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { AgUiEventMapper } from "./event-mapper.js";
import { AgUiEventWriter, runError } from "./event-writer.js";
import { answerInterrupts } from "./resume-answers.js";
import { chatRequestOf, clientState, parseRunInput } from "./run-input.js";

/**
 * POST /ag-ui. The API key is checked first, as on every route: a caller
 * without one (401), or whose key lacks the `chat` scope (403), is refused
 * before any stream. Everything after that, bad input included, is an AG-UI
 * event stream that ends in RUN_FINISHED or RUN_ERROR.
 * `failure` is an error fastify met before the handler (a body that is not
 * JSON), answered the same way.
 */
export async function runAgUi(
  inv: InProcessInvoker,
  guards: RequestGuards,
  req: FastifyRequest,
  reply: FastifyReply,
  failure?: unknown,
): Promise<undefined> {
  guards.authenticate(ChatService.typeName, "chat", () => headersFromNode(req.headers));
  const out = new AgUiEventWriter(reply, req.headers.accept);
  out.open();
  const run = new AgUiRun(inv, req, reply, out);
  try {
    if (failure) throw failure;
    const input = parseRunInput(req.body);
    await (input.resume?.length ? run.resume(input) : run.start(input));
  } catch (e) {
    const event = runError(e);
    // A fault of the server, not of the request or the run: worth an operator's look.
    if (event.code === "internal" || event.code === "unknown") req.log.error({ err: e }, "AG-UI run failed");
    out.send([event]);
  } finally {
    run.ended = true;
    out.end();
  }
  return undefined;
}

/**
 * One AG-UI run over one Floe run. The Floe run outlives the connection, as
 * everywhere in Floe, except for this: AG-UI has no cancel call, and a
 * client's abortRun() closes the request, so a client that goes away before
 * the run's last event cancels it through ChatService.CancelRun.
 */
class AgUiRun {
  ended = false;
  private runId = "";
  private gone = false;
  private cancelling?: Promise<void>;
  private readonly abort = new AbortController();

  constructor(
    private readonly inv: InProcessInvoker,
    private readonly req: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly out: AgUiEventWriter,
  ) {
    reply.raw.once("close", () => {
      if (this.ended) return;
      this.gone = true;
      if (this.runId) this.cancel();
    });
  }

  /** A new message: ChatService.StreamMessage starts the run and streams it. */
  async start(input: RunAgentInput): Promise<void> {
    const mapper = new AgUiEventMapper(clientState(input));
    const chat = chatRequestOf(input);
    await this.follow(this.inv.stream(ChatService.method.streamMessage, { chat }, this.req, this.abort.signal), mapper);
  }

  /**
   * Answers to the interrupts that ended an earlier AG-UI run: the thread's
   * waiting run is found in a snapshot taken before the answers move it on;
   * the answers go to SecurityService; then the run is followed from the
   * snapshot's seq, so no event between the two is missed.
   */
  async resume(input: RunAgentInput): Promise<void> {
    const threadId = input.threadId;
    const snap = await this.snapshot(threadId);
    const waiting = snap.activeRuns[0];
    if (!waiting) {
      throw new ConnectError(
        `thread ${JSON.stringify(threadId)} has no run waiting for an answer: it ended (a pending interrupt expires with its approval); send a new message instead`,
        Code.FailedPrecondition,
      );
    }
    this.learn(waiting.runId);
    const mapper = new AgUiEventMapper(clientState(input), true);
    const floe = {
      runId: waiting.runId,
      agentId: waiting.agentId,
      pendingApprovals: snap.pendingApprovals.map((a) => ({ id: a.id, toolName: a.toolName, resource: a.resource })),
    };
    this.out.send(mapper.started(threadId, waiting.runId, floe));
    await answerInterrupts(this.inv, input.resume ?? [], this.req, this.reply);
    const follow = {
      conversationId: threadId,
      afterSeq: snap.latestSeq,
      includeReasoning: true,
      endAfterLiveRuns: true,
    };
    await this.follow(this.inv.stream(ChatService.method.subscribe, follow, this.req, this.abort.signal), mapper);
  }

  /** The thread's snapshot: the first event of a subscription, read alone (the replay is never read). */
  private async snapshot(conversationId: string): Promise<SnapshotEvent> {
    const sub = this.inv.stream(ChatService.method.subscribe, { conversationId }, this.req, this.abort.signal);
    for await (const { event } of sub) if (event?.kind.case === "snapshot") return event.kind.value;
    throw new ConnectError(`no snapshot of thread ${JSON.stringify(conversationId)}`, Code.Internal);
  }

  /** Maps the run's events until the AG-UI run ends: its terminal event, or an interrupt. */
  private async follow(stream: AsyncIterable<{ event?: Event }>, mapper: AgUiEventMapper): Promise<void> {
    for await (const { event } of stream) {
      if (!event) continue;
      if (event.kind.case === "heartbeat") {
        this.out.keepAlive();
        continue;
      }
      // A resumed run's subscription carries the whole thread: only its run is this AG-UI run.
      if (!event.runId || (this.runId && event.runId !== this.runId)) continue;
      if (!this.runId) this.learn(event.runId);
      this.out.send(mapper.map(event));
      if (mapper.finished) return;
    }
    if (!this.gone) throw new ConnectError("the run's event stream ended before the run did", Code.Unavailable);
  }

  private learn(runId: string): void {
    this.runId = runId;
    if (this.gone) this.cancel();
  }

  private cancel(): void {
    this.cancelling ??= this.inv
      .unary(ChatService.method.cancelRun, { runId: this.runId }, this.req, this.reply)
      .then(
        () => undefined,
        (e: unknown) => this.req.log.debug({ err: e }, "cancelling the AG-UI run after its client left failed"),
      )
      .finally(() => this.abort.abort());
  }
}
