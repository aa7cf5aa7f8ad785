// A tiny round-robin load balancer for trying several Floe instances on
// loopback: each request (streams included) goes to the next backend in turn.
// No sticky sessions: any instance serves any request.
//
//   node examples/round-robin.mjs PORT http://127.0.0.1:8001 http://127.0.0.1:8002
import http from "node:http";

const [port = "8000", ...backends] = process.argv.slice(2);
if (backends.length === 0) {
  process.stderr.write("usage: node examples/round-robin.mjs PORT BACKEND_URL...\n");
  process.exit(2);
}
let next = 0;
const server = http.createServer((req, res) => {
  const target = new URL(req.url ?? "/", backends[next++ % backends.length]);
  process.stdout.write(`${req.method} ${req.url} -> ${target.origin}\n`);
  const upstream = http.request(target, { method: req.method, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on("error", (err) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end(`backend ${target.origin} failed: ${err.message}\n`);
  });
  req.pipe(upstream);
});
server.listen(Number(port), "127.0.0.1", () => {
  process.stdout.write(`load balancer listening on http://127.0.0.1:${server.address().port}\n`);
});
