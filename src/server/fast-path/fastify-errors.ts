import { Code, ConnectError } from "@connectrpc/connect";
import { badRequest, bodyTooLarge, RequestError_Reason } from "../../services/request-errors.js";

/** An error fastify raised before a handler ran: a bad body, a wrong media type, a body too large. */
export type FastifyRequestError = Error & { statusCode?: number };

/**
 * The one map from fastify's request errors to Connect codes, for every
 * surface: each then answers in its own shape (Connect JSON, gRPC status,
 * FastAPI's `detail`, Pawan's `error`).
 */
export function fastifyErrorToConnect(err: FastifyRequestError, maxBodyBytes: number): ConnectError {
  if (err instanceof ConnectError) return err;
  switch (err.statusCode) {
    case 413:
      return bodyTooLarge(`request body is larger than the limit of ${maxBodyBytes} bytes (max_body_bytes)`);
    case 415:
      return badRequest(
        `unsupported content type: send application/json (${err.message})`,
        RequestError_Reason.UNSUPPORTED_MEDIA_TYPE,
      );
    case 400:
      return badRequest(`malformed request: ${err.message}`, RequestError_Reason.MALFORMED_BODY);
    default:
      return new ConnectError(err.message, (err.statusCode ?? 500) < 500 ? Code.InvalidArgument : Code.Internal);
  }
}
