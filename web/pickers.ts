import type { Agent } from "../gen/floe/v1/agent_pb.js";
import type { ModelEntry } from "../gen/floe/v1/model_pb.js";
import { h } from "./dom.js";

/** The agent select: every registered agent, `default` first chosen. */
export function showAgents(select: HTMLSelectElement, agents: Agent[]): void {
  const previous = select.value || "default";
  select.replaceChildren(
    ...agents.map((a) => h("option", { value: a.id }, a.persona ? `${a.id} (${a.persona})` : a.id)),
  );
  chooseOption(select, previous);
}

/** The model select: the server's current model (no override), then every configured model by id. */
export function showModels(select: HTMLSelectElement, models: ModelEntry[]): void {
  const current = models.find((m) => m.current)?.config;
  const label = current ? `Server default (${current.id})` : "Server default";
  select.replaceChildren(
    h("option", { value: "" }, label),
    ...models.flatMap((m) => (m.config ? [h("option", { value: m.config.id }, m.config.id)] : [])),
  );
}

/** Selects `value`, adding it when the list lacks it (a conversation of an agent since deleted). */
export function chooseOption(select: HTMLSelectElement, value: string): void {
  if (![...select.options].some((o) => o.value === value)) select.append(h("option", { value }, value));
  select.value = value;
}
