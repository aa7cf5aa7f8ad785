import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { FloeAgentClient } from "./agent-client.js";
import { bearerInterceptor } from "./bearer.js";
import { createFloeServices, type FloeServices } from "./services.js";

export interface FloeNodeClientOptions {
  /** For example `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when the server has API keys. */
  apiKey?: string;
  /** `connect` (default) or `grpc` (always HTTP/2). */
  protocol?: "connect" | "grpc";
  /** HTTP version of the Connect protocol: `2` (default, cleartext prior knowledge) or `1.1`. */
  httpVersion?: "1.1" | "2";
  /** Protobuf binary (default) or JSON, for the Connect protocol. */
  useBinaryFormat?: boolean;
}

export function createNodeTransport(o: FloeNodeClientOptions): Transport {
  const interceptors = bearerInterceptor(o.apiKey);
  return o.protocol === "grpc"
    ? createGrpcTransport({ baseUrl: o.baseUrl, interceptors })
    : createConnectTransport({
        baseUrl: o.baseUrl,
        httpVersion: o.httpVersion ?? "2",
        useBinaryFormat: o.useBinaryFormat ?? true,
        interceptors,
      });
}

/** Floe for Node: every service of the contract (`client.services`) and the high-level calls. */
export function createFloeNodeClient(o: FloeNodeClientOptions): FloeAgentClient {
  return new FloeAgentClient(createFloeServices(createNodeTransport(o)));
}

export { FloeAgentClient, type FloeServices };
export * from "./agent-client.js";
export { createFloeServices } from "./services.js";
