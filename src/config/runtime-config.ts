import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ExecutionMode } from "./floe-config.js";

export interface RuntimeConfigState {
  projectRoot: string;
  workspaceRoot: string;
  executionMode: ExecutionMode;
}

export type RuntimeConfigObserver = (
  next: Readonly<RuntimeConfigState>,
  previous: Readonly<RuntimeConfigState>,
) => void;

/**
 * The roots and mode that may change while the server runs. Components that
 * cache a root (tools, file maps) subscribe instead of reading it once, so a
 * change takes effect without a restart.
 */
export class RuntimeConfig {
  private state: RuntimeConfigState;
  private readonly observers = new Set<RuntimeConfigObserver>();

  constructor(initial: RuntimeConfigState) {
    this.state = { ...initial };
  }

  get snapshot(): Readonly<RuntimeConfigState> {
    return this.state;
  }

  /** The root tools operate in, chosen by the execution mode. */
  get activeRoot(): string {
    return this.state.executionMode === "project" ? this.state.projectRoot : this.state.workspaceRoot;
  }

  /** Registers an observer; returns the function that removes it. */
  subscribe(observer: RuntimeConfigObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  setProjectRoot(path: string): string {
    const dir = existingDirectory(path, "path");
    this.update({ projectRoot: dir });
    return dir;
  }

  setWorkspaceRoot(path: string): string {
    const dir = existingDirectory(path, "path");
    this.update({ workspaceRoot: dir });
    return dir;
  }

  setExecutionMode(mode: string): ExecutionMode {
    if (mode !== "project" && mode !== "workspace") {
      throw new ConnectError(
        `invalid execution mode ${JSON.stringify(mode)}: must be 'project' or 'workspace'`,
        Code.InvalidArgument,
      );
    }
    this.update({ executionMode: mode });
    return mode;
  }

  private update(change: Partial<RuntimeConfigState>): void {
    const previous = this.state;
    this.state = { ...previous, ...change };
    for (const observer of this.observers) observer(this.state, previous);
  }
}

function existingDirectory(path: string, field: string): string {
  if (!path?.trim()) throw new ConnectError(`${field} is required: give an existing directory`, Code.InvalidArgument);
  const abs = resolve(path.trim());
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new ConnectError(
      `${field} ${JSON.stringify(abs)} does not exist: give an existing directory`,
      Code.InvalidArgument,
    );
  }
  if (!isDir)
    throw new ConnectError(
      `${field} ${JSON.stringify(abs)} is not a directory: give an existing directory`,
      Code.InvalidArgument,
    );
  return abs;
}
