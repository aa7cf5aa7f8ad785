/** What a key may do: `read` lists and gets, `chat` starts and steers runs, `admin` changes the server. */
export type KeyScope = "read" | "chat" | "admin";

export const KEY_SCOPES: readonly KeyScope[] = ["read", "chat", "admin"];

/** An accepted API key, with the name the audit log records and the scopes it grants. */
export interface ApiKey {
  name: string;
  key: string;
  scopes: readonly KeyScope[];
}
