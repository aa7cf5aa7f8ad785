import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { createClient, ConnectError } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { ChatService, RunFailureSchema } from "../gen/floe/v1/chat_pb.ts";
import { startServer } from "../src/server/start-server.ts";
import { startFakeOpenAI, reply } from "../test/support/fake-openai.ts";
const fake = await startFakeOpenAI();
const wsdir = mkdtempSync(join(tmpdir(), "probe-"));
const s = await startServer({ workspace: wsdir, port: 0, logLevel: "fatal", env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_PROJECT_ROOT: wsdir, FLOE_MODEL_IDLE_TIMEOUT_MS: "1000", FLOE_MODEL_MAX_RETRIES: "0" } });
const chat = createClient(ChatService, createConnectTransport({ baseUrl: s.url, httpVersion: "1.1" }));
const grpc = createClient(ChatService, createGrpcTransport({ baseUrl: s.url }));
const scenarios: [string, () => any][] = [
  ["stall after tokens", () => reply.stall(["a", "b"], 5000)],
  ["not event stream", () => reply.notEventStream()],
  ["upstream 500", () => reply.httpError(500, "boom")],
  ["upstream 401", () => reply.httpError(401, "bad key")],
  ["upstream 429", () => reply.httpError(429, "slow down")],
  ["disconnect mid", () => reply.disconnectMidStream()],
  ["ok", () => reply.text("fine")],
];
for (const [name, r] of scenarios) {
  const t0 = Date.now();
  fake.enqueue(r());
  try { const res = await chat.sendMessage({ chat: { text: "hi" } }); console.log("connect", name, "OK", res.status, JSON.stringify(res.response), Date.now() - t0, "ms"); }
  catch (e) { const err = ConnectError.from(e); console.log("connect", name.padEnd(20), "code", err.code, JSON.stringify(err.rawMessage), "detail", JSON.stringify(err.findDetails(RunFailureSchema).map(d => d.status)), Date.now() - t0, "ms"); }
  fake.enqueue(r());
  try { const res = await grpc.sendMessage({ chat: { text: "hi" } }); console.log("grpc", name, "OK", res.status); }
  catch (e) { const err = ConnectError.from(e); console.log("grpc   ", name.padEnd(20), "code", err.code, JSON.stringify(err.rawMessage), "detail", err.findDetails(RunFailureSchema).length); }
  for (const [path, body] of [["/api/v1/chat/message", { text: "hi" }], ["/api/chat", { message: "hi" }]] as const) {
    fake.enqueue(r());
    const res = await fetch(s.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    console.log("   ", path.padEnd(22), res.status, (await res.text()).slice(0, 160));
  }
}
// model never sends headers
const black = net.createServer((c) => { c.on("data", () => {}); c.on("error", ()=>{}); });
await new Promise<void>(r => black.listen(0, "127.0.0.1", r));
const port = (black.address() as net.AddressInfo).port;
const wsdir2 = mkdtempSync(join(tmpdir(), "probe-"));
const s2 = await startServer({ workspace: wsdir2, port: 0, logLevel: "fatal", env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_PROJECT_ROOT: wsdir2, FLOE_MODEL_IDLE_TIMEOUT_MS: "1000", FLOE_MODEL_TIMEOUT_MS: "8000", FLOE_MODEL_MAX_RETRIES: "0" } });
const chat2 = createClient(ChatService, createConnectTransport({ baseUrl: s2.url, httpVersion: "1.1" }));
const t0 = Date.now();
try { await chat2.sendMessage({ chat: { text: "hi" } }); } catch (e) { const err = ConnectError.from(e); console.log("no-headers upstream: code", err.code, JSON.stringify(err.rawMessage), Date.now() - t0, "ms (idle 1000, model timeout 8000)"); }
await s.close(); await s2.close(); await fake.close(); black.close();
