import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import http2 from "node:http2";
import { startServer } from "../src/server/start-server.ts";
const wsdir = mkdtempSync(join(tmpdir(), "probe-"));
const s = await startServer({ workspace: wsdir, port: 0, logLevel: "warn", env: { FLOE_PROJECT_ROOT: wsdir, FLOE_API_KEYS: "sekrit" } });
const c = http2.connect(s.url);
for (const extra of [{}, { authorization: "Bearer sekrit" }, {"sec-websocket-protocol": "floe.v1, floe.api-key.c2Vrcml0"}]) {
  await new Promise<void>((res) => {
    const st = c.request({ ":path": "/api/v1/chat/stream", ":method": "GET", ...extra });
    let b = ""; let status = 0;
    st.on("response", (h) => status = h[":status"] as number);
    st.on("data", d => b += d); st.on("end", () => { console.log("h2 ws route", JSON.stringify(extra), status, b.slice(0, 200)); res(); });
    st.on("error", (e) => { console.log("h2 err", e.message); res(); });
    st.end();
  });
}
// plain HTTP/1.1 GET (no upgrade) to WS route
for (const h of [{}, { authorization: "Bearer sekrit" }]) {
  const r = await fetch(s.url + "/api/v1/chat/stream", { headers: h });
  console.log("h1 GET no upgrade", JSON.stringify(h), r.status, (await r.text()).slice(0, 200));
}
c.close(); await s.close();
