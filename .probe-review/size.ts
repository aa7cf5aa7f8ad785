import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http2 from "node:http2";
import net from "node:net";
import { gzipSync } from "node:zlib";
import WebSocket from "ws";
import { startServer } from "../src/server/start-server.ts";
import { startFakeOpenAI } from "../test/support/fake-openai.ts";
const fake = await startFakeOpenAI();
const wsdir = mkdtempSync(join(tmpdir(), "probe-"));
const logs: string[] = [];
const s = await startServer({ workspace: wsdir, port: 0, logLevel: "info", logStream: { write: (l) => { logs.push(l); } }, env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_PROJECT_ROOT: wsdir, FLOE_MAX_BODY_BYTES: "2000" } });
const big = JSON.stringify({ chat: { text: "x".repeat(5000) } });
const env = (b: Buffer, flags = 0) => { const h = Buffer.alloc(5); h[0] = flags; h.writeUInt32BE(b.length, 1); return Buffer.concat([h, b]); };
async function f(name: string, path: string, headers: Record<string,string>, body: any) {
  try {
    const r = await fetch(s.url + path, { method: "POST", headers, body, duplex: "half" } as any);
    console.log(name.padEnd(48), r.status, r.headers.get("grpc-status") ?? "", (await r.text()).slice(0, 140).replace(/[\x00-\x08]/g, "."));
  } catch (e) { console.log(name.padEnd(48), "ERR", (e as Error).message, (e as any).cause?.code); }
}
await f("connect unary json", "/floe.v1.ChatService/SendMessage", { "content-type": "application/json" }, big);
await f("connect unary json;charset=utf-8 (slow path)", "/floe.v1.ChatService/SendMessage", { "content-type": "application/json;charset=utf-8" }, big);
await f("connect unary json + timeout header", "/floe.v1.ChatService/SendMessage", { "content-type": "application/json", "connect-timeout-ms": "10000" }, big);
await f("connect unary gzip (small compressed)", "/floe.v1.ChatService/SendMessage", { "content-type": "application/json", "content-encoding": "gzip" }, gzipSync(big));
const bomb = gzipSync(Buffer.from(JSON.stringify({ chat: { text: "x".repeat(50_000_000) } })));
console.log("bomb compressed size", bomb.length);
await f("connect unary gzip bomb 50MB", "/floe.v1.ChatService/SendMessage", { "content-type": "application/json", "content-encoding": "gzip" }, bomb);
await f("connect stream json (fast)", "/floe.v1.ChatService/StreamMessage", { "content-type": "application/connect+json" }, env(Buffer.from(big)));
await f("connect stream json gzip envelope", "/floe.v1.ChatService/StreamMessage", { "content-type": "application/connect+json", "connect-content-encoding": "gzip" }, env(gzipSync(big), 1));
await f("connect stream json gzip bomb envelope", "/floe.v1.ChatService/StreamMessage", { "content-type": "application/connect+json", "connect-content-encoding": "gzip" }, env(bomb, 1));
await f("grpc-web", "/floe.v1.ChatService/SendMessage", { "content-type": "application/grpc-web+json" }, env(Buffer.from(big)));
await f("grpc over h1", "/floe.v1.ChatService/SendMessage", { "content-type": "application/grpc+json" }, env(Buffer.from(big)));
await f("penguin rest", "/api/v1/chat/message", { "content-type": "application/json" }, JSON.stringify({ text: "x".repeat(5000) }));
await f("penguin rest chunked (stream body)", "/api/v1/chat/message", { "content-type": "application/json" }, new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(JSON.stringify({ text: "x".repeat(5000) }))); c.close(); } }));
await f("pawan rest", "/api/chat", { "content-type": "application/json" }, JSON.stringify({ message: "x".repeat(5000) }));
await f("pawan sse", "/api/chat/stream", { "content-type": "application/json" }, JSON.stringify({ message: "x".repeat(5000) }));
await f("pawan rest gzip", "/api/chat", { "content-type": "application/json", "content-encoding": "gzip" }, gzipSync(JSON.stringify({ message: "hi" })));
await f("penguin unknown route big body", "/api/v1/zzz", { "content-type": "application/json" }, JSON.stringify({ text: "x".repeat(5000) }));
await f("connect unary bad proto", "/floe.v1.ChatService/SendMessage", { "content-type": "application/proto" }, Buffer.from([0xff, 0xff, 0xff, 0xff]));
await f("connect unary bad proto gzip (slow path)", "/floe.v1.ChatService/SendMessage", { "content-type": "application/proto", "content-encoding": "gzip" }, gzipSync(Buffer.from([0xff, 0xff, 0xff, 0xff])));
await f("connect unary bad proto + timeout (slow)", "/floe.v1.ChatService/SendMessage", { "content-type": "application/proto", "connect-timeout-ms": "5000" }, Buffer.from([0xff, 0xff, 0xff, 0xff]));
await f("connect stream bad proto", "/floe.v1.ChatService/StreamMessage", { "content-type": "application/connect+proto" }, env(Buffer.from([0xff, 0xff, 0xff])));
await f("grpc-web bad proto", "/floe.v1.ChatService/SendMessage", { "content-type": "application/grpc-web+proto" }, env(Buffer.from([0xff, 0xff, 0xff])));
// grpc h2
for (const [name, body, hdr] of [["grpc h2 big", env(Buffer.from(new Uint8Array(5000).fill(0x0a))), {}], ["grpc h2 bad proto", env(Buffer.from([0xff,0xff,0xff])), {}], ["grpc h2 bad proto w/ timeout (slow)", env(Buffer.from([0xff,0xff,0xff])), {"grpc-timeout": "5S"}], ["grpc h2 big w/ timeout (slow)", env(Buffer.from(new Uint8Array(5000).fill(0x0a))), {"grpc-timeout": "5S"}]] as const) {
  await new Promise<void>((res) => {
    const c = http2.connect(s.url);
    const st = c.request({ ":path": "/floe.v1.ChatService/SendMessage", ":method": "POST", "content-type": "application/grpc", te: "trailers", ...hdr });
    let status: any; let trailers: any = {};
    st.on("response", (h) => status = h);
    st.on("trailers", (t) => trailers = t);
    st.resume();
    st.on("close", () => { console.log(name.padEnd(48), status?.[":status"], "grpc-status", status?.["grpc-status"] ?? trailers["grpc-status"], decodeURIComponent(status?.["grpc-message"] ?? trailers["grpc-message"] ?? "")); c.close(); res(); });
    st.end(body);
  });
}
// headers too large
await new Promise<void>((res) => { const sck = net.connect(s.port, "127.0.0.1", () => sck.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20000) + "\r\n\r\n")); let b = ""; sck.on("data", d => b += d); sck.on("close", () => { console.log("h1 big header ->", b.split("\r\n")[0]); res(); }); sck.on("error", ()=>{}); });
await new Promise<void>((res) => { const c = http2.connect(s.url); c.on("error", (e)=>console.log("h2 big hdr session err", e.message)); const st = c.request({ ":path": "/health", "x-big": "a".repeat(70000) }); st.on("response", h => console.log("h2 big header ->", h[":status"])); st.on("error", e => console.log("h2 big header stream err", e.message)); st.resume(); st.on("close", () => { c.close(); res(); }); st.end(); });
// WS oversized message and invalid UTF-8
await new Promise<void>((res) => {
  const w = new WebSocket(s.url.replace("http", "ws") + "/api/v1/chat/stream");
  w.on("open", () => w.send("x".repeat(5000)));
  w.on("close", (code, reason) => { console.log("ws oversized close", code, reason.toString()); res(); });
  w.on("error", (e) => console.log("ws err", e.message));
});
await new Promise<void>((res) => {
  const w = new WebSocket(s.url.replace("http", "ws") + "/api/v1/chat/stream");
  w.on("open", () => { (w as any)._sender.sendFrame((WebSocket as any).Sender.frame(Buffer.from([0xff, 0xfe, 0xfd]), { fin: true, rsv1: false, opcode: 1, mask: true, readOnly: false }), () => {}); });
  w.on("close", (code, reason) => { console.log("ws invalid utf8 close", code, reason.toString()); res(); });
  w.on("error", (e) => {});
});
await new Promise(r => setTimeout(r, 300));
console.log("warn logs:", logs.filter(l => /websocket|"level":40/.test(l)).map(l => l.slice(0, 200)));
console.log("error logs:", logs.filter(l => /"level":50/.test(l)).length, logs.filter(l => /"level":50/.test(l)).map(l => l.slice(0, 300)));
await s.close(); await fake.close();
