import type { FastifyInstance } from "fastify";
import { badRequest, RequestError_Reason } from "../services/request-errors.js";

/**
 * The JSON body parser of the legacy surfaces. Two differences from
 * fastify's: under Penguin's `/api/v1`, an empty body is no body, as FastAPI
 * takes it for an optional one (Penguin's browser client posts
 * `conversations/create` with a JSON content type and nothing else); and
 * JSON that does not parse says where, so that the 422 can point at it.
 * Prototype-poisoning keys are still refused, by fastify's parser.
 */
export function registerJsonBodyParser(scope: FastifyInstance): void {
  const parse = scope.getDefaultJsonParser("error", "error");
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    const text = body as string;
    if (text.length === 0 && req.url.startsWith("/api/v1")) return done(null, undefined);
    parse(req, text, (err, value) => (err ? done(malformed(text), undefined) : done(null, value)));
  });
}

function malformed(text: string): Error {
  if (text.length === 0)
    return badRequest("malformed request: the JSON body is empty", RequestError_Reason.MALFORMED_BODY);
  try {
    JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    // V8 names the position of every syntax error but a truncated body's, which ends where the text does.
    const where = /position \d+/.test(message) ? "" : ` at position ${text.length}`;
    return badRequest(`malformed JSON body: ${message}${where}`, RequestError_Reason.MALFORMED_BODY);
  }
  return badRequest(
    "malformed request: the JSON body has a __proto__ or constructor.prototype key",
    RequestError_Reason.MALFORMED_BODY,
  );
}
