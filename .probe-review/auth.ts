import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http2 from "node:http2";
import { startServer } from "../src/server/start-server.ts";
import { startFakeOpenAI, reply } from "../test/support/fake-openai.ts";
import { wsHandshake } from "../test/support/ws-client.ts";

const fake = await startFakeOpenAI();
const wsdir = mkdtempSync(join(tmpdir(), "probe-"));
const s = await startServer({ workspace: wsdir, port: 0, logLevel: "error", env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_PROJECT_ROOT: wsdir, FLOE_API_KEYS: "sekrit,other key" } });
const wsu = `${s.url.replace("http","ws")}/api/v1/chat/stream`;
const b64 = (k: string) => Buffer.from(k).toString("base64url");
const cases: [string, Record<string,string>, string[], string][] = [
  ["no key", {}, [], wsu],
  ["query key", {}, [], wsu + "?api_key=sekrit"],
  ["query token", {}, [], wsu + "?token=sekrit"],
  ["bearer", { authorization: "Bearer sekrit" }, [], wsu],
  ["x-api-key", { "x-api-key": "sekrit" }, [], wsu],
  ["subproto key only", {}, ["floe.api-key." + b64("sekrit")], wsu],
  ["subproto floe.v1+key", {}, ["floe.v1", "floe.api-key." + b64("sekrit")], wsu],
  ["subproto bad key", {}, ["floe.v1", "floe.api-key." + b64("nope")], wsu],
  ["subproto bad then good", {}, ["floe.api-key." + b64("nope"), "floe.api-key." + b64("sekrit")], wsu],
  ["subproto std b64 (padding)", {}, ["floe.v1", "floe.api-key." + Buffer.from("sekrit").toString("base64")], wsu],
  ["key with space via subproto", {}, ["floe.v1", "floe.api-key." + b64("other key")], wsu],
  ["bad origin + good key", { origin: "http://evil", authorization: "Bearer sekrit" }, [], wsu],
];
for (const [name, h, p, u] of cases) {
  const r = await wsHandshake(u, h, p).catch(e => ({ status: "ERR " + e.message } as any));
  console.log(name.padEnd(30), r.status, r.protocol ?? "", (r.body ?? "").slice(0, 100));
  r.ws?.close();
}
// health without/with key
for (const [path, h] of [["/health", {}], ["/health", { authorization: "Bearer sekrit" }], ["/api/health", {}], ["/api/v1/system/info", {}], ["/docs", {}], ["/openapi.json", {}], ["/api/v1/health", {}], ["/nonexistent", {}], ["/api/v1/nonexistent", {}]] as const) {
  const r = await fetch(s.url + path, { headers: h as any });
  console.log("GET", path, JSON.stringify(h), r.status, (await r.text()).slice(0, 150));
}
for (const h of [{}, { authorization: "Bearer sekrit" }]) {
  const r = await fetch(s.url + "/floe.v1.HealthService/GetHealth", { method: "POST", headers: { "content-type": "application/json", ...h }, body: "{}" });
  console.log("Connect GetHealth", JSON.stringify(h), r.status, await r.text());
}
// h2 to ws route with key configured; and h2 authority checks
const c = http2.connect(s.url);
for (const [path, extra] of [["/api/v1/chat/stream", {}], ["/api/v1/chat/stream", { authorization: "Bearer sekrit" }], ["/api/v1/system/info", {":authority": "evil.com"}], ["/api/v1/system/info", {":authority": "localhost", authorization: "Bearer sekrit"}], ["/api/v1/system/info", {":authority": "evil.com", host: "localhost", authorization: "Bearer sekrit"}]] as const) {
  await new Promise<void>((res) => {
    const st = c.request({ ":path": path, ":method": "GET", origin: "http://evil", ...extra });
    let b = ""; let status = 0;
    st.on("response", (h) => status = h[":status"] as number);
    st.on("data", d => b += d); st.on("end", () => { console.log("h2", path, JSON.stringify(extra), status, b.slice(0, 120)); res(); });
    st.on("error", (e) => { console.log("h2 err", e.message); res(); });
    st.end();
  });
}
c.close();
await s.close(); await fake.close();
