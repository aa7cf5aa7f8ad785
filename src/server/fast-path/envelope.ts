/**
 * One length-prefixed message as Connect streams and gRPC frame it: a flags
 * byte, the length as a big-endian uint32, then the bytes.
 */
export function envelope(flags: number, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + data.byteLength);
  out[0] = flags;
  out.writeUInt32BE(data.byteLength, 1);
  out.set(data, 5);
  return out;
}
