/**
 * How many calls each fast-path route has served. A test that compares the
 * fast path with connect-fastify reads these to prove which path answered:
 * without them such a test stays green when the fast path is bypassed.
 */
export class FastPathCounters {
  /** Connect unary calls (JSON or binary). */
  unary = 0;
  /** gRPC unary calls over HTTP/2. */
  grpc = 0;
  /** Connect server streams. */
  stream = 0;
  /** Requests the fast path refused before a handler ran (a body too large, for one). */
  rejected = 0;
  /** Connect server streams delivered by push (the event feed), a subset of `stream`. */
  pushed = 0;

  snapshot(): { unary: number; grpc: number; stream: number; rejected: number } {
    return { unary: this.unary, grpc: this.grpc, stream: this.stream, rejected: this.rejected };
  }
}
