import { setTimeout as sleep } from "node:timers/promises";
import type { ModelCall, ModelProvider, ModelStreamHandlers, ModelTurn, OpenedTurn } from "./model-provider.js";

/**
 * The built-in `offline` model: no network, no weights. It exists so that a new
 * user sees the whole flow (reasoning, streaming, one tool call, completion)
 * before configuring a real model. It lists the workspace with `list_files`
 * when that tool is offered, then answers with what it found.
 */
export class OfflineProvider implements ModelProvider {
  open(call: ModelCall): OpenedTurn {
    return { sent: Promise.resolve(), read: (on) => this.complete(call, on) };
  }

  private async complete(call: ModelCall, on: ModelStreamHandlers): Promise<ModelTurn> {
    const last = call.messages[call.messages.length - 1];
    const canList = call.tools.some((t) => t.type === "function" && t.function.name === "list_files");
    const stream = async (text: string, sink: (t: string) => void) => {
      for (const word of text.match(/\S+\s*/g) ?? []) {
        if (call.signal.aborted) throw call.signal.reason;
        sink(word);
        await sleep(5);
      }
    };
    if (last?.role === "tool") {
      const listing = String(last.content ?? "")
        .split("\n")
        .filter(Boolean);
      const n = listing.length;
      const shown = n ? ` (${listing.slice(0, 5).join(", ")}${n > 5 ? ", …" : ""})` : "";
      const answer =
        "This is Floe's offline model: no model is configured, so I cannot think for real. " +
        `I did call a tool, though: the workspace root holds ${n} entr${n === 1 ? "y" : "ies"}${shown}. ` +
        "Configure a model in floe.yaml or set OPENAI_API_KEY to get real answers.";
      await stream(answer, on.onToken);
      return {
        content: answer,
        reasoning: "",
        toolCalls: [],
        usage: { prompt: 0, completion: 0 },
        finishReason: "stop",
      };
    }
    const reasoning = "No model is configured, so the offline model shows the flow: first a tool call, then an answer.";
    await stream(reasoning, on.onReasoning);
    if (canList) {
      return {
        content: "",
        reasoning,
        toolCalls: [{ id: "offline_call_1", name: "list_files", arguments: '{"path":"."}' }],
        usage: { prompt: 0, completion: 0 },
        finishReason: "tool_calls",
      };
    }
    const answer =
      "This is Floe's offline model. Configure a model in floe.yaml or set OPENAI_API_KEY to get real answers.";
    await stream(answer, on.onToken);
    return { content: answer, reasoning, toolCalls: [], usage: { prompt: 0, completion: 0 }, finishReason: "stop" };
  }
}
