import { create, type DescFile, type DescService, fromBinary as fromBinaryAs, toBinary } from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import * as v1 from "../../gen/grpc/reflection/v1/reflection_pb.js";
import * as v1alpha from "../../gen/grpc/reflection/v1alpha/reflection_pb.js";

type Request = v1.ServerReflectionRequest;
type Response = v1.ServerReflectionResponse;

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

/**
 * gRPC server reflection over the descriptors that protoc-gen-es embedded in
 * gen/, so grpcurl, buf curl and Postman work without the .proto files.
 */
export class ReflectionIndex {
  private readonly byName = new Map<string, DescFile>();
  private readonly bySymbol = new Map<string, DescFile>();
  readonly serviceNames: string[];

  constructor(services: readonly DescService[]) {
    const visit = (file: DescFile) => {
      if (this.byName.has(file.proto.name)) return;
      this.byName.set(file.proto.name, file);
      for (const t of nestedTypes(file)) {
        this.bySymbol.set(t.typeName, file);
        if (t.kind === "service") for (const m of t.methods) this.bySymbol.set(`${t.typeName}.${m.name}`, file);
      }
      for (const dep of file.dependencies) visit(dep);
    };
    for (const s of services) visit(s.file);
    this.serviceNames = services.map((s) => s.typeName);
  }

  /** The file and every file it depends on, transitively, each once. */
  private withDependencies(file: DescFile): Uint8Array[] {
    const out: Uint8Array[] = [];
    const seen = new Set<string>();
    const visit = (f: DescFile) => {
      if (seen.has(f.name)) return;
      seen.add(f.name);
      out.push(toBinary(FileDescriptorProtoSchema, f.proto));
      for (const d of f.dependencies) visit(d);
    };
    visit(file);
    return out;
  }

  answer(req: Request): Response["messageResponse"] {
    const q = req.messageRequest;
    const error = (code: number, msg: string): Response["messageResponse"] => ({
      case: "errorResponse",
      value: create(v1.ErrorResponseSchema, { errorCode: code, errorMessage: msg }),
    });
    const files = (f: DescFile | undefined, what: string): Response["messageResponse"] =>
      f
        ? {
            case: "fileDescriptorResponse",
            value: create(v1.FileDescriptorResponseSchema, { fileDescriptorProto: this.withDependencies(f) }),
          }
        : error(NOT_FOUND, `${what} not found`);
    switch (q.case) {
      case "listServices":
        return {
          case: "listServicesResponse",
          value: create(v1.ListServiceResponseSchema, { service: this.serviceNames.map((name) => ({ name })) }),
        };
      case "fileByFilename":
        return files(this.byName.get(q.value), `file ${q.value}`);
      case "fileContainingSymbol":
        return files(this.bySymbol.get(q.value.replace(/^\./, "")), `symbol ${q.value}`);
      case "allExtensionNumbersOfType":
        return {
          case: "allExtensionNumbersResponse",
          value: create(v1.ExtensionNumberResponseSchema, { baseTypeName: q.value, extensionNumber: [] }),
        };
      case "fileContainingExtension":
        return error(NOT_FOUND, `extension ${q.value.containingType}(${q.value.extensionNumber}) not found`);
      default:
        return error(UNIMPLEMENTED, "empty reflection request");
    }
  }
}

export function reflectionServiceV1(index: ReflectionIndex): ServiceImpl<typeof v1.ServerReflection> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield { validHost: req.host, originalRequest: req, messageResponse: index.answer(req) };
      }
    },
  };
}

/**
 * v1alpha has the same wire shape as v1, so its messages convert losslessly
 * through the binary encoding.
 */
export function reflectionServiceV1alpha(index: ReflectionIndex): ServiceImpl<typeof v1alpha.ServerReflection> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const alphaReq of requests) {
        const req = fromBinaryAs(
          v1.ServerReflectionRequestSchema,
          toBinary(v1alpha.ServerReflectionRequestSchema, alphaReq),
        );
        const res = create(v1.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: index.answer(req),
        });
        yield fromBinaryAs(v1alpha.ServerReflectionResponseSchema, toBinary(v1.ServerReflectionResponseSchema, res));
      }
    },
  };
}
