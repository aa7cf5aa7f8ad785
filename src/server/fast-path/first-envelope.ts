import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";

const withExtraInput = new WeakSet<object>();

/** True when more bytes followed a server stream's request message. */
export function receivedExtraInput(raw: object): boolean {
  return withExtraInput.has(raw);
}

/**
 * A content-type parser for Connect server streams: resolves as soon as the
 * single enveloped request message is complete, instead of at the end of the
 * body. connect-node sends the end of a streamed body in a later packet, and
 * waiting for it delays the call (and the run's first token) by a round of
 * the client's event loop. As in Connect's own handler, bytes after the
 * message are a protocol error reported when the stream ends; they are read
 * and dropped meanwhile, so the connection stays usable.
 */
export function readFirstEnvelope(maxBytes: number) {
  return (
    req: { raw: IncomingMessage | object },
    payload: Readable,
    done: (err: Error | null, body?: Buffer) => void,
  ): void => {
    let buf: Buffer = Buffer.alloc(0);
    let delivered = false;
    const deliver = (err: Error | null, body?: Buffer) => {
      if (delivered) return;
      delivered = true;
      done(err, body);
    };
    payload.on("data", (chunk: Buffer) => {
      if (delivered) {
        if (chunk.length > 0) withExtraInput.add(req.raw);
        return;
      }
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      if (buf.length < 5) return;
      const length = buf.readUInt32BE(1);
      if (length > maxBytes)
        deliver(
          Object.assign(new Error(`message size ${length} is larger than configured readMaxBytes ${maxBytes}`), {
            statusCode: 413,
          }),
        );
      else if (buf.length >= 5 + length) deliver(null, buf);
    });
    payload.on("end", () => deliver(null, buf));
    payload.on("error", (e) => deliver(e));
  };
}
