import { Code, ConnectError } from "@connectrpc/connect";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { Logger } from "../domain/logger.js";

/** Where the current model is kept across restarts (the settings table). */
export interface ModelSelectionStore {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

/** The settings key of the current model. */
export const CURRENT_MODEL_KEY = "current_model";

/**
 * The stored choice, with the default it replaced: when the configured
 * default changes later, the newer config wins over the older choice.
 */
interface StoredSelection {
  model_id: string;
  default_model: string;
}

/**
 * The configured models and which one is current. Switching is stored (not
 * written back to the config file) and restored at the next start.
 */
export class ModelRegistry {
  private currentId: string;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly models: readonly ModelConfig[],
    readonly defaultId: string,
    private readonly store?: ModelSelectionStore,
  ) {
    this.currentId = defaultId;
  }

  list(): readonly ModelConfig[] {
    return this.models;
  }

  get current(): ModelConfig {
    return this.find(this.currentId)!;
  }

  find(idOrName: string): ModelConfig | undefined {
    return this.models.find((m) => m.id === idOrName) ?? this.models.find((m) => m.name === idOrName);
  }

  /** The model with this id (or name); NotFound names the ids that exist. */
  require(id: string): ModelConfig {
    const model = this.find(id);
    if (!model) {
      throw new ConnectError(
        `model ${JSON.stringify(id)} is not configured (available: ${this.models.map((m) => m.id).join(", ")})`,
        Code.NotFound,
      );
    }
    return model;
  }

  /**
   * Makes `id` current once the choice is stored, so that a failed write
   * changes nothing. Switches run one at a time: the stored choice is always
   * the one in force.
   */
  load(id: string): Promise<ModelConfig> {
    const model = this.require(id);
    const run = this.writes.then(async () => {
      const choice: StoredSelection = { model_id: model.id, default_model: this.defaultId };
      await this.store?.set(CURRENT_MODEL_KEY, choice);
      this.currentId = model.id;
      return model;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  /**
   * Restores the stored choice at startup. A choice whose model is no longer
   * configured, or made under another default, is dropped with a log line.
   */
  async restore(log: Logger): Promise<void> {
    const stored = await this.store?.get<Partial<StoredSelection>>(CURRENT_MODEL_KEY);
    if (!stored?.model_id) return;
    const model = this.models.find((m) => m.id === stored.model_id);
    if (!model) {
      log.warn(
        { stored: stored.model_id, default: this.defaultId },
        "the stored current model is no longer configured: using the default model",
      );
      return;
    }
    if (stored.default_model !== this.defaultId) {
      log.info(
        { stored: stored.model_id, default: this.defaultId, previousDefault: stored.default_model },
        "default_model changed since the current model was chosen: using the new default",
      );
      return;
    }
    this.currentId = model.id;
  }
}
