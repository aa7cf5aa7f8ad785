import type {
  AgentCard,
  CancelTaskRequest,
  GetTaskRequest,
  ListTaskPushNotificationConfigsResponse,
  ListTasksResponse,
  Message,
  SendMessageRequest,
  StreamResponse,
  SubscribeToTaskRequest,
  Task,
  TaskPushNotificationConfig,
} from "@a2a-js/sdk";
import { TaskState } from "@a2a-js/sdk";
import {
  PushNotificationNotSupportedError,
  RequestMalformedError,
  TaskNotCancelableError,
  UnsupportedOperationError,
} from "@a2a-js/sdk/errors";
import type { A2ARequestHandler } from "@a2a-js/sdk/server";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ChatService, type GetRunResponse } from "../../../gen/floe/v1/chat_pb.js";
import { textOf, FLOE_HOPS } from "../../domain/a2a-parts.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { a2aError } from "./a2a-errors.js";
import { RunToTask } from "./run-to-task.js";
import { taskOfRun } from "./task-view.js";

/** What one A2A call runs with: the request it arrived on, and the agent its endpoint publishes. */
export interface A2aCall {
  invoker: InProcessInvoker;
  req: FastifyRequest;
  reply: FastifyReply;
  /** Aborts when the client goes away; the run goes on. */
  signal: AbortSignal;
  agentId: string;
  card(): Promise<AgentCard>;
}

/**
 * Floe's runs as A2A tasks, behind the SDK's JSON-RPC transport handler. A
 * task is a run (its id is the run id, its contextId the conversation id),
 * so it is read from the runs table through ChatService.GetRun: tasks/get,
 * tasks/cancel and resubscribe work on any instance and after a restart.
 * Every call goes through the in-process invoker, so auth, validation and
 * errors are the Connect routes'. (The SDK's DefaultRequestHandler would
 * give each task a random id and keep it in a per-process store and bus.)
 */
export class FloeA2aHandler implements A2ARequestHandler {
  constructor(private readonly c: A2aCall) {}

  getAgentCard(): Promise<AgentCard> {
    return this.c.card();
  }

  getAuthenticatedExtendedAgentCard(): Promise<AgentCard> {
    return this.c.card();
  }

  /** Blocks until the run ends or waits for an approval (input-required); `returnImmediately` answers once it started. */
  async sendMessage(params: SendMessageRequest): Promise<Message | Task> {
    const { events, follower } = this.start(params);
    const blocking = params.configuration?.returnImmediately !== true;
    try {
      for await (const r of events) {
        if (r.event) follower.map(r.event);
        if (follower.terminal || follower.inputRequired || (!blocking && follower.started)) break;
      }
    } catch (e) {
      throw a2aError(e);
    }
    return follower.task();
  }

  async *sendMessageStream(params: SendMessageRequest): AsyncGenerator<StreamResponse, void, undefined> {
    const { events, follower } = this.start(params);
    try {
      for await (const r of events) {
        if (r.event) yield* follower.map(r.event);
        if (follower.terminal) return;
      }
    } catch (e) {
      throw a2aError(e);
    }
  }

  async getTask(params: GetTaskRequest): Promise<Task> {
    return taskOfRun(await this.run(params.id));
  }

  async cancelTask(params: CancelTaskRequest): Promise<Task> {
    const before = taskOfRun(await this.run(params.id));
    const state = before.status?.state;
    if (state === TaskState.TASK_STATE_CANCELED) return before;
    if (state === TaskState.TASK_STATE_COMPLETED || state === TaskState.TASK_STATE_FAILED)
      throw new TaskNotCancelableError(`task ${params.id} already ended: it is ${TaskState[state]}`);
    const { invoker, req, reply } = this.c;
    const res = await invoker.unary(ChatService.method.cancelRun, { runId: params.id }, req, reply).catch((e) => {
      throw a2aError(e, params.id);
    });
    if (res.status !== "cancelled") throw new TaskNotCancelableError(`task ${params.id} ended first: ${res.status}`);
    const after = taskOfRun(await this.run(params.id));
    return {
      ...after,
      status: {
        state: TaskState.TASK_STATE_CANCELED,
        message: after.status?.message,
        timestamp: new Date().toISOString(),
      },
    };
  }

  /** Follows a live task from its first event (replayed from the log) to its end. */
  async *resubscribe(params: SubscribeToTaskRequest): AsyncGenerator<StreamResponse, void, undefined> {
    const run = await this.run(params.id);
    if (run.endedAt)
      throw new UnsupportedOperationError(`task ${params.id} already ended (${run.status}): read it with tasks/get`);
    const input = { conversationId: run.conversationId, afterSeq: 0n, endAfterLiveRuns: true };
    const events = this.c.invoker.stream(ChatService.method.subscribe, input, this.c.req, this.c.signal);
    const follower = new RunToTask(undefined);
    try {
      for await (const r of events) {
        if (r.event?.runId !== params.id) continue;
        yield* follower.map(r.event);
        if (follower.terminal) return;
      }
    } catch (e) {
      throw a2aError(e, params.id);
    }
  }

  listTasks(): Promise<ListTasksResponse> {
    return Promise.reject(
      new UnsupportedOperationError("Floe lists its runs per conversation: use ChatService.Subscribe or tasks/get"),
    );
  }

  createTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    return Promise.reject(noPush());
  }

  getTaskPushNotificationConfig(): Promise<TaskPushNotificationConfig> {
    return Promise.reject(noPush());
  }

  listTaskPushNotificationConfigs(): Promise<ListTaskPushNotificationConfigsResponse> {
    return Promise.reject(noPush());
  }

  deleteTaskPushNotificationConfig(): Promise<void> {
    return Promise.reject(noPush());
  }

  /** Starts a run of the endpoint's agent with the message's text, in the conversation its contextId names. */
  private start(params: SendMessageRequest) {
    const message = params.message;
    if (!message) throw new RequestMalformedError("message is required");
    if (message.taskId)
      throw new UnsupportedOperationError(
        "each message starts a new task in Floe: send it with the task's contextId (not its taskId) to continue the conversation",
      );
    const text = textOf(message.parts);
    if (!text.trim()) throw new RequestMalformedError("message needs a text part: Floe's agents read text");
    const chat = {
      text,
      agentId: this.c.agentId,
      conversationId: message.contextId,
      createConversation: message.contextId !== "",
      messageHops: hopsOf(message.metadata),
    };
    const events = this.c.invoker.stream(ChatService.method.streamMessage, { chat }, this.c.req, this.c.signal);
    return { events, follower: new RunToTask(message) };
  }

  private async run(id: string): Promise<GetRunResponse> {
    if (!id.trim()) throw new RequestMalformedError("the task id is required");
    const { invoker, req, reply } = this.c;
    return invoker.unary(ChatService.method.getRun, { runId: id }, req, reply).catch((e) => {
      throw a2aError(e, id);
    });
  }
}

function noPush(): Error {
  return new PushNotificationNotSupportedError(
    "Floe does not send push notifications: use message/stream or tasks/resubscribe",
  );
}

/** The agent-to-agent hops a Floe server that delegated this message counted (`floe.hops`); 0 from anyone else. */
function hopsOf(metadata: { [k: string]: unknown } | undefined): number {
  const hops = metadata?.[FLOE_HOPS];
  return typeof hops === "number" && Number.isInteger(hops) && hops > 0 ? Math.min(hops, 1_000) : 0;
}
