import { createParser, type EventSourceMessage } from "eventsource-parser";

/** POSTs to an SSE route and parses the stream with eventsource-parser; also returns comment lines. */
export async function postSse(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  stopAfter?: (e: EventSourceMessage) => boolean,
) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const events: EventSourceMessage[] = [];
  const comments: string[] = [];
  if (!res.headers.get("content-type")?.startsWith("text/event-stream"))
    return { res, events, comments, text: await res.text() };
  const parser = createParser({ onEvent: (e) => events.push(e), onComment: (c) => comments.push(c) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(decoder.decode(value, { stream: true }));
    if (stopAfter && events.some(stopAfter)) {
      await reader.cancel();
      break;
    }
  }
  return { res, events, comments, text: "" };
}
