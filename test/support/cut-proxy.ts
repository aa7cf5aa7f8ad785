import http from "node:http";
import net from "node:net";

/**
 * A TCP proxy in front of a server, for dropping clients' connections
 * mid-stream the way a network does: `cut()` destroys every open connection
 * on both sides. New connections pass again at once. A control URL lets a
 * client in another process (the Python tests) ask for the cut.
 */
export interface CutProxy {
  /** `http://127.0.0.1:<port>`: dial this instead of the server. */
  url: string;
  /** POST here to cut; answers `{"cut": <connections destroyed>}`. */
  controlUrl: string;
  /** Destroys every open connection; returns how many there were. */
  cut(): number;
  /** Sends new connections to another server (one that could only start once this proxy's URL was known). */
  retarget(target: string): void;
  /** Connections accepted so far. */
  accepted(): number;
  /** The network is down: every open connection is cut and new ones are dropped at once, until `up()`. */
  down(): number;
  up(): void;
  close(): Promise<void>;
}

export async function startCutProxy(target: string): Promise<CutProxy> {
  let { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let accepted = 0;
  let isDown = false;
  const proxy = net.createServer((client) => {
    if (isDown) return void client.destroy();
    accepted += 1;
    const upstream = net.connect(Number(port), hostname);
    const pair = [client, upstream];
    for (const s of pair) {
      open.add(s);
      s.on("error", () => pair.forEach((p) => p.destroy()));
      s.on("close", () => {
        open.delete(s);
        pair.forEach((p) => p.destroy());
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const cut = () => {
    const clients = [...open].filter((s) => s.remotePort !== Number(port)).length;
    for (const s of open) s.destroy();
    open.clear();
    return clients;
  };
  const control = http.createServer((req, res) => {
    req.resume();
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ cut: cut() }));
  });
  const listen = (s: net.Server) =>
    new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port)));
  const [p, c] = await Promise.all([listen(proxy), listen(control)]);
  return {
    url: `http://127.0.0.1:${p}`,
    controlUrl: `http://127.0.0.1:${c}/cut`,
    cut,
    accepted: () => accepted,
    down: () => {
      isDown = true;
      return cut();
    },
    up: () => {
      isDown = false;
    },
    retarget: (to) => {
      ({ hostname, port } = new URL(to));
    },
    close: async () => {
      cut();
      await Promise.all([proxy, control].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
