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
