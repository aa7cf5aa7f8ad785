import { ConfigError } from "./config-error.js";
import { str } from "./config-values.js";
import type { GitHubRule } from "./floe-config.js";

export type { GitHubRule };

export const GITHUB_EVENTS = ["push", "pull_request", "issues", "issue_comment", "pull_request_review", "workflow_run"];

/** Used when the config sets no `github_rules`: each applies once an agent holds the role. */
export const DEFAULT_GITHUB_RULES: GitHubRule[] = [
  { event: "pull_request", action: "opened", role: "code-reviewer", agent: "" },
  { event: "pull_request", action: "synchronize", role: "code-reviewer", agent: "" },
  { event: "pull_request_review", action: "submitted", role: "code-reviewer", agent: "" },
  { event: "issues", action: "opened", role: "triage", agent: "" },
  { event: "issue_comment", action: "created", role: "triage", agent: "" },
  { event: "workflow_run", action: "completed", role: "ci", agent: "" },
  { event: "push", action: "", role: "ci", agent: "" },
];

const KEYS = new Set(["event", "action", "role", "agent"]);

/** `github_rules` from floe.yaml: a list of {event, action?, role | agent}. */
export function parseGitHubRules(value: unknown, source: string): GitHubRule[] {
  if (!Array.isArray(value))
    throw new ConfigError("github_rules", source, "must be a list of {event, action, role | agent}");
  return value.map((item, i) => {
    const at = `github_rules[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new ConfigError(at, source, "must be a mapping");
    const r = item as Record<string, unknown>;
    for (const key of Object.keys(r))
      if (!KEYS.has(key)) throw new ConfigError(`${at}.${key}`, source, `unknown key (known: ${[...KEYS].join(", ")})`);
    const event = r.event === undefined ? "" : str(r.event, source, `${at}.event`);
    if (!GITHUB_EVENTS.includes(event))
      throw new ConfigError(`${at}.event`, source, `must be one of ${GITHUB_EVENTS.join(", ")}`);
    const role = r.role === undefined ? "" : str(r.role, source, `${at}.role`);
    const agent = r.agent === undefined ? "" : str(r.agent, source, `${at}.agent`);
    if (!role === !agent) throw new ConfigError(at, source, "needs exactly one of role or agent");
    const action = r.action === undefined ? "" : str(r.action, source, `${at}.action`);
    return { event, action, role, agent };
  });
}
