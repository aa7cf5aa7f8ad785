import { type DescMessage, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import type { FastifyRequest } from "fastify";
import { invalidBody, type JsonType, wrongType } from "../services/request-errors.js";

/** The JSON body as an object; a missing body counts as `{}`. */
export function bodyObject(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null || b === "") return {};
  if (typeof b !== "object" || Array.isArray(b)) throw wrongType("", "object");
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
    const message = (e as Error).message;
    // protobuf-es names the field and the JSON it expected: "cannot decode field floe.v1.X.max_iterations from
    // JSON: expected number (int32), got "many"".
    const m = /^cannot decode field [\w.]+\.(\w+) from JSON: expected (\w+)( \((\w+)\))?, got (.*)$/s.exec(message);
    if (m) throw wrongType(m[1]!, jsonType(m[2]!, m[4] ?? ""), "body", m[5]);
    throw invalidBody(`invalid request body: ${message}`);
  }
}

function jsonType(expected: string, scalar: string): JsonType {
  if (expected === "number") return /int/.test(scalar) ? "integer" : "number";
  if (expected === "Array") return "array";
  if (expected === "string" || expected === "boolean") return expected;
  return "object";
}

/** A string field of a documented body; "" when absent (the service decides whether it is required). */
export function optionalString(json: Record<string, unknown>, field: string): string {
  const v = json[field];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw wrongType(field, "string");
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
  if (!Number.isInteger(n)) throw wrongType(name, "integer", "query", JSON.stringify(v));
  return n;
}

export function queryBool(req: FastifyRequest, name: string): boolean | undefined {
  const v = one(req, name)?.toLowerCase();
  if (v === undefined || v === "") return undefined;
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw wrongType(name, "boolean", "query", JSON.stringify(v));
}
