import type { CheckpointSettings } from "../../config/floe-config.js";
import type { Logger } from "../../domain/logger.js";
import type { EventLog } from "../../events/event-log.js";
import type { BlobRepository } from "../../store/blob-repository.js";
import type { CheckpointRepository, CheckpointRow } from "../../store/checkpoint-repository.js";
import type { ConversationRepository } from "../../store/conversation-repository.js";
import type { MessageArchive, StoredHistory } from "../../store/message-archive.js";
import type { RunRegistry } from "../run-registry.js";
import type { FileJournal } from "./file-journal.js";

export type CheckpointType = "auto" | "manual" | "branch" | "rollback";

export interface CheckpointDeps {
  repo: CheckpointRepository;
  blobs: BlobRepository;
  archive: MessageArchive;
  conversations: ConversationRepository;
  events: EventLog;
  runs: RunRegistry;
  settings: CheckpointSettings;
  /** Epoch milliseconds: creation times and the retention policy follow it (tests control it). */
  clock: () => number;
  log: Logger;
}

/** What a rollback needs of the checkpoints. */
export interface CheckpointOps {
  readonly deps: CheckpointDeps;
  readonly journal: FileJournal;
  now(): string;
  create(conversationId: string, type: CheckpointType, name: string, description: string): Promise<CheckpointRow>;
  historyOf(cp: CheckpointRow): Promise<StoredHistory>;
}
