import http from "node:http";
import type { AddressInfo } from "node:net";

/** One step of a scripted reply: a chunk, a pause, raw bytes, or a dropped connection. */
export type Step =
  | { chunk: Record<string, unknown> }
  | { delayMs: number }
  | { raw: string }
  | { disconnect: true }
  /** Holds the reply until the test lets it go on. */
  | { until: Promise<unknown> };

/** A scripted reply: HTTP status and headers, then steps (streamed as SSE). */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  /** For non-2xx replies: the JSON error body. */
  errorBody?: unknown;
  steps: Step[];
  /** Leave out the closing `data: [DONE]` (a body that is not an event stream). */
  noDone?: boolean;
}

const base = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "chatcmpl-fake",
  object: "chat.completion.chunk",
  created: 1,
  model: "fake-model",
  choices: [{ index: 0, delta, finish_reason: finish }],
});

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Builders for common replies. */
export const reply = {
  /** Streams `text` in chunks of `chunkSize` characters, then usage. */
  text(
    text: string,
    opts: {
      chunkSize?: number;
      usage?: [number, number];
      delayMs?: number;
      reasoning?: string;
      reasoningField?: "reasoning_content" | "reasoning";
    } = {},
  ): Reply {
    const steps: Step[] = [{ chunk: base({ role: "assistant", content: "" }) }];
    if (opts.reasoning)
      for (const r of split(opts.reasoning, opts.chunkSize ?? 4))
        steps.push({ chunk: base({ [opts.reasoningField ?? "reasoning_content"]: r }) });
    for (const piece of split(text, opts.chunkSize ?? 4)) {
      if (opts.delayMs) steps.push({ delayMs: opts.delayMs });
      steps.push({ chunk: base({ content: piece }) });
    }
    steps.push({ chunk: base({}, "stop") });
    const [p, c] = opts.usage ?? [11, 7];
    steps.push({
      chunk: { ...base({}), choices: [], usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } },
    });
    return { steps };
  },
  /** One or more tool calls, with arguments split across chunks. */
  toolCalls(calls: { name: string; args: unknown; id?: string }[], usage: [number, number] = [13, 5]): Reply {
    const steps: Step[] = [{ chunk: base({ role: "assistant", content: null }) }];
    calls.forEach((c, index) => {
      const args = JSON.stringify(c.args);
      steps.push({
        chunk: base({
          tool_calls: [
            {
              index,
              id: c.id ?? `call_${index}_${c.name}`,
              type: "function",
              function: { name: c.name, arguments: "" },
            },
          ],
        }),
      });
      for (const part of split(args, 5))
        steps.push({ chunk: base({ tool_calls: [{ index, function: { arguments: part } }] }) });
    });
    steps.push({ chunk: base({}, "tool_calls") });
    steps.push({
      chunk: {
        ...base({}),
        choices: [],
        usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] },
      },
    });
    return { steps };
  },
  httpError(status: number, message = "upstream failure", headers: Record<string, string> = {}): Reply {
    return { status, headers, errorBody: { error: { message, type: "server_error", code: status } }, steps: [] };
  },
  /** Starts streaming, then drops the connection. */
  /** Closes the connection before answering: the client sees a connection error. */
  dropConnection(): Reply {
    return { steps: [{ disconnect: true }] };
  },
  disconnectMidStream(text = "partial"): Reply {
    return {
      steps: [
        { chunk: base({ role: "assistant", content: "" }) },
        { chunk: base({ content: text }) },
        { delayMs: 20 },
        { disconnect: true },
      ],
    };
  },
  /** Sends a chunk that is not JSON. */
  malformed(): Reply {
    return {
      steps: [
        { chunk: base({ content: "ok so far" }) },
        { raw: "data: {this is not json\n\n" },
        { chunk: base({}, "stop") },
      ],
    };
  },
  /** Streams `tokens`, then goes silent for `ms` before finishing. */
  stall(tokens: string[], ms: number): Reply {
    const steps: Step[] = [{ chunk: base({ role: "assistant", content: "" }) }];
    for (const t of tokens) steps.push({ chunk: base({ content: t }) });
    steps.push({ delayMs: ms }, { chunk: base({}, "stop") });
    return { steps };
  },
  /** Answers 200 with a body that is not an event stream. */
  notEventStream(body = "<html><body>Welcome to the proxy</body></html>"): Reply {
    return { headers: { "content-type": "text/html" }, steps: [{ raw: body }], noDone: true };
  },
  /** Never answers within `ms` (for timeouts). */
  hang(ms: number): Reply {
    return { steps: [{ delayMs: ms }, { chunk: base({ content: "too late" }) }, { chunk: base({}, "stop") }] };
  },
};

export interface FakeOpenAI {
  /** Base URL including `/v1`, as the openai SDK expects. */
  url: string;
  /** Bodies of every /v1/chat/completions request received, in order. */
  requests: Record<string, any>[];
  /** Headers of every /v1/chat/completions request. */
  requestHeaders: http.IncomingHttpHeaders[];
  /** Queues replies; when the queue is empty the fake asks the responder, else answers `text("ok")`. */
  enqueue(...replies: Reply[]): void;
  /**
   * Answers requests the queue does not: a function of the request body (its
   * `model`, its `messages`), for concurrent runs whose order is not fixed.
   * Returning undefined falls back to `text("ok")`.
   */
  respond(responder: ((body: Record<string, any>) => Reply | undefined) | undefined): void;
  /** Number of requests whose connection is still open. */
  open(): number;
  close(): Promise<void>;
}

/** An OpenAI-compatible server on loopback: /v1/chat/completions (stream or not) and /v1/models. */
export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: Reply[] = [];
  const requests: Record<string, any>[] = [];
  const requestHeaders: http.IncomingHttpHeaders[] = [];
  let open = 0;
  let responder: ((body: Record<string, any>) => Reply | undefined) | undefined;
  const server = http.createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      // OpenAI's list shape with the fields OpenRouter's catalogue adds.
      res.end(
        JSON.stringify({
          object: "list",
          data: [
            {
              id: "fake/model-a",
              object: "model",
              created: 1,
              owned_by: "fake",
              name: "Fake A",
              context_length: 200000,
              top_provider: { max_completion_tokens: 4096 },
              pricing: { prompt: "0.000015", completion: "0.000075" },
            },
            {
              id: "fake/model-b",
              object: "model",
              created: 1,
              owned_by: "fake",
              name: "Fake B",
              context_length: 128000,
              top_provider: { max_completion_tokens: null },
              pricing: { prompt: "0.00001", completion: "0.00003" },
            },
          ],
        }),
      );
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    let body = "";
    for await (const c of req) body += c;
    const parsed = JSON.parse(body) as Record<string, any>;
    requests.push(parsed);
    requestHeaders.push(req.headers);
    const r = queue.shift() ?? responder?.(parsed) ?? reply.text("ok");
    open++;
    res.once("close", () => open--);
    if (r.status && r.status >= 300) {
      res.writeHead(r.status, { "content-type": "application/json", ...r.headers });
      res.end(JSON.stringify(r.errorBody ?? {}));
      return;
    }
    if (parsed.stream) {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", ...r.headers });
      for (const step of r.steps) {
        if (res.destroyed) return;
        if ("delayMs" in step) await new Promise((f) => setTimeout(f, step.delayMs));
        else if ("until" in step) await step.until;
        else if ("raw" in step) res.write(step.raw);
        else if ("disconnect" in step) {
          res.socket?.destroy();
          return;
        } else res.write(`data: ${JSON.stringify(step.chunk)}\n\n`);
      }
      res.end(r.noDone ? undefined : "data: [DONE]\n\n");
      return;
    }
    // Non-streaming: fold the chunks into one completion.
    let content = "";
    for (const step of r.steps) {
      if ("delayMs" in step) await new Promise((f) => setTimeout(f, step.delayMs));
      if ("until" in step) await step.until;
      if ("chunk" in step) {
        const d = (step.chunk as any).choices?.[0]?.delta;
        if (d?.content) content += d.content;
      }
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: 1,
        model: "fake-model",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
      }),
    );
  });
  await new Promise<void>((f) => server.listen(0, "127.0.0.1", f));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    requestHeaders,
    enqueue: (...r) => void queue.push(...r),
    respond: (fn) => void (responder = fn),
    open: () => open,
    close: () =>
      new Promise<void>((f) => {
        server.closeAllConnections();
        server.close(() => f());
      }),
  };
}
