import type { ServiceImpl } from "@connectrpc/connect";
import type { ModelService } from "../../gen/floe/v1/model_pb.js";
import { discoverModels } from "../agent/model-catalogue.js";
import type { AppContext } from "./app-context.js";
import { requireField } from "./require.js";

export function modelService(app: AppContext): ServiceImpl<typeof ModelService> {
  const reg = app.models;
  return {
    async discoverModels(_req, ctx) {
      return { models: await discoverModels(app.providers, ctx.signal) };
    },
    listModels() {
      const current = reg.current.id;
      return {
        models: reg
          .list()
          .map((config) => ({ config, current: config.id === current, isDefault: config.id === reg.defaultId })),
      };
    },
    getCurrentModel() {
      const m = reg.current;
      return {
        id: m.id,
        model: m.name,
        provider: m.provider,
        clientPreference: "openai",
        maxOutputTokens: m.maxOutputTokens,
        temperature: m.temperature,
        streamingEnabled: true,
        visionEnabled: m.visionEnabled,
        reasoningEnabled: m.reasoningEnabled,
        offline: m.offline,
      };
    },
    loadModel(req) {
      const m = reg.load(requireField(req.modelId, "model_id", "give the id of a configured model"));
      return { status: "success", modelId: m.id, currentModel: m.name, message: `Successfully loaded model: ${m.id}` };
    },
  };
}
