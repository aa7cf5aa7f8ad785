import { type DescMessage, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import type { FastifyRequest } from "fastify";
import { invalidBody, invalidField } from "../services/request-errors.js";

/** The JSON body as an object; a missing body counts as `{}`. */
export function bodyObject(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null || b === "") return {};
  if (typeof b !== "object" || Array.isArray(b)) throw invalidBody("request body must be a JSON object");
  return b as Record<string, unknown>;
}

/**
 * A documented JSON body as a proto message. Field names are the documented
 * snake_case names; unknown fields are ignored, as the reference servers do;
 * a wrong type is an invalid body naming the field.
 */
export function parseAs<D extends DescMessage>(desc: D, json: Record<string, unknown>): MessageShape<D> {
  try {
    return fromJson(desc, json as JsonValue, { ignoreUnknownFields: true });
  } catch (e) {
    throw invalidBody(`invalid request body: ${(e as Error).message}`);
  }
}

/** A string field of a documented body; "" when absent (the service decides whether it is required). */
export function optionalString(json: Record<string, unknown>, field: string): string {
  const v = json[field];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidField(field, "must be a string");
  return v;
}

type Query = Record<string, string | string[] | undefined>;

function one(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Query)[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

export function queryString(req: FastifyRequest, name: string): string {
  return one(req, name) ?? "";
}

export function queryInt(req: FastifyRequest, name: string, fallback: number): number {
  const v = one(req, name);
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalidBody(`query parameter ${name} must be an integer, got ${JSON.stringify(v)}`);
  return n;
}

export function queryBool(req: FastifyRequest, name: string): boolean | undefined {
  const v = one(req, name)?.toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw invalidBody(`query parameter ${name} must be true or false, got ${JSON.stringify(v)}`);
}
