import type { MessageInitShape } from "@bufbuild/protobuf";
import { type Client, createClient, type Interceptor, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import type { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import { type ChatRequest, ChatService, type SendMessageResponse } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { HealthService } from "../gen/floe/v1/health_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import { SystemService } from "../gen/floe/v1/system_pb.js";

export interface FloeClientOptions {
  /** For example `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when the server has API keys. */
  apiKey?: string;
  /** `connect` (default) or `grpc` (always HTTP/2). */
  protocol?: "connect" | "grpc";
  /** HTTP version of the Connect protocol: `2` (default, cleartext prior knowledge) or `1.1`. */
  httpVersion?: "1.1" | "2";
}

export interface FloeClient {
  chat: Client<typeof ChatService>;
  conversations: Client<typeof ConversationService>;
  models: Client<typeof ModelService>;
  system: Client<typeof SystemService>;
  health: Client<typeof HealthService>;
  /** Sends a message and resolves with the finished run. */
  ask(text: string, options?: Omit<MessageInitShape<typeof ChatRequestSchema>, "text">): Promise<SendMessageResponse>;
  /** Streams a run's events; pass `onToken` to print the answer as it arrives. */
  stream(
    text: string,
    options?: Omit<MessageInitShape<typeof ChatRequestSchema>, "text">,
    onToken?: (token: string) => void,
  ): AsyncGenerator<Event>;
}

/** Typed Node clients for Floe's services, plus two conveniences for chat. */
export function createFloeClient(o: FloeClientOptions): FloeClient {
  const auth: Interceptor = (next) => (req) => {
    if (o.apiKey) req.header.set("authorization", `Bearer ${o.apiKey}`);
    return next(req);
  };
  const transport: Transport =
    o.protocol === "grpc"
      ? createGrpcTransport({ baseUrl: o.baseUrl, interceptors: [auth] })
      : createConnectTransport({
          baseUrl: o.baseUrl,
          httpVersion: o.httpVersion ?? "2",
          useBinaryFormat: true,
          interceptors: [auth],
        });
  const chat = createClient(ChatService, transport);
  return {
    chat,
    conversations: createClient(ConversationService, transport),
    models: createClient(ModelService, transport),
    system: createClient(SystemService, transport),
    health: createClient(HealthService, transport),
    ask: (text, options = {}) => chat.sendMessage({ chat: { ...options, text } as ChatRequest }),
    async *stream(text, options = {}, onToken) {
      for await (const r of chat.streamMessage({ chat: { ...options, text } as ChatRequest })) {
        if (!r.event) continue;
        if (r.event.kind.case === "token") onToken?.(r.event.kind.value.token);
        yield r.event;
      }
    },
  };
}
