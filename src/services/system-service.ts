import type { ServiceImpl } from "@connectrpc/connect";
import { SystemService } from "../../gen/floe/v1/system_pb.js";
import { FLOE_VERSION } from "../version.js";
import type { AppContext } from "./app-context.js";
import { requireField } from "./require.js";
import { withUnimplemented } from "./unimplemented.js";

/** Number of tools the agent engine offers; reported by diagnostics. */
export const TOOL_COUNT = 0;

export function systemService(app: AppContext): ServiceImpl<typeof SystemService> {
  const rt = app.runtime;
  const runtimeConfig = () => ({
    projectRoot: rt.snapshot.projectRoot,
    workspaceRoot: rt.snapshot.workspaceRoot,
    executionMode: rt.snapshot.executionMode,
    activeRoot: rt.activeRoot,
  });
  return withUnimplemented(SystemService, "agent engine (token usage and context files)", {
    getRuntimeConfig() {
      return { status: "success", config: runtimeConfig() };
    },
    setProjectRoot(req) {
      const path = rt.setProjectRoot(requireField(req.path, "path", "give an existing directory"));
      return { status: "success", message: `Project root set to ${path}`, path, activeRoot: rt.activeRoot };
    },
    setWorkspaceRoot(req) {
      const path = rt.setWorkspaceRoot(requireField(req.path, "path", "give an existing directory"));
      return { status: "success", message: `Workspace root set to ${path}`, path, activeRoot: rt.activeRoot };
    },
    setExecutionMode(req) {
      const mode = rt.setExecutionMode(requireField(req.mode, "mode", "give 'project' or 'workspace'"));
      return { status: "success", message: `Execution mode set to ${mode}: ${rt.activeRoot}`, executionMode: mode, activeRoot: rt.activeRoot };
    },
    async getInfo() {
      const m = app.models.current;
      const [latest] = await app.conversations.list(1, "");
      return {
        penguinVersion: FLOE_VERSION,
        engineAvailable: true,
        checkpointsEnabled: false,
        currentModel: { model: m.name, provider: m.provider, streamingEnabled: true, visionEnabled: m.visionEnabled },
        conversationManager: { active: true, currentSessionId: latest?.id ?? "", totalMessages: BigInt(await app.conversations.totalMessages()) },
        toolManager: { active: TOOL_COUNT > 0, totalTools: TOOL_COUNT },
        memoryProvider: { initialized: true, providerType: app.database.dialect },
      };
    },
    getStatus() {
      return {
        status: "active",
        runmodeStatus: "RunMode idle.",
        continuousMode: false,
        streamingActive: false,
        tokenUsage: { total: { input: 0n, output: 0n }, session: { input: 0n, output: 0n } },
        timestamp: new Date().toISOString(),
        initialization: { coreInitialized: true, fastStartupEnabled: true },
      };
    },
    getCapabilities() {
      const m = app.models.current;
      return {
        capabilities: {
          visionEnabled: m.visionEnabled,
          streamingEnabled: true,
          checkpointManagement: false,
          modelSwitching: true,
          fileUpload: false,
          websocketSupport: false,
          taskExecution: false,
          runMode: false,
          multiModal: m.visionEnabled,
          contextFiles: false,
        },
        currentModel: { model: m.name, provider: m.provider, visionEnabled: m.visionEnabled },
        apiVersion: "v1",
        penguinVersion: FLOE_VERSION,
      };
    },
  });
}
