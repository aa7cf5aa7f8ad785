import { promisify } from "node:util";
import { brotliDecompress, gunzip } from "node:zlib";
import { Code, ConnectError } from "@connectrpc/connect";
import { bodyTooLarge } from "../../services/request-errors.js";

const decoders: Record<string, (buf: Uint8Array, opts: { maxOutputLength: number }) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  br: promisify(brotliDecompress),
};

/** The request encodings the fast path reads: Connect's `content-encoding`, gRPC's `grpc-encoding`. */
export const FAST_PATH_ENCODINGS = new Set(["identity", ...Object.keys(decoders)]);

/**
 * A compressed request message, inflated with the server's read limit
 * applied to what it inflates to: a body over the limit is 413 on every
 * path, however small it travelled.
 */
export async function decompress(encoding: string, bytes: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  const decode = decoders[encoding];
  if (!decode) return bytes;
  try {
    return await decode(bytes, { maxOutputLength: maxBytes });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
      throw bodyTooLarge(
        `request body is larger than the limit of ${maxBytes} bytes (max_body_bytes) once decompressed`,
      );
    }
    throw new ConnectError(`invalid ${encoding} request body: ${(e as Error).message}`, Code.InvalidArgument);
  }
}
