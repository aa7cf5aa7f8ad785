import { Code, ConnectError } from "@connectrpc/connect";
import {
  A2AError,
  A2A_ERROR_CODE,
  JsonRpcTransportError,
  RequestMalformedError,
  TaskNotFoundError,
  UnsupportedOperationError,
} from "@a2a-js/sdk/errors";

/**
 * A service error as the A2A SDK's error, which its JSON-RPC handler turns
 * into the protocol's error object: bad input is -32602, a task that does
 * not exist -32001, what Floe refuses in this state -32004, a caller whose
 * key may not do this -32600; anything else -32603 with the service's
 * message.
 */
export function a2aError(e: unknown, taskId?: string): Error {
  if (e instanceof A2AError) return e;
  const err = ConnectError.from(e);
  const message = err.rawMessage;
  switch (err.code) {
    case Code.InvalidArgument:
    case Code.OutOfRange:
      return new RequestMalformedError(message);
    case Code.NotFound:
      return taskId === undefined ? new RequestMalformedError(message) : new TaskNotFoundError(message);
    case Code.FailedPrecondition:
    case Code.AlreadyExists:
    case Code.ResourceExhausted:
    case Code.Unimplemented:
      return new UnsupportedOperationError(message);
    case Code.Unauthenticated:
    case Code.PermissionDenied:
      return new JsonRpcTransportError({
        jsonrpc: "2.0",
        id: null,
        error: { code: A2A_ERROR_CODE.INVALID_REQUEST, message },
      });
    default:
      return new A2AError(message);
  }
}
