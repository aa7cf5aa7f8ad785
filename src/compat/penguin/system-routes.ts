import type { DescMessage, DescMethod, MessageInitShape } from "@bufbuild/protobuf";
import { LoadModelRequestSchema, LoadModelResponseSchema, ModelService } from "../../../gen/floe/v1/model_pb.js";
import {
  GetTokenUsageResponseSchema,
  LoadContextFileRequestSchema,
  LoadContextFileResponseSchema,
  SetExecutionModeResponseSchema,
  SetProjectRootRequestSchema,
  SetProjectRootResponseSchema,
  SetWorkspaceRootResponseSchema,
  SystemService,
} from "../../../gen/floe/v1/system_pb.js";
import type { RouteSpec } from "../compat-router.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, optionalString, parseAs, queryString } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

/** Penguin's model, system configuration, usage and context-file routes. */
export function registerPenguinSystemRoutes(r: SurfaceRoutes): void {
  registerModelRoutes(r);
  registerRootRoutes(r);
  r.get("/system/info", "system", "System information", SystemService.method.getInfo);
  r.get("/system/status", "system", "Runtime status", SystemService.method.getStatus);
  r.get("/capabilities", "system", "Capabilities", SystemService.method.getCapabilities);
  r.add({
    method: "GET",
    url: "/token-usage",
    tag: "system",
    summary: "Token usage",
    query: { conversation_id: { type: "string" } },
    response: GetTokenUsageResponseSchema,
    async handler(req, reply) {
      const input = { conversationId: queryString(req, "conversation_id") };
      return toDocJson(
        GetTokenUsageResponseSchema,
        await r.inv.unary(SystemService.method.getTokenUsage, input, req, reply),
      );
    },
  });
  r.get("/context-files", "system", "List context files", SystemService.method.listContextFiles);
  r.add({
    method: "POST",
    url: "/context-files/load",
    tag: "system",
    summary: "Load a context file into a conversation",
    body: LoadContextFileRequestSchema,
    response: LoadContextFileResponseSchema,
    async handler(req, reply) {
      const input = parseAs(LoadContextFileRequestSchema, bodyObject(req));
      const res = await r.inv.unary(SystemService.method.loadContextFile, input, req, reply);
      return toDocJson(LoadContextFileResponseSchema, res);
    },
  });
}

function registerModelRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "GET",
    url: "/models",
    tag: "models",
    summary: "List the configured models",
    response: { type: "object", properties: { models: { type: "array" } } },
    async handler(req, reply) {
      const res = await r.inv.unary(ModelService.method.listModels, {}, req, reply);
      const models = res.models.map(({ config: m, current }) => ({
        id: m!.id,
        name: m!.name,
        provider: m!.provider,
        vision_enabled: m!.visionEnabled,
        max_output_tokens: m!.maxOutputTokens,
        current,
        offline: m!.offline,
      }));
      return { models };
    },
  });
  r.add({
    method: "POST",
    url: "/models/load",
    tag: "models",
    summary: "Switch the current model",
    body: LoadModelRequestSchema,
    response: LoadModelResponseSchema,
    async handler(req, reply) {
      const input = parseAs(LoadModelRequestSchema, bodyObject(req));
      return toDocJson(LoadModelResponseSchema, await r.inv.unary(ModelService.method.loadModel, input, req, reply));
    },
  });
  r.get("/models/current", "models", "The current model", ModelService.method.getCurrentModel);
  const discover = "Discover models from the OpenRouter catalogue (needs OPENROUTER_API_KEY)";
  r.get("/models/discover", "models", discover, ModelService.method.discoverModels);
}

function registerRootRoutes(r: SurfaceRoutes): void {
  const pathBody = { type: "object", properties: { path: { type: "string" } }, required: ["path"] };
  r.get("/system/config", "system", "The runtime configuration", SystemService.method.getRuntimeConfig);
  const setRoot = SystemService.method.setProjectRoot;
  const setWorkspace = SystemService.method.setWorkspaceRoot;
  pathRoute(
    r,
    "/system/config/project-root",
    "Set the project root",
    setRoot,
    SetProjectRootRequestSchema,
    SetProjectRootResponseSchema,
  );
  pathRoute(
    r,
    "/system/config/workspace-root",
    "Set the workspace root",
    setWorkspace,
    pathBody,
    SetWorkspaceRootResponseSchema,
  );
  r.add({
    method: "POST",
    url: "/system/config/execution-mode",
    tag: "system",
    summary: "Set the execution mode (`project` or `workspace`, sent as `path`)",
    body: {
      type: "object",
      properties: { path: { type: "string", enum: ["project", "workspace"] }, mode: { type: "string" } },
    },
    response: SetExecutionModeResponseSchema,
    async handler(req, reply) {
      const body = bodyObject(req);
      // Penguin documents the mode in a field named `path`; `mode` is accepted too.
      const mode = typeof body.mode === "string" ? body.mode : optionalString(body, "path");
      const res = await r.inv.unary(SystemService.method.setExecutionMode, { mode }, req, reply);
      return toDocJson(SetExecutionModeResponseSchema, res);
    },
  });
}

/** A POST whose body is `{"path": "..."}`, answered by an RPC that takes the path. */
function pathRoute<I extends DescMessage, O extends DescMessage>(
  r: SurfaceRoutes,
  url: string,
  summary: string,
  method: DescMethod & { input: I; output: O },
  body: RouteSpec["body"],
  response: O,
): void {
  r.add({
    method: "POST",
    url,
    tag: "system",
    summary,
    body,
    response,
    async handler(req, reply) {
      const input = { path: optionalString(bodyObject(req), "path") } as unknown as MessageInitShape<I>;
      return toDocJson(response, await r.inv.unary(method, input, req, reply));
    },
  });
}
