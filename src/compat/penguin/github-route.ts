import type { FastifyInstance } from "fastify";
import { GitHubService } from "../../../gen/floe/v1/github_pb.js";
import { badRequest, RequestError_Reason } from "../../services/request-errors.js";
import type { CompatRouter } from "../compat-router.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { SurfaceRoutes } from "../surface-routes.js";
import { PENGUIN_ERRORS } from "./penguin-errors.js";

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));

/**
 * The GitHub webhook, at `/api/v1/github/webhook` and
 * `/api/v1/integrations/github/webhook`. Its JSON body is kept as bytes: the
 * signature is over the body exactly as sent.
 */
export async function registerGitHubWebhook(
  fastify: FastifyInstance,
  router: CompatRouter,
  inv: InProcessInvoker,
): Promise<void> {
  await fastify.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    scope.addContentTypeParser("*", (_req, _payload, done) =>
      done(
        badRequest(
          "send the webhook as application/json (the webhook's content type setting)",
          RequestError_Reason.UNSUPPORTED_MEDIA_TYPE,
        ),
      ),
    );
    const routes = new SurfaceRoutes(scope, router, PENGUIN_ERRORS, "/api/v1", inv);
    for (const url of ["/github/webhook", "/integrations/github/webhook"]) {
      routes.add({
        method: "POST",
        url,
        tag: "github",
        summary: "GitHub webhook: X-Hub-Signature-256 with GITHUB_WEBHOOK_SECRET, X-GitHub-Delivery once",
        response: { type: "object", properties: { status: { type: "string" }, event: { type: "string" } } },
        async handler(req, reply) {
          const input = {
            event: header(req.headers["x-github-event"]),
            deliveryId: header(req.headers["x-github-delivery"]),
            signature256: header(req.headers["x-hub-signature-256"]),
            payload: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          };
          const res = await inv.unary(GitHubService.method.handleWebhook, input, req, reply);
          return { status: "ok", event: res.event, delivery_id: res.deliveryId, routing: res.status };
        },
      });
    }
  });
}
