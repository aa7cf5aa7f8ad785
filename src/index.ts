export { ConfigError } from "./config/config-error.js";
export type { ConfigFlags, ExecutionMode, FloeConfig } from "./config/floe-config.js";
export { loadConfig } from "./config/load-config.js";
export { type FloeServer, type StartOptions, startServer } from "./server/start-server.js";
export { FLOE_VERSION } from "./version.js";
