import { Code, ConnectError } from "@connectrpc/connect";
import OpenAI from "openai";
import type { Stream } from "openai/core/streaming";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type {
  ModelCall,
  ModelProvider,
  ModelStreamHandlers,
  ModelTurn,
  OpenedTurn,
  ToolCallRequest,
} from "./model-provider.js";
import type { ProviderSettings } from "./provider-settings.js";
import { ThinkSplitter } from "./think-splitter.js";
import { createUpstreamFetch, ON_DISPATCH } from "./upstream-fetch.js";

type ChatCompletionStream = Stream<ChatCompletionChunk>;
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null; reasoning?: string | null };

/**
 * Any OpenAI-compatible endpoint through the official SDK: chat completions,
 * streamed, with usage. Clients are cached per model config.
 */
export class OpenAIProvider implements ModelProvider {
  private readonly clients = new Map<string, OpenAI>();
  private readonly fetch = createUpstreamFetch();

  constructor(
    private readonly config: ProviderSettings,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  private client(model: ModelConfig): OpenAI {
    let c = this.clients.get(model.id);
    if (!c) {
      const apiKey = (model.apiKeyEnv && this.env[model.apiKeyEnv]) || this.config.openai.apiKey || "not-needed";
      const openrouter = model.provider.toLowerCase() === "openrouter";
      const headers: Record<string, string> = {};
      if (openrouter && this.config.openrouter.siteUrl) headers["HTTP-Referer"] = this.config.openrouter.siteUrl;
      if (openrouter && this.config.openrouter.siteTitle) headers["X-Title"] = this.config.openrouter.siteTitle;
      c = new OpenAI({
        apiKey: openrouter && this.config.openrouter.apiKey ? this.config.openrouter.apiKey : apiKey,
        baseURL:
          model.baseUrl || this.config.openai.baseUrl || (openrouter ? this.config.openrouter.baseUrl : undefined),
        maxRetries: this.config.maxRetries,
        timeout: this.config.timeoutMs,
        defaultHeaders: headers,
        fetch: this.fetch,
      });
      this.clients.set(model.id, c);
    }
    return c;
  }

  open(call: ModelCall): OpenedTurn {
    const { model } = call;
    let dispatched!: () => void;
    const sent = new Promise<void>((resolve) => (dispatched = resolve));
    const request = this.client(model).chat.completions.create(
      {
        model: model.name,
        messages: call.messages,
        ...(call.tools.length ? { tools: call.tools } : {}),
        stream: true,
        stream_options: { include_usage: true },
        temperature: model.temperature,
        max_tokens: model.maxOutputTokens || undefined,
      },
      // The SDK spreads fetchOptions into the RequestInit it gives its fetch.
      { signal: call.signal, fetchOptions: { [ON_DISPATCH]: dispatched } as object },
    );
    // A run that fails to start never reads its request; its failure is not an unhandled rejection.
    request.then(dispatched, dispatched);
    return { sent, read: (on) => this.read(request, call, on) };
  }

  private async read(
    request: Promise<ChatCompletionStream>,
    call: ModelCall,
    on: ModelStreamHandlers,
  ): Promise<ModelTurn> {
    const idleMs = this.config.idleTimeoutMs;
    let stalled: ConnectError | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const stream = await request;
      // A stream that goes silent ends within the idle timeout (plus a quarter), not undici's five-minute body
      // timeout. A periodic check of a chunk counter costs nothing per chunk, unlike re-arming a timer.
      const progress = { chunks: 0, seen: 0, at: Date.now() };
      timer = setInterval(
        () => {
          if (progress.chunks !== progress.seen) {
            progress.seen = progress.chunks;
            progress.at = Date.now();
          } else if (Date.now() - progress.at >= idleMs) {
            stalled = new ConnectError(`the model stream stalled: no data for ${idleMs} ms`, Code.DeadlineExceeded);
            stream.controller.abort(stalled);
          }
        },
        Math.max(25, Math.floor(idleMs / 4)),
      );
      timer.unref();
      const turn = await this.stream(stream, on, progress);
      // The SDK ends an aborted stream quietly; a cancelled or stalled run must not look complete.
      if (call.signal.aborted) throw call.signal.reason;
      if (stalled) throw stalled;
      return turn;
    } catch (e) {
      if (call.signal.aborted) throw call.signal.reason;
      if (stalled) throw stalled;
      throw e instanceof ConnectError ? e : upstreamError(e);
    } finally {
      clearInterval(timer);
    }
  }

  private async stream(
    stream: ChatCompletionStream,
    on: ModelStreamHandlers,
    progress: { chunks: number },
  ): Promise<ModelTurn> {
    let content = "";
    let reasoning = "";
    const splitter = new ThinkSplitter(
      (t) => {
        content += t;
        on.onToken(t);
      },
      (t) => {
        reasoning += t;
        on.onReasoning(t);
      },
    );
    const calls: { id: string; name: string; arguments: string }[] = [];
    let usage = { prompt: 0, completion: 0 };
    let finishReason = "";
    for await (const chunk of stream) {
      progress.chunks++;
      if (chunk.usage)
        usage = { prompt: chunk.usage.prompt_tokens ?? 0, completion: chunk.usage.completion_tokens ?? 0 };
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = (choice.delta ?? {}) as Delta;
      const r = delta.reasoning_content ?? delta.reasoning;
      if (r) {
        reasoning += r;
        on.onReasoning(r);
      }
      if (delta.content) splitter.push(delta.content);
      for (const tc of delta.tool_calls ?? []) {
        calls[tc.index] ??= { id: "", name: "", arguments: "" };
        const slot = calls[tc.index]!;
        if (tc.id) slot.id = tc.id;
        if (tc.function?.name) slot.name += tc.function.name;
        if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
    splitter.end();
    // Every OpenAI-compatible stream ends its choice with a finish reason; without one, the answer is not whole.
    if (!finishReason) {
      throw new ConnectError(
        `the model stream ended without a finish reason after ${progress.chunks} chunk(s): ` +
          "the endpoint did not answer in OpenAI's streaming format, or cut the answer short",
        Code.Unavailable,
      );
    }
    const toolCalls: ToolCallRequest[] = calls
      .filter(Boolean)
      .map((c, i) => ({ id: c.id || `call_${i}`, name: c.name, arguments: c.arguments }));
    return { content, reasoning, toolCalls, usage, finishReason };
  }
}

/**
 * Names what failed upstream, after the SDK's retries, as a ConnectError:
 * the run then ends with an error event, never with the failure as an answer.
 */
export function upstreamError(e: unknown): ConnectError {
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new ConnectError("model request timed out: the upstream did not answer in time", Code.DeadlineExceeded);
  if (e instanceof OpenAI.APIConnectionError)
    return new ConnectError(`could not reach the model endpoint: ${e.message}`, Code.Unavailable);
  if (e instanceof OpenAI.APIError && typeof e.status === "number") {
    // The caller's request was fine: what failed is Floe's call upstream. A 401 passed on as Unauthenticated
    // would tell a client its own key was wrong, so the model endpoint's refusals say so instead.
    const code =
      e.status === 429
        ? Code.ResourceExhausted
        : e.status >= 500 || e.status === 401 || e.status === 403
          ? Code.Unavailable
          : Code.FailedPrecondition;
    const hint =
      e.status === 401 || e.status === 403
        ? " (the model endpoint refused Floe's credentials: check the model's api_key_env)"
        : e.status === 404
          ? " (check the model's name and base_url)"
          : "";
    return new ConnectError(`model request failed with HTTP ${e.status}: ${e.message}${hint}`, code);
  }
  if (e instanceof SyntaxError)
    return new ConnectError(`the model endpoint sent a malformed stream chunk: ${e.message}`, Code.DataLoss);
  return new ConnectError(`model stream failed: ${e instanceof Error ? e.message : String(e)}`, Code.Unavailable);
}
