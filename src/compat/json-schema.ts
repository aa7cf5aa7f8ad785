import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schemas (OpenAPI 3.1 dialect) for messages in their documented JSON
 * shape (see doc-json.ts), derived from the proto descriptors so the API is
 * described once. Messages become `#/components/schemas/<typeName>` refs.
 */
export class SchemaBook {
  readonly components: Record<string, JsonSchema> = {};

  ref(desc: DescMessage): JsonSchema {
    if (desc.typeName === "google.protobuf.Struct") return { type: "object", additionalProperties: true };
    if (desc.typeName === "google.protobuf.Value") return {};
    if (!this.components[desc.typeName]) {
      this.components[desc.typeName] = {}; // reserve first: messages may be recursive
      const properties: Record<string, JsonSchema> = {};
      for (const f of desc.fields) properties[f.name] = this.field(f);
      this.components[desc.typeName] = { type: "object", properties };
    }
    return { $ref: `#/components/schemas/${desc.typeName}` };
  }

  private field(f: DescField): JsonSchema {
    switch (f.fieldKind) {
      case "scalar":
        return nullable(scalar(f.scalar), f.proto.proto3Optional ?? false);
      case "enum":
        return { type: "string", enum: f.enum.values.map((v) => v.name) };
      case "message":
        return { anyOf: [this.ref(f.message), { type: "null" }] };
      case "list":
        return {
          type: "array",
          items:
            f.listKind === "scalar"
              ? scalar(f.scalar)
              : f.listKind === "enum"
                ? { type: "string" }
                : this.ref(f.message),
        };
      case "map":
        return {
          type: "object",
          additionalProperties:
            f.mapKind === "scalar" ? scalar(f.scalar) : f.mapKind === "enum" ? { type: "string" } : this.ref(f.message),
        };
    }
  }
}

function scalar(t: ScalarType): JsonSchema {
  switch (t) {
    case ScalarType.STRING:
      return { type: "string" };
    case ScalarType.BOOL:
      return { type: "boolean" };
    case ScalarType.BYTES:
      return { type: "string", contentEncoding: "base64" };
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return { type: "number" };
    default:
      return { type: "integer" };
  }
}

function nullable(s: JsonSchema, yes: boolean): JsonSchema {
  return yes ? { ...s, type: [s.type as string, "null"] } : s;
}
