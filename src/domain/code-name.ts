import { Code } from "@connectrpc/connect";

/** A Connect code as Floe's events, metrics and surfaces name it (`deadline_exceeded`). */
export function codeName(code: Code): string {
  return Code[code].replace(/[A-Z]/g, (c, i: number) => (i ? "_" : "") + c.toLowerCase());
}
