export { startServer, type FloeServer, type StartOptions } from "./server/start-server.js";
export { loadConfig } from "./config/load-config.js";
export { ConfigError } from "./config/config-error.js";
export type { FloeConfig, ConfigFlags, ExecutionMode } from "./config/floe-config.js";
export { FLOE_VERSION } from "./version.js";
