import { Code, ConnectError } from "@connectrpc/connect";
import { invalidField } from "./request-errors.js";

/** Throws InvalidArgument, naming the field, when a required string field is empty. */
export function requireField(value: string, field: string, hint = ""): string {
  const v = value.trim();
  if (!v) throw invalidField(field, `is required${hint ? `: ${hint}` : ""}`);
  return v;
}

/** Validates an optional limit: 0 means `fallback`; negative or above `max` is InvalidArgument. */
export function limitField(value: number, field: string, fallback: number, max: number): number {
  if (value === 0) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new ConnectError(`${field} must be between 1 and ${max}, got ${value}`, Code.InvalidArgument);
  }
  return value;
}

export function notFound(kind: string, id: string, hint: string): ConnectError {
  return new ConnectError(`${kind} ${JSON.stringify(id)} not found: ${hint}`, Code.NotFound);
}

export { validConversationId } from "../store/conversation-id.js";
