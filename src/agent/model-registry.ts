import { Code, ConnectError } from "@connectrpc/connect";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";

/**
 * The configured models and which one is current. Switching is a runtime
 * change: it is not written back to the config file.
 */
export class ModelRegistry {
  private currentId: string;

  constructor(
    private readonly models: readonly ModelConfig[],
    readonly defaultId: string,
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

  /** Makes `id` current; NotFound names the ids that exist. */
  load(id: string): ModelConfig {
    const model = this.find(id);
    if (!model) {
      throw new ConnectError(
        `model ${JSON.stringify(id)} is not configured (available: ${this.models.map((m) => m.id).join(", ")})`,
        Code.NotFound,
      );
    }
    this.currentId = model.id;
    return model;
  }
}
