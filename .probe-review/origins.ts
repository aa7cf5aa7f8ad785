import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { startServer } from "../src/server/start-server.ts";
import { startFakeOpenAI, reply } from "../test/support/fake-openai.ts";
import { wsHandshake } from "../test/support/ws-client.ts";

const fake = await startFakeOpenAI();
async function srv(env: Record<string,string> = {}) {
  const ws = mkdtempSync(join(tmpdir(), "probe-"));
  return startServer({ workspace: ws, port: 0, logLevel: "error", env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_PROJECT_ROOT: ws, ...env } });
}
function raw(port: number, req: string): Promise<string> {
  return new Promise((res) => { const s = net.connect(port, "127.0.0.1", () => s.write(req)); let b = ""; s.on("data", d => b += d); s.on("close", () => res(b)); setTimeout(()=>{s.destroy();}, 1500); });
}
for (const env of [{}, { FLOE_CORS_ORIGINS: "*" }, { FLOE_CORS_ORIGINS: "https://App.example.com/, http://ok.example" }]) {
  const s = await srv(env);
  console.log("=== env", JSON.stringify(env), s.url);
  const origins = ["http://localhost.evil.com", "http://127.0.0.1.evil.com", "http://[::1]:3000", "HTTP://LOCALHOST:1", "http://localhost:3000/", "null", "file://", "http://evil", s.url, s.url.replace("http","https"), "https://app.example.com", "https://App.example.com/", "http://ok.example", "http://0.0.0.0:80", "http://[::ffff:127.0.0.1]", "http://2130706433", "http://127.1", "http://localhost."];
  for (const o of origins) {
    const r = await fetch(`${s.url}/api/v1/chat/message`, { method: "OPTIONS", headers: { origin: o, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    const w = await wsHandshake(`${s.url.replace("http","ws")}/api/v1/chat/stream`, { origin: o }).catch(e => ({status: "ERR "+e.message}));
    if ((w as any).ws) (w as any).ws.close();
    console.log(o.padEnd(34), "cors:", r.status, r.headers.get("access-control-allow-origin"), r.headers.get("access-control-allow-credentials"), " ws:", w.status);
  }
  // Host spoofing: origin evil with Host evil -> own origin match?
  const port = s.port;
  const key = "dGhlIHNhbXBsZSBub25jZQ==";
  for (const [host, origin] of [["evil", "http://evil"], [`evil:${port}`, `http://evil:${port}`], [`localhost:${port}`, `http://localhost:${port}`], ["127.0.0.1.evil.com", "http://127.0.0.1.evil.com"], [`LOCALHOST:${port}`, "http://evil"]]) {
    const out = await raw(port, `GET /api/v1/chat/stream HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    console.log("raw WS host", host, "origin", origin, "->", out.split("\r\n")[0]);
  }
  // No Host header at all (HTTP/1.0)
  const out = await raw(port, `GET /api/v1/system/info HTTP/1.0\r\n\r\n`);
  console.log("HTTP/1.0 no host ->", out.split("\r\n")[0]);
  await s.close();
}
await fake.close();
