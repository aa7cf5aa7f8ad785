import type { SendMessageRequest, StreamResponse } from "@a2a-js/sdk";
import { textMessage } from "../../src/domain/a2a-parts.js";

/** A SendMessageRequest of the SDK's types with one text part; `contextId` continues a conversation. */
export function sendRequest(
  text: string,
  o: { contextId?: string; returnImmediately?: boolean } = {},
): SendMessageRequest {
  return {
    tenant: "",
    message: textMessage("user", text, { contextId: o.contextId }),
    configuration: o.returnImmediately
      ? { acceptedOutputModes: [], taskPushNotificationConfig: undefined, returnImmediately: true }
      : undefined,
    metadata: undefined,
  };
}

/** Every response of a stream, in order. */
export async function drain(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const out: StreamResponse[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

/** POSTs a raw JSON-RPC body to an A2A endpoint; returns the status and the parsed body. */
export async function rpc(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
