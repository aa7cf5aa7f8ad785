import type { Readable } from "node:stream";
import { Agent, request } from "undici";

type Fetch = typeof globalThis.fetch;

/**
 * A `RequestInit` key whose function is called once the request is handed to
 * its connection (pass it through the SDK's per-request `fetchOptions`).
 * undici writes to a reused keep-alive socket in the next check phase, so a
 * `setImmediate` scheduled after this call runs just after the request left.
 */
export const ON_DISPATCH = Symbol("floe.onDispatch");

type DispatchAware = RequestInit & { [ON_DISPATCH]?: () => void };

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * The `fetch` Floe gives the openai SDK: undici's dispatcher API under a
 * fetch-shaped function. The SDK still builds every request, retries and
 * parses the stream; only the transport changes. Node's global fetch spends
 * about 0.3–0.4 ms of CPU per request in WHATWG request and signal plumbing
 * before the first byte leaves, and every run pays that on its way to the
 * first token. Requests this fast path cannot express (a `Request` object, a
 * streamed or form body) take the global fetch.
 */
export function createUpstreamFetch(dispatcher: Agent = new Agent()): Fetch {
  return async (input, init) => {
    const body = init?.body;
    const plainBody = body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array;
    const onDispatch = (init as DispatchAware | undefined)?.[ON_DISPATCH];
    if (input instanceof Request || !plainBody) {
      const response = globalThis.fetch(input, init);
      onDispatch?.();
      return response;
    }
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const method = init?.method ?? "GET";
    const pending = request(typeof input === "string" ? input : input.href, {
      method: method as "GET",
      headers,
      body: body ?? undefined,
      signal: init?.signal ?? undefined,
      dispatcher,
    });
    onDispatch?.();
    const res = await pending;
    const responseHeaders = new Headers();
    for (const [k, v] of Object.entries(res.headers)) {
      if (Array.isArray(v)) for (const x of v) responseHeaders.append(k, x);
      else if (v !== undefined) responseHeaders.append(k, v);
    }
    if (NULL_BODY_STATUS.has(res.statusCode) || method === "HEAD") {
      await res.body.dump();
      return new Response(null, { status: res.statusCode, headers: responseHeaders });
    }
    return new Response(webStream(res.body), { status: res.statusCode, headers: responseHeaders });
  };
}

/**
 * A web stream over a node stream: data is pushed as it arrives and the node
 * stream pauses until the web side reads again. Nothing is enqueued once
 * the web side cancelled or the stream ended: Node 20's `Readable.toWeb` does,
 * and throws an uncaught ERR_INVALID_STATE when the SDK drops a response to
 * retry.
 */
function webStream(body: Readable): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        body.on("data", (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) body.pause();
        });
        body.once("end", () => {
          if (done) return;
          done = true;
          controller.close();
        });
        // Also keeps an unread body's abort from becoming an uncaught error.
        body.on("error", (e) => {
          if (done) return;
          done = true;
          controller.error(e);
        });
      },
      pull() {
        body.resume();
      },
      cancel() {
        done = true;
        body.destroy();
      },
    },
    // No queue beyond the node stream's own buffer: with a deeper one the first
    // token reached clients about 1 ms later (bench/README.md).
    { highWaterMark: 0 },
  );
}
