import type { Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { FloeAgentClient } from "./agent-client.js";
import { bearerInterceptor } from "./bearer.js";
import { createFloeServices, type FloeServices } from "./services.js";

export interface FloeWebClientOptions {
  /** The server's origin, for example `https://floe.example.com`, or `location.origin`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>` when the server has API keys. */
  apiKey?: string;
  /** `connect` (default) or `grpc-web`. */
  protocol?: "connect" | "grpc-web";
  /** Protobuf binary, or JSON (default, readable in the browser's network panel). */
  useBinaryFormat?: boolean;
}

export function createWebTransport(o: FloeWebClientOptions): Transport {
  const interceptors = bearerInterceptor(o.apiKey);
  return o.protocol === "grpc-web"
    ? createGrpcWebTransport({ baseUrl: o.baseUrl, interceptors, useBinaryFormat: o.useBinaryFormat ?? true })
    : createConnectTransport({ baseUrl: o.baseUrl, interceptors, useBinaryFormat: o.useBinaryFormat ?? false });
}

/** Floe for browsers (fetch): every service of the contract (`client.services`) and the high-level calls. */
export function createFloeWebClient(o: FloeWebClientOptions): FloeAgentClient {
  return new FloeAgentClient(createFloeServices(createWebTransport(o)));
}

export { FloeAgentClient, type FloeServices };
export * from "./agent-client.js";
export { createFloeServices } from "./services.js";
