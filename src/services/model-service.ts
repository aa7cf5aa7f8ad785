import type { ServiceImpl } from "@connectrpc/connect";
import type { ModelService } from "../../gen/floe/v1/model_pb.js";
import type { AppContext } from "./app-context.js";
import { requireField } from "./require.js";

export function modelService(app: AppContext): ServiceImpl<typeof ModelService> {
  const reg = app.models;
  return {
    async discoverModels() {
      return { models: await app.catalogue.discover() };
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
    async loadModel(req) {
      const id = requireField(req.modelId, "model_id", "give the id of a configured model");
      const agentId = req.agentId.trim();
      if (!agentId) {
        const m = await reg.load(id);
        return {
          status: "success",
          modelId: m.id,
          currentModel: m.name,
          message: `Successfully loaded model: ${m.id}`,
        };
      }
      // An unknown agent is NotFound before the model is looked at: the agent is the resource being changed.
      app.agents.require(agentId);
      const m = reg.require(id);
      await app.agents.update(agentId, (a) => (a.modelConfigId = m.id));
      const message = `Successfully loaded model: ${m.id} for agent ${agentId}`;
      return { status: "success", modelId: m.id, currentModel: m.name, message };
    },
  };
}
