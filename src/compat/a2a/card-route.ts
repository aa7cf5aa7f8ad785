import { AgentCard } from "@a2a-js/sdk";
import type { FastifyReply, FastifyRequest } from "fastify";
import { AgentService } from "../../../gen/floe/v1/agent_pb.js";
import { headersFromNode } from "../../domain/node-headers.js";
import type { RequestGuards } from "../../security/index.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { type ErrorTable, sendTableError } from "../error-table.js";
import { agentCard } from "./agent-card.js";
import { legacyCard } from "./legacy-card.js";

/** A card route's errors: Connect's status for the code, and the message. */
const CARD_ERRORS: ErrorTable = { codes: {}, reasons: {}, body: (err) => ({ error: err.rawMessage }) };

/** The full card of an agent, read through AgentService.GetAgent (which needs a key when keys are configured). */
export async function cardFor(
  invoker: InProcessInvoker,
  agentId: string,
  origin: string,
  keysRequired: boolean,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<AgentCard> {
  const { agent } = await invoker.unary(AgentService.method.getAgent, { agentId }, req, reply);
  return agentCard({ agentId, agent, origin, keysRequired });
}

/**
 * GET an agent's card, as A2A's JSON (the SDK's AgentCard.toJSON). A caller
 * without an accepted key, when keys are configured, gets the public card:
 * the name, the endpoint and the auth schemes.
 */
export async function sendCard(
  invoker: InProcessInvoker,
  guards: RequestGuards,
  agentId: string,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const origin = `${req.protocol}://${req.headers.host ?? "localhost"}`;
  const keysRequired = guards.keysRequired;
  reply.header("cache-control", "no-cache").header("vary", "a2a-version, authorization, x-api-key");
  // A2A 1.0 clients say so; anything else gets 0.3's shape.
  const v1 = String(req.headers["a2a-version"] ?? "").startsWith("1.");
  const send = (card: AgentCard) => reply.type("application/json").send(v1 ? AgentCard.toJSON(card) : legacyCard(card));
  if (keysRequired && !guards.identify(() => headersFromNode(req.headers)))
    return send(agentCard({ agentId, origin, keysRequired }));
  try {
    return send(await cardFor(invoker, agentId, origin, keysRequired, req, reply));
  } catch (e) {
    return sendTableError(reply, CARD_ERRORS, e);
  }
}
