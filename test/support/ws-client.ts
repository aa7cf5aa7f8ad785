import WebSocket from "ws";

export type Frame = { event: string; data: Record<string, any>; seq?: number; at: number };

/** A WebSocket client that records every frame with its arrival time. */
export async function connectWs(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  const waiters: (() => void)[] = [];
  ws.on("message", (raw) => {
    frames.push({ ...JSON.parse(String(raw)), at: performance.now() });
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const until = async (pred: (f: Frame[]) => boolean, ms = 5000) => {
    const end = Date.now() + ms;
    while (!pred(frames)) {
      if (Date.now() > end) throw new Error(`timed out; frames: ${JSON.stringify(frames.map((f) => f.event))}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 50);
      });
    }
  };
  return { ws, frames, until, send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)) };
}

/** Opens a WebSocket and reports how the handshake ended: open (with the selected subprotocol) or refused (status). */
export function wsHandshake(
  url: string,
  headers: Record<string, string> = {},
  protocols: string[] = [],
): Promise<{ status: number; body: string; protocol?: string; ws?: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once("open", () => resolve({ status: 101, body: "", protocol: ws.protocol, ws }));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
  });
}
