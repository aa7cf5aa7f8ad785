import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { ConversationService } from "../../gen/floe/v1/conversation_pb.js";
import type { AppContext } from "./app-context.js";
import { invalidValue } from "./request-errors.js";
import { limitField, notFound, requireField, validConversationId } from "./require.js";

/** At most this many conversations per list; 0 lists up to it, as the legacy surfaces' "list all" does. */
const MAX_LIST = 1000;
const LIST_HINT = "list conversations with ConversationService.ListConversations";
/** Longest display name a rename accepts: a name is a label in a list, not a document. */
const MAX_NAME = 200;

export function conversationService(app: AppContext): ServiceImpl<typeof ConversationService> {
  const repo = app.conversations;
  const mustGet = async (id: string) => {
    const conv = await repo.get(validConversationId(requireField(id, "conversation_id")));
    if (!conv) throw notFound("conversation", id, LIST_HINT);
    return conv;
  };
  return {
    async createConversation(req) {
      const conversation = await repo.create(
        req.name.trim() || "New conversation",
        req.agentId.trim() || "default",
        app.models.current.name,
      );
      return { conversation };
    },
    async listConversations(req) {
      return { conversations: await repo.list(limitField(req.limit, "limit", MAX_LIST, MAX_LIST), req.agentId.trim()) };
    },
    async getConversation(req) {
      const conversation = await mustGet(req.conversationId);
      const messages = await repo.all(conversation.id);
      return { conversation, messages };
    },
    async getConversationHistory(req) {
      const conversation = await mustGet(req.conversationId);
      const messages = await repo.history(conversation.id, {
        includeSystem: req.includeSystem ?? true,
        limit: limitField(req.limit, "limit", 0, 100000),
        agentId: req.agentId.trim(),
        channel: req.channel.trim(),
        messageType: req.messageType.trim(),
      });
      return { conversationId: conversation.id, messages };
    },
    async renameConversation(req) {
      const id = validConversationId(requireField(req.conversationId, "conversation_id"));
      const name = requireField(req.name, "name");
      if (name.length > MAX_NAME)
        throw invalidValue("name", `must be at most ${MAX_NAME} characters, got ${name.length}`);
      const conversation = await repo.rename(id, name);
      if (!conversation) throw notFound("conversation", id, LIST_HINT);
      return { conversation };
    },
    async deleteConversation(req) {
      const id = validConversationId(requireField(req.conversationId, "conversation_id"));
      const live = app.runs.activeRuns(id);
      if (live.length > 0) {
        throw new ConnectError(
          `conversation ${id} has ${live.length} active or queued run(s): cancel them with ChatService.CancelRun first`,
          Code.FailedPrecondition,
        );
      }
      if (!(await repo.delete(id))) throw notFound("conversation", id, LIST_HINT);
      app.events.forget(id);
      await app.feed.forgetConversation(id);
      return { conversationId: id };
    },
  };
}
