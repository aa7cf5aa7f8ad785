import { realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import picomatch from "picomatch";
import type { PermissionMode, PermissionRule, PermissionSettings } from "../domain/permissions.js";
import { destructiveCommand } from "./command-risk.js";
import type { PermissionDecision, PermissionRequest } from "./permission-gate.js";

type Decision = PermissionDecision & { reason: string; policy: string };

// An MCP tool (`mcp.<server>.<tool>`) may change anything its server can: read-only mode refuses it unless a rule allows.
const CHANGES = /^(filesystem\.(write|delete)|process\.|network\.|git\.|mcp\.)/;
const FILE_CHANGE = /^filesystem\.(write|delete)$/;
const SYSTEM_PATHS = [
  "/etc",
  "/usr",
  "/bin",
  "/sbin",
  "/lib",
  "/lib64",
  "/boot",
  "/proc",
  "/sys",
  "/dev",
  "/var/lib",
  "/root/.ssh",
];
const SENSITIVE = picomatch(
  [
    "**/.env*",
    "**/*.pem",
    "**/*.key",
    "**/*.p12",
    "**/*.pfx",
    "**/id_rsa*",
    "**/id_ed25519*",
    "**/id_ecdsa*",
    "**/.git/**",
    "**/.git-credentials",
    "**/.ssh/**",
    "**/.aws/**",
    "**/.docker/config.json",
    "**/.npmrc",
    "**/.pypirc",
    "**/.netrc",
    "**/floe.yaml",
    "**/pawan.toml",
    "**/floe.db*",
  ],
  { dot: true },
);

/**
 * Floe's config files, by name. The sandbox hides them when they exist, but a
 * command could create one that Floe then reads at its next start.
 */
const OWN_FILES = /\b(floe\.ya?ml|pawan\.toml)\b/i;

/** A path with its symlinks resolved, as far as it exists: what a write would really change. */
function realTarget(abs: string): string {
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail.reverse());
    } catch {
      const parent = dirname(head);
      if (parent === head) return abs;
      tail.push(basename(head));
      head = parent;
    }
  }
}

/**
 * Decides every tool call: config rules first, then the execution mode,
 * system paths, sensitive files, the workspace boundary and destructive
 * commands (parsed, not matched as text). Each decision names its policy.
 */
export class PermissionEngine {
  private readonly rules: { rule: PermissionRule; op: (s: string) => boolean; res: (s: string) => boolean }[];

  constructor(private readonly s: PermissionSettings) {
    this.rules = s.rules.map((rule) => ({
      rule,
      op: picomatch(rule.operation),
      res: rule.pattern ? picomatch(rule.pattern, { dot: true, bash: true }) : () => true,
    }));
  }

  decide(req: PermissionRequest & { root: string }): Decision {
    const rule = this.rules.find(
      (r) => (!r.rule.agent || r.rule.agent === req.agentId) && r.op(req.operation) && r.res(req.resource),
    );
    if (rule)
      return {
        result: rule.rule.result,
        reason: rule.rule.reason || `config rule for ${rule.rule.operation}`,
        policy: "config-rule",
      } as Decision;
    const mode = this.s.agentModes[req.agentId] ?? this.s.mode;
    if (mode === "read-only" && CHANGES.test(req.operation))
      return { result: "deny", reason: `read-only mode: ${req.operation} is not allowed`, policy: "execution-mode" };
    if (req.operation.startsWith("filesystem.")) {
      const decided = this.file(req, mode);
      if (decided) return decided;
    }
    if (req.toolName === "execute_command" || req.operation === "process.execute") {
      // Floe reads these at its next start (models, base URLs, keys): a command that names them waits for a human.
      const own = OWN_FILES.exec(req.resource);
      if (own)
        return {
          result: "ask",
          reason: `The command names ${own[0]}, Floe's own configuration: it requires approval`,
          policy: "sensitive-files",
        };
      const why = destructiveCommand(req.resource);
      if (why)
        return {
          result: "ask",
          reason: `Destructive command requires approval: ${why}`,
          policy: "destructive-commands",
        };
    }
    if (req.operation.startsWith("network.") && mode !== "full")
      return { result: "ask", reason: "network access requires approval outside full mode", policy: "execution-mode" };
    return {
      result: "allow",
      reason: "Within workspace boundary",
      policy: "workspace-boundary",
      ...(mode === "full" ? { network: true } : {}),
    };
  }

  private file(req: PermissionRequest & { root: string }, mode: PermissionMode): Decision | undefined {
    const literal = isAbsolute(req.resource) ? resolve(req.resource) : resolve(req.root, req.resource);
    // Judged as written and as it resolves: a symlink must not carry a write past a policy.
    const real = realTarget(literal);
    const within = (p: string, root: string) => {
      const rel = relative(root, p);
      return !rel.startsWith("..") && !isAbsolute(rel);
    };
    const inside = within(literal, req.root) && within(real, realTarget(req.root));
    const abs = literal;
    if (FILE_CHANGE.test(req.operation)) {
      for (const p of new Set([literal, real])) {
        if (SYSTEM_PATHS.some((s) => p === s || p.startsWith(`${s}/`)))
          return { result: "deny", reason: `${p} is a system path`, policy: "system-paths" };
        if (SENSITIVE(p))
          return {
            result: "deny",
            reason: `${p} is a sensitive file: it can be read, not changed`,
            policy: "sensitive-files",
          };
      }
    }
    if (!inside && mode !== "full")
      return {
        result: "deny",
        reason: `${abs} is outside the workspace root (${req.root})`,
        policy: "workspace-boundary",
      };
    return undefined;
  }
}
