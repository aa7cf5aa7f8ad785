import type { RunLeasesTable } from "./run-leases-table.js";

/**
 * Table types for Kysely. Only portable column types are used (text, integer),
 * with JSON kept as text, so the same queries run on SQLite and Postgres.
 */
export interface ConversationsTable {
  id: string;
  name: string;
  agent_id: string;
  model: string;
  created_at: string;
  updated_at: string;
  message_count: number;
  last_seq: number;
  /** Seqs up to this one may have been handed out (see SeqAllocator); given back on a clean shutdown. */
  reserved_seq: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** Order within the conversation, from 1. */
  position: number;
  role: string;
  content: string;
  agent_id: string;
  channel: string;
  message_type: string;
  /** JSON array of OpenAI-style tool calls. */
  tool_calls: string;
  tool_call_id: string;
  /** JSON object. */
  metadata: string;
  created_at: string;
}

/** The durable event log: one row per event, numbered per conversation. */
export interface EventsTable {
  conversation_id: string;
  seq: number;
  run_id: string;
  /** The oneof case, for filtering without decoding. */
  kind: string;
  /** The floe.v1.Event as proto JSON. */
  payload: string;
  created_at: string;
}

export interface RunsTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  /** Client idempotency key; empty when none was sent. */
  request_id: string;
  /** Hash of the request payload, to tell a retry from a conflicting reuse of the id. */
  request_hash: string;
  /** `queued`, `running`, `completed`, `max_iterations`, `error` or `cancelled`. */
  status: string;
  /** The floe.v1.SendMessageResponse as proto JSON, once ended. */
  result: string;
  /** A queued run's user message (JSON), kept from the moment it is acknowledged until it is stored in the history. */
  message: string;
  created_at: string;
  ended_at: string;
  /** A queued run's ChatRequest and seams (JSON, see QueuedRequest): any instance can build it from this. */
  request: string;
  /** The instance that executes this queued run; empty while it waits for the one holding its conversation. */
  adopted_by: string;
}

/** One row per model call. */
export interface UsageTable {
  id: string;
  conversation_id: string;
  agent_id: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  created_at: string;
}

/** A registered agent (AgentService). */
export interface AgentsTable {
  id: string;
  persona: string;
  persona_description: string;
  system_prompt: string;
  /** Empty follows the current model. */
  model_config_id: string;
  /** JSON array of tool names; empty offers every tool. */
  default_tools: string;
  parent: string;
  /** JSON array of coordinator roles. */
  roles: string;
  active: number;
  paused: number;
  /** Where delegations and routed messages run; empty until first needed. */
  conversation_id: string;
  created_at: string;
  updated_at: string;
}

/** A message routed through the message bus. */
export interface BusMessagesTable {
  id: string;
  sender: string;
  recipient: string;
  content: string;
  message_type: string;
  channel: string;
  /** JSON object. */
  metadata: string;
  /** The run the message started for its recipient, if any. */
  run_id: string;
  created_at: string;
}

/** The cross-conversation event feed (MessageService.SubscribeEvents): stored feed events, by cursor. */
export interface FeedEventsTable {
  cursor: number;
  type: string;
  /** The conversation the event came from, if any: deleting it deletes the event. */
  conversation_id: string;
  agent_id: string;
  channel: string;
  message_type: string;
  /** The floe.v1.Event as proto JSON. */
  payload: string;
  created_at: string;
}

/** A GitHub webhook delivery: recorded once (a replayed id is refused), then with its outcome. */
export interface GitHubDeliveriesTable {
  delivery_id: string;
  event: string;
  action: string;
  /** `received`, `routed`, `ignored` or `failed`. */
  status: string;
  /** What was done, for example the agents and runs it started. */
  outcome: string;
  received_at: string;
  handled_at: string;
}

/** The permission audit log: append-only, each row chained to the one before by its hash. */
export interface AuditEntriesTable {
  seq: number;
  id: string;
  timestamp: string;
  operation: string;
  category: string;
  resource: string;
  result: string;
  reason: string;
  policy: string;
  agent_id: string;
  tool_name: string;
  session_id: string;
  key_name: string;
  prev_hash: string;
  hash: string;
}

/** A tool call that waits (or waited) for a human decision. */
export interface ApprovalsTable {
  id: string;
  conversation_id: string;
  run_id: string;
  agent_id: string;
  tool_name: string;
  operation: string;
  resource: string;
  reason: string;
  /** `pending`, `approved`, `denied` or `expired`. */
  status: string;
  scope: string;
  created_at: string;
  expires_at: string;
  resolved_at: string;
  resolution: string;
}

/** A project tasks can belong to. */
export interface ProjectsTable {
  id: string;
  name: string;
  description: string;
  created_at: string;
}

/** A task: its spec, its state, and the runs that did its work in a conversation of its own. */
export interface TasksTable {
  id: string;
  /** Empty when the task belongs to no project. */
  project_id: string;
  agent_id: string;
  /** The floe.v1.TaskSpec as proto JSON. */
  spec: string;
  /** `pending`, `running`, `completed`, `max_iterations`, `error`, `cancelled` or `timeout`. */
  status: string;
  conversation_id: string;
  /** JSON array of run ids, in order. */
  run_ids: string;
  response: string;
  iterations: number;
  /** JSON array of floe.v1.ActionResult (proto JSON). */
  action_results: string;
  /** The floe.v1.ErrorEvent as proto JSON, or empty. */
  error: string;
  created_at: string;
  started_at: string;
  ended_at: string;
}

/** A runtime setting kept across restarts (SettingsRepository). */
export interface SettingsTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: string;
}

/** A checkpoint of a conversation: its messages up to a point and the files its agent changed before it. */
export interface CheckpointsTable {
  id: string;
  conversation_id: string;
  name: string;
  description: string;
  /** `auto`, `manual`, `branch` or `rollback`. */
  type: string;
  /** Messages the conversation had: the history is rolled back to this many. */
  message_count: number;
  /** The id of its last message: how the history is found again after a rollback moved it to the archive. */
  last_message_id: string;
  /** Order within the conversation: a checkpoint's file changes are those after the previous ordinal. */
  ordinal: number;
  created_at: string;
}

/**
 * A file an agent wrote, edited or deleted: its content hash before the
 * first change and after the last one (empty = absent), per checkpoint; an
 * empty checkpoint id holds the changes since the conversation's latest one.
 */
export interface CheckpointFilesTable {
  conversation_id: string;
  checkpoint_id: string;
  /** Absolute real path. */
  path: string;
  /** The active root the tool confined it to: restores are confined to it again. */
  root: string;
  before_hash: string;
  after_hash: string;
  changed_at: string;
}

/** File contents by SHA-256, stored once however many checkpoints hold them. */
export interface CheckpointBlobsTable {
  hash: string;
  /** `utf8`, or `base64` for bytes that are not UTF-8. */
  encoding: string;
  content: string;
  size: number;
  created_at: string;
}

/** Messages a rollback removed from a history, kept while a checkpoint may bring them back. */
export interface ArchivedMessagesTable {
  id: string;
  conversation_id: string;
  /** The message before it in its history ('' for the first): checkpoints find their history through it. */
  prev_id: string;
  /** The messages row as JSON. */
  message: string;
  archived_at: string;
}

export interface Database {
  conversations: ConversationsTable;
  messages: MessagesTable;
  events: EventsTable;
  runs: RunsTable;
  usage: UsageTable;
  agents: AgentsTable;
  bus_messages: BusMessagesTable;
  feed_events: FeedEventsTable;
  github_deliveries: GitHubDeliveriesTable;
  audit_entries: AuditEntriesTable;
  approvals: ApprovalsTable;
  projects: ProjectsTable;
  tasks: TasksTable;
  settings: SettingsTable;
  checkpoints: CheckpointsTable;
  checkpoint_files: CheckpointFilesTable;
  checkpoint_blobs: CheckpointBlobsTable;
  archived_messages: ArchivedMessagesTable;
  run_leases: RunLeasesTable;
}
