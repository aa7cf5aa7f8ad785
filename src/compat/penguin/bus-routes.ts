import type { MessageShape } from "@bufbuild/protobuf";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CoordinatorService } from "../../../gen/floe/v1/coordinator_pb.js";
import {
  MessageService,
  type RouteReceipt,
  RouteReceiptSchema,
  RoutedMessageSchema,
} from "../../../gen/floe/v1/message_pb.js";
import { TelemetryService, TelemetrySummarySchema } from "../../../gen/floe/v1/telemetry_pb.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, optionalString, parseAs, queryString } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

/** Penguin's message routing, coordinator and telemetry routes. */
export function registerPenguinBusRoutes(r: SurfaceRoutes): void {
  registerMessageRoutes(r);
  registerCoordinatorRoutes(r);
  r.add({
    method: "GET",
    url: "/telemetry",
    tag: "telemetry",
    summary: "Per-agent messages and tasks, tokens in total and per agent, uptime",
    query: { agent_id: { type: "string" } },
    response: TelemetrySummarySchema,
    async handler(req, reply) {
      const res = await r.inv.unary(
        TelemetryService.method.getTelemetry,
        { agentId: queryString(req, "agent_id") },
        req,
        reply,
      );
      return toDocJson(TelemetrySummarySchema, res.telemetry);
    },
  });
}

type Routed = MessageShape<typeof RoutedMessageSchema>;

/** The message routes: each body is a routed message, each answer its receipt; they differ in the call they make. */
function registerMessageRoutes(r: SurfaceRoutes): void {
  const route = (
    url: string,
    summary: string,
    send: (
      message: Routed,
      agentId: string,
      req: FastifyRequest,
      reply: FastifyReply,
    ) => Promise<{ receipt?: RouteReceipt }>,
  ) =>
    r.add({
      method: "POST",
      url,
      tag: "messages",
      summary,
      body: RoutedMessageSchema,
      response: RouteReceiptSchema,
      async handler(req, reply) {
        const body = bodyObject(req);
        const message = parseAs(RoutedMessageSchema, body);
        const res = await send(message, optionalString(body, "agent_id"), req, reply);
        return toDocJson(RouteReceiptSchema, res.receipt);
      },
    });
  const m = MessageService.method;
  route("/messages", "Send a message to a recipient: an agent id (wakes it) or human", (message, _a, req, reply) =>
    r.inv.unary(m.routeMessage, { message }, req, reply),
  );
  route(
    "/messages/to-agent",
    "Send a message directly to an agent (agent_id or recipient)",
    (message, agentId, req, reply) =>
      r.inv.unary(m.sendToAgent, { agentId: agentId || message.recipient, message }, req, reply),
  );
  route(
    "/messages/to-human",
    "Send an agent's message to the human (sender or agent_id names the agent)",
    (message, agentId, req, reply) =>
      r.inv.unary(m.sendToHuman, { message: { ...message, sender: message.sender || agentId } }, req, reply),
  );
  route(
    "/messages/human-reply",
    "Send the human's reply to an agent (agent_id or recipient)",
    (message, agentId, req, reply) =>
      r.inv.unary(m.humanReply, { agentId: agentId || message.recipient, message }, req, reply),
  );
}

function registerCoordinatorRoutes(r: SurfaceRoutes): void {
  r.post(
    "/coord/send-role",
    "coordinator",
    "Send a message to every agent of a role",
    CoordinatorService.method.sendToRole,
  );
  r.post(
    "/coord/broadcast",
    "coordinator",
    "Send a message to every agent of several roles",
    CoordinatorService.method.broadcast,
  );
  r.post(
    "/coord/rr-workflow",
    "coordinator",
    "Hand prompts to a role's agents in turn; answers each prompt's result",
    CoordinatorService.method.roundRobinWorkflow,
  );
  r.post(
    "/coord/role-chain",
    "coordinator",
    "Pass content through roles in order, each output feeding the next",
    CoordinatorService.method.roleChain,
  );
}
