import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import http2 from "node:http2";
import { startServer } from "../src/server/start-server.ts";
const wsdir = mkdtempSync(join(tmpdir(), "probe-"));
const s = await startServer({ workspace: wsdir, port: 0, logLevel: "warn", env: { FLOE_PROJECT_ROOT: wsdir, FLOE_HEADERS_TIMEOUT_MS: "2000", FLOE_REQUEST_TIMEOUT_MS: "4000", FLOE_KEEP_ALIVE_TIMEOUT_MS: "1000", FLOE_IDLE_TIMEOUT_MS: "3000" } });
const port = s.port;
const LIMIT = 12000;
function probe(name: string, script: (sock: net.Socket) => void): Promise<void> {
  return new Promise((res) => {
    const t0 = Date.now();
    const sock = net.connect(port, "127.0.0.1", () => script(sock));
    let got = "";
    sock.on("data", (d) => (got += d.toString("latin1")));
    sock.on("error", () => {});
    const kill = setTimeout(() => { console.log(name.padEnd(45), "STILL OPEN after", LIMIT, "ms; got:", JSON.stringify(got.slice(0, 80))); sock.destroy(); res(); }, LIMIT);
    sock.on("close", () => { clearTimeout(kill); if (!sock.destroyed || true) {} ; if (Date.now() - t0 < LIMIT) console.log(name.padEnd(45), "closed after", Date.now() - t0, "ms; got:", JSON.stringify(got.split("\r\n")[0].slice(0, 60))); res(); });
  });
}
const every = (sock: net.Socket, ms: number, f: () => void) => { const i = setInterval(() => { if (sock.destroyed) clearInterval(i); else f(); }, ms); sock.on("close", () => clearInterval(i)); };
const tests: Promise<void>[] = [];
tests.push(probe("silent", () => {}));
tests.push(probe("byte-by-byte headers every 500ms", (sock) => { const req = "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Pad: " + "a".repeat(1000); let i = 0; every(sock, 500, () => sock.write(req[i++ % req.length])); }));
tests.push(probe("1 byte 'G' then silent", (sock) => sock.write("G")));
tests.push(probe("'P' (h2-looking) byte each 500ms", (sock) => { const p = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"; let i = 0; every(sock, 500, () => { if (i < 13) sock.write(p[i++]); }); }));
tests.push(probe("keep-alive then partial 2nd request", (sock) => { sock.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"); setTimeout(() => { let i = 0; const r = "GET /health HTTP/1.1\r\nHost: localhost\r\nX: "; every(sock, 300, () => sock.write(r[i++ % r.length])); }, 500); }));
tests.push(probe("POST body never sent (h1)", (sock) => sock.write("POST /api/v1/chat/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")));
tests.push(probe("POST body trickle 1B/500ms (h1)", (sock) => { sock.write("POST /api/v1/chat/message HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"); every(sock, 500, () => sock.write(" ")); }));
tests.push(probe("h2 preface only", (sock) => sock.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")));
const settings = Buffer.from([0,0,0, 4, 0, 0,0,0,0]);
const ping = () => Buffer.concat([Buffer.from([0,0,8, 6, 0, 0,0,0,0]), Buffer.alloc(8)]);
tests.push(probe("h2 preface + SETTINGS only", (sock) => sock.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), settings]))));
tests.push(probe("h2 preface + SETTINGS + PING every 1s", (sock) => { sock.write(Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), settings])); every(sock, 1000, () => sock.write(ping())); }));
await Promise.all(tests);
// h2 client: stream opened, body never sent
await new Promise<void>((res) => {
  const t0 = Date.now();
  const c = http2.connect(s.url);
  c.on("error", () => {});
  const streams = [];
  for (let i = 0; i < 3; i++) {
    const st = c.request({ ":path": "/api/v1/chat/message", ":method": "POST", "content-type": "application/json", "content-length": "100" }, { endStream: false });
    st.write("{");
    st.on("response", (h) => console.log("h2 body-never-sent stream", i, "response", h[":status"], "after", Date.now() - t0));
    st.on("error", () => {});
    streams.push(st);
  }
  const kill = setTimeout(() => { console.log("h2 stream body never sent: session STILL OPEN after", LIMIT, "ms, closed streams:", streams.filter(x=>x.closed).length); c.destroy(); res(); }, LIMIT);
  c.on("close", () => { clearTimeout(kill); console.log("h2 body-never-sent session closed after", Date.now() - t0); res(); });
});
// h2 idle after a stream, with pings
await new Promise<void>((res) => {
  const t0 = Date.now();
  const c = http2.connect(s.url);
  c.on("error", () => {});
  const st = c.request({ ":path": "/health" }); st.resume(); st.end();
  const iv = setInterval(() => { if (!c.destroyed) c.ping(() => {}); }, 1000);
  const kill = setTimeout(() => { console.log("h2 idle-after-stream with pings: STILL OPEN after", LIMIT); clearInterval(iv); c.destroy(); res(); }, LIMIT);
  c.on("goaway", () => console.log("h2 idle pings goaway after", Date.now() - t0));
  c.on("close", () => { clearTimeout(kill); clearInterval(iv); console.log("h2 idle-after-stream with pings closed after", Date.now() - t0); res(); });
});
await s.close();
