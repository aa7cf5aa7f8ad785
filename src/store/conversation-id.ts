import { Code, ConnectError } from "@connectrpc/connect";

/** Conversation (session) ids reach storage and logs: letters, digits, `.`, `_`, `-`, at most 128. */
const CONVERSATION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function validConversationId(id: string, field = "conversation_id"): string {
  if (!CONVERSATION_ID.test(id) || id.includes("..")) {
    throw new ConnectError(
      `${field} ${JSON.stringify(id.slice(0, 140))} is not a valid id: use 1-128 letters, digits, '.', '_' or '-'`,
      Code.InvalidArgument,
    );
  }
  return id;
}
