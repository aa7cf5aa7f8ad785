import { create } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { ChatRequestSchema, type SendMessageResponse } from "../../gen/floe/v1/chat_pb.js";
import { type ActionResult, ActionResultSchema } from "../../gen/floe/v1/common_pb.js";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import type { Task } from "../../gen/floe/v1/project_pb.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { Logger } from "../domain/logger.js";
import type { EventKindInit, EventLog } from "../events/event-log.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { TasksTable } from "../store/schema.js";
import type { TaskRepository } from "../store/task-repository.js";
import type { ChatRunStarter } from "./chat-run-starter.js";
import { DEFAULT_MAX_ITERATIONS } from "./chat-request.js";
import { completionOf, continuePrompt, firstPrompt, type ValidTask } from "./task-spec.js";
import { actionsJson, errorJson, taskOf } from "./task-view.js";
import { codeName } from "../domain/code-name.js";

/** What a live task works with: the one run engine and the stores. */
export interface TaskEngine {
  chat: ChatRunStarter;
  runs: RunRegistry;
  events: EventLog;
  conversations: ConversationRepository;
  tasks: TaskRepository;
  log: Logger;
}

/** How a task ended: its status and, unless it completed, why. */
interface Ending {
  status: string;
  error?: { message: string; code: string };
}

type Halt = "cancelled" | "shutdown";

const SHUTDOWN: Ending = {
  status: "error",
  error: { message: "the server shut down while the task ran; execute it again", code: "aborted" },
};

/**
 * A task while it runs: its work is runs started through ChatRunStarter in
 * the task's own conversation (one, or one per iteration when continuous),
 * so the permission engine, approvals and deadlines apply as for chat. It
 * follows its runs' events to write the task's own (progress, action) and to
 * keep the text a stopped run produced, and ends with exactly one terminal
 * task event.
 */
export class LiveTask {
  readonly done: Promise<Task>;
  private halted: Halt | undefined;
  private currentRun: string | undefined;
  private readonly deadline: number | undefined;
  private readonly responses: string[] = [];
  private readonly actions: ActionResult[] = [];
  /** The current run: all its answer text, the text of its turn in progress, its actions and its last iteration. */
  private run = { text: "", turn: "", actions: [] as ActionResult[], iteration: 0 };
  private readonly unlisten: () => void;

  constructor(
    private readonly e: TaskEngine,
    readonly t: ValidTask,
    readonly row: TasksTable,
    private readonly keyName: string | undefined,
  ) {
    const started = Date.now();
    this.deadline = t.timeLimit > 0 ? started + t.timeLimit * 1000 : undefined;
    row.status = "running";
    row.started_at = new Date(started).toISOString();
    this.unlisten = e.events.listen(row.conversation_id, (ev) => this.follow(ev));
    this.emit({ case: "start", value: { model: t.modelName, cause: { kind: "task" } } });
    this.done = this.work();
  }

  get id(): string {
    return this.row.id;
  }

  /** Stops the task: its current run is cancelled and the task ends cancelled (or, at shutdown, failed). */
  async halt(reason: Halt): Promise<Task> {
    this.halted ??= reason;
    const runId = this.currentRun;
    if (runId) await this.e.runs.cancel(runId, "", this.haltMessage()).catch(() => undefined);
    return this.done;
  }

  private haltMessage(): string {
    return this.halted === "shutdown" ? "server shutting down" : "the task was cancelled";
  }

  private async work(): Promise<Task> {
    let ending: Ending;
    try {
      ending = await this.iterate();
    } catch (err) {
      const e = ConnectError.from(err);
      this.e.log.warn({ taskId: this.id, err }, "task failed");
      ending = { status: "error", error: { message: e.rawMessage, code: codeName(e.code) } };
    }
    try {
      return await this.finish(ending);
    } finally {
      this.unlisten();
    }
  }

  private async iterate(): Promise<Ending> {
    const { continuous } = this.t.spec;
    const rounds = continuous ? this.t.maxIterations : 1;
    for (let i = 1; i <= rounds; i++) {
      const stopped = this.stoppedBefore();
      if (stopped) return stopped;
      if (continuous) {
        const message = `iteration ${i} of at most ${rounds}`;
        this.emit({ case: "progress", value: { iteration: i, maxIterations: rounds, message } });
      }
      const ending = await this.absorb(await this.runOnce(i));
      if (ending) return ending;
    }
    return { status: "max_iterations" };
  }

  /** A halt or the time limit that came between runs. */
  private stoppedBefore(): Ending | undefined {
    if (this.halted === "shutdown") return SHUTDOWN;
    if (this.halted) return { status: "cancelled", error: { message: this.haltMessage(), code: "canceled" } };
    if (this.deadline !== undefined && Date.now() >= this.deadline) return this.timeout();
    return undefined;
  }

  private timeout(): Ending {
    const message = `the task's time limit of ${this.t.timeLimit} s passed; what it produced is kept`;
    return { status: "timeout", error: { message, code: "deadline_exceeded" } };
  }

  private async runOnce(iteration: number): Promise<SendMessageResponse> {
    const t = this.t;
    const chat = create(ChatRequestSchema, {
      text: iteration === 1 ? firstPrompt(t) : continuePrompt(t, iteration),
      agentId: t.agent.id,
      conversationId: this.row.conversation_id,
      maxIterations: t.spec.continuous ? DEFAULT_MAX_ITERATIONS : t.maxIterations,
    });
    this.run = { text: "", turn: "", actions: [], iteration: 0 };
    const handle = await this.e.chat.start(chat, {
      deadline: this.deadline,
      cause: { kind: "task" },
      keyName: this.keyName,
    });
    this.currentRun = handle.id;
    const runIds = [...(JSON.parse(this.row.run_ids) as string[]), handle.id];
    this.row.run_ids = JSON.stringify(runIds);
    if (t.spec.continuous) this.row.iterations = iteration;
    await this.e.tasks.update(this.id, {
      status: "running",
      run_ids: this.row.run_ids,
      started_at: this.row.started_at,
    });
    // A halt that came while the run was starting.
    if (this.halted) void this.e.runs.cancel(handle.id, "", this.haltMessage()).catch(() => undefined);
    try {
      return await handle.done;
    } finally {
      this.currentRun = undefined;
    }
  }

  /** Takes in a run's result; the task's ending, or undefined to go on with the next iteration. */
  private async absorb(r: SendMessageResponse): Promise<Ending | undefined> {
    const { continuous } = this.t.spec;
    if (r.status === "completed" || r.status === "max_iterations") {
      const { done, text } = completionOf(r.response);
      if (text) this.responses.push(text);
      this.actions.push(...r.actionResults);
      if (!continuous) {
        this.row.iterations = r.iterations;
        return { status: r.status };
      }
      return done ? { status: "completed" } : undefined;
    }
    await this.keepPartial();
    if (r.status === "cancelled") {
      return this.halted === "shutdown" ? SHUTDOWN : { status: "cancelled", error: this.errorOf(r, "canceled") };
    }
    if (r.error?.code === "deadline_exceeded") return this.timeout();
    return { status: "error", error: this.errorOf(r, "unknown") };
  }

  private errorOf(r: SendMessageResponse, code: string): { message: string; code: string } {
    return { message: r.error?.message || `the task's run ended with status ${r.status}`, code: r.error?.code || code };
  }

  /** A stopped run's text and actions stay with the task; its unfinished turn is stored in the conversation. */
  private async keepPartial(): Promise<void> {
    const { text, turn, actions, iteration } = this.run;
    if (!this.t.spec.continuous) this.row.iterations = iteration;
    this.actions.push(...actions);
    if (text.trim()) this.responses.push(text.trim());
    if (!turn.trim()) return;
    await this.e.conversations.appendMessage(this.row.conversation_id, {
      role: "assistant",
      content: turn,
      agentId: this.t.agent.id,
      metadata: { task_id: this.id, partial: true },
    });
  }

  /** Records the ending, writes the one terminal task event, then stores the row. */
  private async finish(ending: Ending): Promise<Task> {
    const row = this.row;
    row.status = ending.status;
    row.response = this.responses.join("\n\n");
    row.action_results = actionsJson(this.actions);
    row.error = ending.error ? errorJson(ending.error.message, ending.error.code) : "";
    row.ended_at = new Date().toISOString();
    const task = taskOf(row);
    // With several instances, the conversation's numbering is handed back once its run ends: take it again.
    await this.e.events.prepare(row.conversation_id).catch(() => undefined);
    this.emit(terminalOf(task, ending));
    try {
      await this.e.events.flush();
      const { id, ...fields } = row;
      await this.e.tasks.update(id, fields);
    } catch (err) {
      this.e.log.error({ err, taskId: this.id }, "could not record the task's result");
    }
    return task;
  }

  /** Follows the task's runs: their progress (when not continuous) and tool calls become task events. */
  private follow(ev: Event): void {
    if (ev.taskId || !ev.runId) return;
    const k = ev.kind;
    if (k.case === "token") {
      this.run.text += k.value.token;
      this.run.turn += k.value.token;
    } else if (k.case === "progress" && !k.value.message) {
      // (A progress event with a message reports a tool's work, such as a remote A2A task's, not an iteration.)
      this.run.turn = "";
      this.run.iteration = k.value.iteration;
      const { iteration, maxIterations } = k.value;
      // Appended once the current publish is over, so that every listener sees events in seq order.
      if (!this.t.spec.continuous)
        queueMicrotask(() => this.emit({ case: "progress", value: { iteration, maxIterations } }));
    } else if (k.case === "toolComplete") {
      const { name, success, resultPreview, status } = k.value;
      const result = create(ActionResultSchema, {
        action: name,
        result: resultPreview,
        status: status || (success ? "completed" : "error"),
      });
      this.run.actions.push(result);
      queueMicrotask(() => this.emit({ case: "action", value: { result } }));
    }
  }

  private emit(kind: EventKindInit): void {
    this.e.events.append(this.row.conversation_id, "", this.t.agent.id, kind, undefined, this.id);
  }
}

/** The task's terminal event: complete, cancelled, or error (a failure or the time limit). */
function terminalOf(task: Task, ending: Ending): EventKindInit {
  if (ending.status === "completed" || ending.status === "max_iterations") {
    const { response, actionResults, iterations, status } = task;
    return {
      case: "complete",
      value: { response, actionResults, iterations, status, toolCalls: actionResults.length },
    };
  }
  const error = ending.error ?? { message: `the task ended with status ${ending.status}`, code: "unknown" };
  if (ending.status === "cancelled") return { case: "cancelled", value: { reason: error.message } };
  return { case: "error", value: error };
}
