import { unwatchFile, watchFile } from "node:fs";
import type { McpManager } from "../agent/mcp/mcp-manager.js";
import { ConfigError } from "../config/config-error.js";
import { configLocation, loadConfig } from "../config/load-config.js";
import type { McpSettings } from "../domain/mcp-server.js";
import type { Logger } from "../domain/logger.js";
import type { ConfigFlags, FloeConfig } from "../config/floe-config.js";

/** How often the config file's modification time is checked (polling survives editors that replace the file). */
const POLL_MS = 500;

/**
 * Applies a changed config file's MCP servers without a restart: the file is
 * read again and the manager reconciled. A file that no longer parses is
 * reported in the log and changes nothing. Returns the function that stops.
 */
export function watchMcpConfig(
  options: ConfigFlags & { overrides?: Partial<FloeConfig> },
  env: NodeJS.ProcessEnv,
  mcp: McpManager,
  log: Logger,
): () => void {
  const path = configLocation(options, env).configFile;
  const read = (): McpSettings => ({ ...loadConfig(options, env), ...options.overrides }).mcp;
  let applying = Promise.resolve();
  const onChange = (curr: { mtimeMs: number }, prev: { mtimeMs: number }) => {
    if (curr.mtimeMs === prev.mtimeMs) return;
    applying = applying.then(async () => {
      try {
        const { started, stopped } = await mcp.reconfigure(read());
        if (started.length + stopped.length > 0)
          log.info({ started, stopped, config: path }, "applied the config file's MCP servers");
      } catch (err) {
        const why = err instanceof ConfigError ? err.message : String(err);
        log.error({ config: path, err: why }, "the changed config file was not applied; the MCP servers are unchanged");
      }
    });
  };
  watchFile(path, { interval: POLL_MS, persistent: false }, onChange);
  return () => unwatchFile(path, onChange);
}
