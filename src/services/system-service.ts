import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { Code, type ServiceImpl } from "@connectrpc/connect";
import { glob } from "tinyglobby";
import type { SystemService } from "../../gen/floe/v1/system_pb.js";
import { readContextFiles } from "../agent/chat-input.js";
import { TOOL_NAMES } from "../domain/tool-names.js";
import type { UsageTotals } from "../store/usage-repository.js";
import { FLOE_VERSION } from "../version.js";
import type { AppContext } from "./app-context.js";
import { notFound, requireField } from "./require.js";
import { listTools } from "./tool-listing.js";

/** Number of tools the agent engine offers; reported by diagnostics. */
const TOOL_COUNT = TOOL_NAMES.length;

type SystemImpl = ServiceImpl<typeof SystemService>;

/** SystemService: the runtime roots, context files and diagnostics (info, status, capabilities, usage). */
export function systemService(app: AppContext): SystemImpl {
  return {
    ...rootHandlers(app),
    ...contextFileHandlers(app),
    ...diagnosticHandlers(app),
    listTools: (req) => listTools(app, req),
  };
}

function rootHandlers(
  app: AppContext,
): Pick<SystemImpl, "getRuntimeConfig" | "setProjectRoot" | "setWorkspaceRoot" | "setExecutionMode"> {
  const rt = app.runtime;
  const runtimeConfig = () => ({
    projectRoot: rt.snapshot.projectRoot,
    workspaceRoot: rt.snapshot.workspaceRoot,
    executionMode: rt.snapshot.executionMode,
    activeRoot: rt.activeRoot,
  });
  return {
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
      return {
        status: "success",
        message: `Execution mode set to ${mode}: ${rt.activeRoot}`,
        executionMode: mode,
        activeRoot: rt.activeRoot,
      };
    },
  };
}

function contextFileHandlers(app: AppContext): Pick<SystemImpl, "listContextFiles" | "loadContextFile"> {
  const rt = app.runtime;
  const contextDir = () => join(rt.snapshot.workspaceRoot, "context");
  return {
    async listContextFiles() {
      const dir = contextDir();
      if (!existsSync(dir)) return { files: [] };
      const names = await glob("**/*", { cwd: dir, onlyFiles: true, followSymbolicLinks: false });
      const files = await Promise.all(
        names.sort().map(async (path) => {
          const st = await stat(join(dir, path));
          return { path, size: BigInt(st.size), modifiedAt: st.mtime.toISOString() };
        }),
      );
      return { files };
    },
    async loadContextFile(req) {
      const filePath = requireField(req.filePath, "file_path", "give a path in the active root or the context folder");
      const [file] = readContextFiles([filePath], rt.activeRoot, contextDir(), "file_path", Code.NotFound);
      let conversationId = req.conversationId.trim();
      if (conversationId) {
        if (!(await app.conversations.get(conversationId)))
          throw notFound("conversation", conversationId, "omit conversation_id to use the most recent one");
      } else {
        conversationId =
          (await app.conversations.list(1, ""))[0]?.id ??
          (await app.conversations.create("Context", "default", app.models.current.name)).id;
      }
      await app.conversations.appendMessage(conversationId, {
        role: "system",
        content: `Context file ${file!.path}:\n\n${file!.content}`,
        agentId: "default",
        messageType: "status",
      });
      return { status: "success", filePath, conversationId, chars: BigInt(file!.content.length) };
    },
  };
}

function diagnosticHandlers(
  app: AppContext,
): Pick<SystemImpl, "getTokenUsage" | "getInfo" | "getStatus" | "getCapabilities"> {
  const counts = (t: UsageTotals) => ({ prompt: BigInt(t.prompt), completion: BigInt(t.completion) });
  const asMap = (m: Map<string, UsageTotals>) => Object.fromEntries([...m].map(([k, v]) => [k, counts(v)]));
  return {
    async getTokenUsage(req) {
      const u = await app.usage.breakdown(req.conversationId.trim());
      return {
        total: counts(u.total),
        perConversation: asMap(u.perConversation),
        perAgent: asMap(u.perAgent),
        perModel: asMap(u.perModel),
      };
    },
    async getInfo() {
      const m = app.models.current;
      const [latest] = await app.conversations.list(1, "");
      return {
        penguinVersion: FLOE_VERSION,
        engineAvailable: true,
        checkpointsEnabled: app.config.checkpoints.enabled,
        currentModel: { model: m.name, provider: m.provider, streamingEnabled: true, visionEnabled: m.visionEnabled },
        conversationManager: {
          active: true,
          currentSessionId: latest?.id ?? "",
          totalMessages: BigInt(await app.conversations.totalMessages()),
        },
        // MCP tools count while their server's list is known.
        toolManager: { active: TOOL_COUNT > 0, totalTools: TOOL_COUNT + app.mcp.allTools().length },
        memoryProvider: { initialized: true, providerType: app.database.dialect },
      };
    },
    async getStatus() {
      const total = (await app.usage.breakdown()).total;
      const session = app.usage.session();
      const busy = app.runs.activeConversations().length > 0;
      return {
        status: "active",
        runmodeStatus: busy ? "RunMode active." : "RunMode idle.",
        continuousMode: false,
        streamingActive: busy,
        tokenUsage: {
          total: { input: BigInt(total.prompt), output: BigInt(total.completion) },
          session: { input: BigInt(session.prompt), output: BigInt(session.completion) },
        },
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
          checkpointManagement: true,
          modelSwitching: true,
          fileUpload: true, // POST /api/v1/upload, UploadService
          websocketSupport: true,
          taskExecution: true,
          runMode: false,
          multiModal: m.visionEnabled,
          contextFiles: true,
        },
        currentModel: { model: m.name, provider: m.provider, visionEnabled: m.visionEnabled },
        apiVersion: "v1",
        penguinVersion: FLOE_VERSION,
        visionEnabled: m.visionEnabled,
      };
    },
  };
}
