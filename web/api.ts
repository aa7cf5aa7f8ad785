import { Code, ConnectError } from "@connectrpc/connect";
import { createFloeWebClient, type FloeAgentClient } from "../clients/web.js";
import { askForKey } from "./key-dialog.js";

const KEY_STORAGE = "floe.apiKey";

/**
 * The browser client of this page's server. It starts without a key (most
 * local servers have none); a call refused as Unauthenticated asks for one,
 * keeps it in sessionStorage (gone with the tab) and is made again.
 */
export class Api {
  client: FloeAgentClient;
  private key: string;

  constructor() {
    this.key = sessionStorage.getItem(KEY_STORAGE) ?? "";
    this.client = this.connect();
  }

  /** Runs `fn` with the client, asking for a key and retrying while the server refuses the one it has. */
  async call<T>(fn: (client: FloeAgentClient) => Promise<T>): Promise<T> {
    for (;;) {
      const client = this.client;
      try {
        return await fn(client);
      } catch (e) {
        if (!isUnauthenticated(e)) throw e;
        // Another call may have asked already: retry with its key before asking again.
        if (client === this.client) await this.askKey();
      }
    }
  }

  /** Asks for a key (saying why) and connects with it. */
  async askKey(): Promise<void> {
    const why = this.key ? "The server did not accept this API key. Enter another." : "This server needs an API key.";
    this.key = await askForKey(why);
    sessionStorage.setItem(KEY_STORAGE, this.key);
    this.client = this.connect();
  }

  private connect(): FloeAgentClient {
    return createFloeWebClient({ baseUrl: location.origin, apiKey: this.key || undefined, protocol: "connect" });
  }
}

export function isUnauthenticated(e: unknown): boolean {
  return ConnectError.from(e).code === Code.Unauthenticated;
}

/** What went wrong, for a person: the server's message without Connect's `[code]` prefix. */
export function describeError(e: unknown): string {
  const err = ConnectError.from(e);
  return err.rawMessage || err.message;
}
