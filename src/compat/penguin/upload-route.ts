import fastifyMultipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { UploadService } from "../../../gen/floe/v1/upload_pb.js";
import { RequestError_Reason } from "../../services/request-errors.js";
import { badRequest, bodyTooLarge, invalidField } from "../../services/request-errors.js";
import type { SurfaceRoutes } from "../surface-routes.js";

/** The file part of a multipart upload, read whole; the surface's errors for what is wrong with it. */
async function uploadedFile(req: FastifyRequest, maxBytes: number): Promise<{ filename: string; data: Buffer }> {
  if (!req.isMultipart())
    throw badRequest('send the file as multipart/form-data, field "file"', RequestError_Reason.UNSUPPORTED_MEDIA_TYPE);
  const part = await req.file({ limits: { fileSize: maxBytes, files: 1 } }).catch((e: unknown) => {
    // A malformed multipart body (no boundary, a cut part, too many fields) is the client's error.
    throw badRequest(`malformed multipart body: ${(e as Error).message}`, RequestError_Reason.MALFORMED_BODY);
  });
  if (!part || part.fieldname !== "file") throw invalidField("file", 'is required: a multipart field named "file"');
  try {
    return { filename: part.filename, data: await part.toBuffer() };
  } catch (e) {
    if ((e as { code?: string }).code === "FST_REQ_FILE_TOO_LARGE")
      throw bodyTooLarge(`file is larger than the upload limit of ${maxBytes} bytes (max_upload_bytes)`);
    throw e;
  }
}

/** POST /api/v1/upload: an image for vision models, stored under `<workspace>/uploads/`. */
export async function registerPenguinUpload(
  fastify: FastifyInstance,
  r: SurfaceRoutes,
  maxBytes: number,
): Promise<void> {
  await fastify.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1, fields: 10 } });
  r.add({
    method: "POST",
    url: "/upload",
    tag: "uploads",
    summary: "Upload an image (multipart field `file`): png, jpeg, gif or webp, read from its bytes",
    response: {
      type: "object",
      properties: {
        path: { type: "string" },
        filename: { type: "string" },
        content_type: { type: "string" },
        size_bytes: { type: "integer" },
      },
    },
    async handler(req, reply) {
      const file = await uploadedFile(req, maxBytes);
      const res = await r.inv.unary(
        UploadService.method.uploadFile,
        { filename: file.filename, data: file.data },
        req,
        reply,
      );
      return { path: res.path, filename: res.filename, content_type: res.contentType, size_bytes: Number(res.size) };
    },
  });
}
