import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Reply } from "../test/support/fake-openai.js";

export interface UpstreamProcess {
  url: string;
  enqueue(...replies: Reply[]): Promise<void>;
  stop(): void;
}

/** Starts bench/fake-upstream-process and waits for its URL. */
export async function spawnUpstream(): Promise<UpstreamProcess> {
  const child = fork(fileURLToPath(new URL("./fake-upstream-process.js", import.meta.url)), {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  // Concurrent enqueues each wait for their acknowledgement on this one channel.
  child.setMaxListeners(0);
  const url = await new Promise<string>((resolve) => child.once("message", (m: { url: string }) => resolve(m.url)));
  let next = 0;
  return {
    url,
    enqueue: (...replies) =>
      new Promise<void>((resolve) => {
        const id = ++next;
        const onAck = (m: { ack?: number }) => {
          if (m.ack === id) {
            child.off("message", onAck);
            resolve();
          }
        };
        child.on("message", onAck);
        child.send({ id, enqueue: replies });
      }),
    stop: () => child.disconnect(),
  };
}
