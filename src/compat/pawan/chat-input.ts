import type { MessageInitShape } from "@bufbuild/protobuf";
import type { FastifyRequest } from "fastify";
import type { ChatRequestSchema } from "../../../gen/floe/v1/chat_pb.js";
import { bodyObject, optionalString } from "../request-json.js";

/** Pawan's chat body (`message`, `session_id`, `model`) as a ChatRequest; ChatService checks the rules. */
export function pawanChatInput(req: FastifyRequest): MessageInitShape<typeof ChatRequestSchema> {
  const body = bodyObject(req);
  const sessionId = optionalString(body, "session_id").trim();
  return {
    text: optionalString(body, "message"),
    conversationId: sessionId,
    // Pawan's sessions start on first use.
    createConversation: sessionId !== "",
    model: optionalString(body, "model"),
  };
}
