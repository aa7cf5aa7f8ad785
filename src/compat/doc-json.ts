import { type DescField, type DescMessage, type JsonObject, type JsonValue, ScalarType } from "@bufbuild/protobuf";

type AnyMessage = Record<string, unknown>;

function scalar(type: ScalarType, v: unknown): JsonValue {
  switch (type) {
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Number(v as bigint);
    case ScalarType.BYTES:
      return Buffer.from(v as Uint8Array).toString("base64");
    default:
      return v as JsonValue;
  }
}

function value(field: DescField, v: unknown): JsonValue {
  switch (field.fieldKind) {
    case "scalar":
      return scalar(field.scalar, v);
    case "enum":
      return field.enum.values.find((e) => e.number === v)?.name ?? (v as number);
    case "message":
      return message(field.message, v);
    case "list":
      return (v as unknown[]).map((x) =>
        field.listKind === "scalar"
          ? scalar(field.scalar, x)
          : field.listKind === "enum"
            ? (field.enum.values.find((e) => e.number === x)?.name ?? (x as number))
            : message(field.message, x),
      );
    case "map": {
      const out: JsonObject = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        out[k] =
          field.mapKind === "scalar"
            ? scalar(field.scalar, x)
            : field.mapKind === "enum"
              ? (x as number)
              : message(field.message, x);
      }
      return out;
    }
  }
}

function message(desc: DescMessage, v: unknown): JsonValue {
  // Struct and Value fields hold plain JSON already.
  if (desc.typeName === "google.protobuf.Struct" || desc.typeName === "google.protobuf.Value")
    return (v ?? {}) as JsonValue;
  return toDocJson(desc, v as AnyMessage);
}

/**
 * A message as the legacy documents show it: snake_case names, every field
 * present (defaults included, unset optionals as null), 64-bit integers as
 * numbers, enums by name. Proto JSON differs on each point.
 */
export function toDocJson(desc: DescMessage, msg: AnyMessage | undefined): JsonObject {
  const out: JsonObject = {};
  for (const field of desc.fields) {
    if (field.oneof) {
      const o = msg?.[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
      if (o?.case === field.localName) out[field.name] = value(field, o.value);
      continue;
    }
    const v = msg?.[field.localName];
    if (v === undefined) {
      out[field.name] =
        field.fieldKind === "message" || field.proto.proto3Optional
          ? null
          : field.fieldKind === "list"
            ? []
            : field.fieldKind === "map"
              ? {}
              : defaultOf(field);
      continue;
    }
    out[field.name] = value(field, v);
  }
  return out;
}

function defaultOf(field: DescField): JsonValue {
  if (field.fieldKind === "scalar") {
    if (field.scalar === ScalarType.STRING) return "";
    if (field.scalar === ScalarType.BOOL) return false;
    if (field.scalar === ScalarType.BYTES) return "";
    return 0;
  }
  if (field.fieldKind === "enum") return field.enum.values[0]?.name ?? 0;
  return null;
}
