import { A2A_ERROR_CODE } from "@a2a-js/sdk/errors";

export type JsonRpcId = string | number | null;

/** A JSON-RPC error response. */
export function rpcError(id: JsonRpcId, code: number, message: string) {
  return errorResponse(id, { code, message });
}

/** A JSON-RPC error response around an error object (as the SDK's mappers make them). */
export function errorResponse(id: JsonRpcId, error: { code: number; message: string }) {
  return { jsonrpc: "2.0" as const, id, error };
}

/**
 * Parses a JSON-RPC request body: its object, or the error response the
 * JSON-RPC spec gives for it (-32700 for JSON that does not parse, -32600
 * for JSON that is no request). The SDK checks the method and the params.
 */
export function parseRequest(
  body: unknown,
): { request: Record<string, unknown>; id: JsonRpcId } | { error: ReturnType<typeof rpcError> } {
  let parsed: unknown;
  try {
    parsed = typeof body === "string" ? JSON.parse(body) : body;
  } catch (e) {
    return { error: rpcError(null, A2A_ERROR_CODE.PARSE_ERROR, `Parse error: ${(e as Error).message}`) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return {
      error: rpcError(null, A2A_ERROR_CODE.INVALID_REQUEST, "Invalid Request: send one JSON-RPC request object"),
    };
  const r = parsed as Record<string, unknown>;
  const id = typeof r.id === "string" || typeof r.id === "number" ? r.id : null;
  if (r.jsonrpc !== "2.0" || typeof r.method !== "string")
    return {
      error: rpcError(id, A2A_ERROR_CODE.INVALID_REQUEST, 'Invalid Request: needs "jsonrpc": "2.0" and a "method"'),
    };
  return { request: r, id };
}

/** The request's id, as far as the body can be read: for errors answered before the SDK sees it. */
export function requestId(body: unknown): JsonRpcId {
  const p = parseRequest(body);
  return "id" in p ? p.id : null;
}
