import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { RequestError_Reason, RequestErrorSchema } from "../gen/floe/v1/common_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { DIALECTS } from "./support/test-server.js";

/** The error a call rejects with, as a ConnectError. */
async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("the call succeeded");
}

/** ConversationService.RenameConversation, which the web UI's conversation list uses. */
describe.each(DIALECTS)("renaming a conversation on %s", (dialect) => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("renames, keeps the messages, and refuses bad input with the right codes", async () => {
    c = await createChatEnv({ dialect });
    const conversations = createClient(
      ConversationService,
      createConnectTransport({ baseUrl: c.server.url, httpVersion: "1.1" }),
    );
    c.fake.enqueue(reply.text("hello back"));
    const sent = await c.chat.sendMessage({ chat: { text: "hello" } });
    const id = sent.conversationId;

    const renamed = await conversations.renameConversation({ conversationId: id, name: "  Release notes  " });
    expect(renamed.conversation).toMatchObject({ id, name: "Release notes", messageCount: 2 });
    const listed = await conversations.listConversations({});
    expect(listed.conversations.map((x) => [x.id, x.name])).toEqual([[id, "Release notes"]]);
    const history = await conversations.getConversationHistory({ conversationId: id });
    expect(history.messages.map((m) => m.content)).toEqual(["hello", "hello back"]);

    const empty = await failure(conversations.renameConversation({ conversationId: id, name: "   " }));
    expect(empty.code).toBe(Code.InvalidArgument);
    expect(empty.rawMessage).toBe("name is required");
    const long = await failure(conversations.renameConversation({ conversationId: id, name: "x".repeat(201) }));
    expect(long.code).toBe(Code.InvalidArgument);
    const [detail] = long.findDetails(RequestErrorSchema);
    expect(detail).toMatchObject({
      reason: RequestError_Reason.INVALID_VALUE,
      fieldViolations: [{ field: "name", description: "must be at most 200 characters, got 201" }],
    });
    const noId = await failure(conversations.renameConversation({ conversationId: "", name: "x" }));
    expect(noId.code).toBe(Code.InvalidArgument);
    const unknown = await failure(
      conversations.renameConversation({ conversationId: "7d3c1f9e-0000-4000-8000-000000000000", name: "x" }),
    );
    expect(unknown.code).toBe(Code.NotFound);
    // Nothing was lost on the way: the name is the last accepted one.
    expect((await conversations.getConversation({ conversationId: id })).conversation?.name).toBe("Release notes");
  });
});
