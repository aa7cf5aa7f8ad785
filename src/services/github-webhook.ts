import type { GitHubRule } from "../config/github-rules.js";

/** A webhook payload: GitHub's shapes are read field by field, each one optional. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Payload = Record<string, any>;

/** The rules that take an event: its name, and its action when the rule names one. */
export function matchingRules(rules: readonly GitHubRule[], event: string, action: string): GitHubRule[] {
  return rules.filter((r) => r.event === event && (!r.action || r.action === action));
}

/** What an agent is told about an event: the essentials, in a few lines. */
export function describeEvent(event: string, p: Payload): string {
  const repo = p.repository?.full_name ?? "a repository";
  const by = p.sender?.login ? ` by ${p.sender.login}` : "";
  switch (event) {
    case "pull_request":
      return `GitHub: pull request #${p.pull_request?.number} "${p.pull_request?.title ?? ""}" ${p.action} in ${repo}${by}.\n${p.pull_request?.html_url ?? ""}\n\n${p.pull_request?.body ?? ""}`;
    case "pull_request_review":
      return `GitHub: review ${p.review?.state ?? ""} on pull request #${p.pull_request?.number} in ${repo}${by}.\n\n${p.review?.body ?? ""}`;
    case "issues":
      return `GitHub: issue #${p.issue?.number} "${p.issue?.title ?? ""}" ${p.action} in ${repo}${by}.\n${p.issue?.html_url ?? ""}\n\n${p.issue?.body ?? ""}`;
    case "issue_comment":
      return `GitHub: comment on #${p.issue?.number} "${p.issue?.title ?? ""}" in ${repo}${by}.\n\n${p.comment?.body ?? ""}`;
    case "workflow_run":
      return `GitHub: workflow "${p.workflow_run?.name ?? ""}" ${p.action} with conclusion ${p.workflow_run?.conclusion ?? "none"} in ${repo}.\n${p.workflow_run?.html_url ?? ""}`;
    case "push":
      return `GitHub: ${p.commits?.length ?? 0} commit(s) pushed to ${p.ref ?? ""} in ${repo}${by}.\n${(p.commits ?? []).map((c: Payload) => `- ${c.message}`).join("\n")}`;
    default:
      return `GitHub: ${event} in ${repo}${by}.`;
  }
}
