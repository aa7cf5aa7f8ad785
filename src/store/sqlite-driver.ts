import { createRequire } from "node:module";
import type SQLite from "better-sqlite3";

const require = createRequire(import.meta.url);

/** The better-sqlite3 build Floe opens SQLite files with, and why. */
export interface SqliteDriver {
  Database: typeof SQLite;
  /** `better-sqlite3@13` or `better-sqlite3@12`. */
  name: string;
}

/**
 * better-sqlite3 13 (Node-API, prebuilt) on Node 22 and later, 12 on Node 20,
 * which 13 does not support. 12 wraps databases and statements in
 * node::ObjectWrap, and from Node 24.19 on, collecting such an object outside
 * a JavaScript context (an idle-time GC) aborts the process. If 13 cannot be
 * loaded (a platform without its prebuilt binary), 12 serves instead.
 */
export function loadSqliteDriver(nodeVersion = process.versions.node): SqliteDriver {
  if (Number(nodeVersion.split(".")[0]) >= 22) {
    try {
      return { Database: require("better-sqlite3-napi") as typeof SQLite, name: "better-sqlite3@13" };
    } catch {
      // No prebuilt binary for this platform: fall through to 12.
    }
  }
  return { Database: require("better-sqlite3") as typeof SQLite, name: "better-sqlite3@12" };
}
