import { createHmac, timingSafeEqual } from "node:crypto";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { GitHubService } from "../../gen/floe/v1/github_pb.js";
import { GITHUB_EVENTS } from "../config/github-rules.js";
import type { GitHubDeliveryRepository } from "../store/github-delivery-repository.js";
import type { AppContext } from "./app-context.js";
import { GITHUB } from "./agent-work.js";
import { describeEvent, matchingRules, type Payload } from "./github-webhook.js";

/** Checks `sha256=<hex>` against the HMAC-SHA256 of the raw body, in constant time. */
export function signatureValid(secret: string, payload: Uint8Array, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`);
  const given = Buffer.from(header.trim());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * GitHub webhook intake: the signature, the delivery id (a replay is
 * refused), then the event is recorded and routed to agents by the config's
 * rules, in the background. GitHub cannot send Floe's API key: the
 * signature is this service's authentication.
 */
export function gitHubService(
  app: AppContext,
  deliveries: GitHubDeliveryRepository,
): ServiceImpl<typeof GitHubService> {
  return {
    async handleWebhook(req) {
      const secret = app.config.github.webhookSecret;
      if (!secret)
        throw new ConnectError(
          "the GitHub webhook is off: set GITHUB_WEBHOOK_SECRET to the webhook's secret",
          Code.Unavailable,
        );
      if (!signatureValid(secret, req.payload, req.signature256))
        throw new ConnectError(
          "invalid X-Hub-Signature-256: the body is not signed with the configured secret",
          Code.Unauthenticated,
        );
      const deliveryId = req.deliveryId.trim();
      if (!deliveryId) throw new ConnectError("X-GitHub-Delivery is required", Code.InvalidArgument);
      const event = req.event.trim();
      if (!event) throw new ConnectError("X-GitHub-Event is required", Code.InvalidArgument);
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(req.payload).toString("utf8")) as Payload;
        if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error("not an object");
      } catch (e) {
        throw new ConnectError(`invalid webhook payload: ${(e as Error).message}`, Code.InvalidArgument);
      }
      const action = typeof payload.action === "string" ? payload.action : "";
      if (!(await deliveries.claim(deliveryId, event, action)))
        throw new ConnectError(`delivery ${deliveryId} was already received`, Code.AlreadyExists);
      const known = event === "ping" || GITHUB_EVENTS.includes(event);
      if (!known) {
        await deliveries.finish(deliveryId, "ignored", `event ${event} is not handled`);
        return { status: "ignored", event, deliveryId, message: `event ${event} is not handled` };
      }
      // In the background, and never able to take the server down: a payload of an unexpected shape is a failed delivery.
      route(app, deliveries, deliveryId, event, action, payload).catch((e: unknown) => {
        app.log.warn({ err: e, deliveryId }, "webhook delivery failed");
        return deliveries
          .finish(deliveryId, "failed", `could not route: ${(e as Error).message}`)
          .catch(() => undefined);
      });
      return { status: "accepted", event, deliveryId, message: "routed in the background" };
    },
  };
}

/** Sends the event to the agents its rules name, and records the outcome. */
async function route(
  app: AppContext,
  deliveries: GitHubDeliveryRepository,
  deliveryId: string,
  event: string,
  action: string,
  payload: Payload,
): Promise<void> {
  const targets = new Set<string>();
  for (const rule of matchingRules(app.config.github.rules, event, action)) {
    if (rule.agent && app.agents.get(rule.agent)) targets.add(rule.agent);
    for (const a of rule.role ? app.agents.withRole(rule.role) : []) if (a.active && !a.paused) targets.add(a.id);
  }
  if (targets.size === 0) {
    await deliveries.finish(deliveryId, "ignored", `no rule sends ${event}${action ? ` ${action}` : ""} to an agent`);
    return;
  }
  const content = describeEvent(event, payload);
  const outcomes: string[] = [];
  let failed = false;
  for (const agentId of targets) {
    try {
      const { run } = await app.work.route({
        sender: GITHUB,
        recipient: agentId,
        content,
        messageType: "action",
        channel: "github",
        metadata: { github_event: event, github_action: action, github_delivery: deliveryId },
      });
      outcomes.push(`${agentId}: run ${run?.id ?? ""}`);
    } catch (e) {
      failed = true;
      outcomes.push(`${agentId}: ${ConnectError.from(e).rawMessage}`);
    }
  }
  await deliveries
    .finish(deliveryId, failed ? "failed" : "routed", outcomes.join("; "))
    .catch((e: unknown) => app.log.error({ err: e, deliveryId }, "could not record a webhook outcome"));
}
