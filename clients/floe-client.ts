import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import type { ChatRequest, SendMessageResponse } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { createNodeTransport, type FloeNodeClientOptions } from "./node.js";
import { createFloeServices, type FloeServices } from "./services.js";

export type FloeClientOptions = FloeNodeClientOptions;

/** Every service's typed client, plus the two original chat conveniences. */
export interface FloeClient extends FloeServices {
  /** Sends a message and resolves with the finished run. */
  ask(text: string, options?: Omit<MessageInitShape<typeof ChatRequestSchema>, "text">): Promise<SendMessageResponse>;
  /** Streams a run's events; pass `onToken` to print the answer as it arrives. */
  stream(
    text: string,
    options?: Omit<MessageInitShape<typeof ChatRequestSchema>, "text">,
    onToken?: (token: string) => void,
  ): AsyncGenerator<Event>;
}

/** The first Node client's shape, kept for its users; `createFloeNodeClient` (./node.ts) is the full one. */
export function createFloeClient(o: FloeClientOptions): FloeClient {
  const services = createFloeServices(createNodeTransport(o));
  return {
    ...services,
    ask: (text, options = {}) => services.chat.sendMessage({ chat: { ...options, text } as ChatRequest }),
    async *stream(text, options = {}, onToken) {
      for await (const r of services.chat.streamMessage({ chat: { ...options, text } as ChatRequest })) {
        if (!r.event) continue;
        if (r.event.kind.case === "token") onToken?.(r.event.kind.value.token);
        yield r.event;
      }
    },
  };
}
