/**
 * Floe's layering, checked in CI (`npm run lint:arch`). Arrows point down:
 *
 *   entry (cli, index) -> assembly (src/server/*.ts)
 *     -> surfaces (src/compat, src/server/fast-path)
 *     -> services -> agent / security / events -> store -> config -> domain
 *
 * A layer may use any layer below it, never one above. gen/ (generated from
 * proto/) is usable everywhere. docs/architecture.md explains the layers.
 */
const layers = {
  entry: "^src/(cli|index)\\.ts$",
  assembly: "^src/server/[^/]+\\.ts$",
  surfaces: "^src/(compat|server/fast-path)/",
  services: "^src/services/",
  domain: "^src/(agent|security|events)/",
  store: "^src/store/",
  config: "^src/config/",
  base: "^src/(domain/|version\\.ts$)",
};
const above = (...names) => names.map((n) => layers[n]);

/** A rule forbidding `from` to depend on any of `to`. */
const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: "error",
  from: { path: from },
  to: { path: to },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A cycle ties modules together so that neither can change or be understood alone.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    forbid(
      "src-not-to-tests",
      "Nothing under src/ imports a test, a test helper or a benchmark.",
      "^src/",
      "^(test|bench)/",
    ),
    forbid(
      "web-through-the-client",
      "The browser UI reaches the server only through the contract: the clients and gen/, never src/.",
      "^web/",
      "^(src|test|bench)/",
    ),
    forbid("gen-is-generated", "Generated code depends on nothing of Floe's.", "^gen/", "^(src|clients|test|bench)/"),
    forbid("assembly-not-up", "The assembly is below the entry points.", layers.assembly, above("entry")),
    forbid(
      "surfaces-not-up",
      "Surfaces translate; they do not reach into assembly.",
      layers.surfaces,
      above("entry", "assembly"),
    ),
    forbid(
      "fast-path-not-to-compat",
      "The Connect/gRPC fast path stands alone; compat builds on it.",
      "^src/server/fast-path/",
      "^src/compat/",
    ),
    forbid(
      "services-not-up",
      "Services hold an RPC's rules and know no surface.",
      layers.services,
      above("entry", "assembly", "surfaces"),
    ),
    forbid(
      "domain-not-up",
      "agent, security and events know no service or surface.",
      layers.domain,
      above("entry", "assembly", "surfaces", "services"),
    ),
    forbid(
      "events-not-to-agent",
      "The event log is below the engine that writes to it.",
      "^src/events/",
      "^src/agent/",
    ),
    forbid(
      "security-not-to-agent",
      "Guards and the permission gate are below the engine that asks them.",
      "^src/security/",
      "^src/(agent|events)/",
    ),
    forbid(
      "store-not-up",
      "Storage knows no domain, service or surface.",
      layers.store,
      above("entry", "assembly", "surfaces", "services", "domain"),
    ),
    forbid(
      "config-at-the-bottom",
      "Config reads files and environment; it imports only domain types.",
      layers.config,
      above("entry", "assembly", "surfaces", "services", "domain", "store"),
    ),
    forbid(
      "base-imports-nothing",
      "Domain types and the version import nothing of Floe's but generated code.",
      layers.base,
      "^src/(?!domain/)",
    ),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
    reporterOptions: {
      dot: { collapsePattern: "^(src/server/fast-path|src/[^/]+|gen)/" },
      archi: { collapsePattern: "^(src/server/fast-path|src/[^/]+|gen)/" },
    },
  },
};
