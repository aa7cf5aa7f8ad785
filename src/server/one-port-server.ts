import http from "node:http";
import http2 from "node:http2";
import net from "node:net";

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** How long connections may take or idle (see ConnectionTimeouts in the config). */
export interface PortTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
  idleMs: number;
}

/** How long a connection whose HTTP/2 session is done may stay open at shutdown (its last frames leave). */
const FINISHED_SESSION_GRACE_MS = 500;

/** The HTTP/2 client connection preface starts with these bytes. */
const H2_PREFACE = Buffer.from("PRI * HTTP/2.0");

/**
 * One TCP port for HTTP/1.1 and cleartext HTTP/2 (prior knowledge). Each new
 * connection's first bytes are peeked: the HTTP/2 preface goes to an http2
 * server, anything else to an http server. `upgrade` events of the http server
 * are re-emitted so WebSocket routes keep working.
 *
 * Every connection is bounded, HTTP/1.1 and h2c alike: its first bytes must
 * come within the headers timeout; HTTP/1.1 requests get Node's headers,
 * request and keep-alive timeouts (408 on expiry); an HTTP/2 session must
 * open a stream within the headers timeout and is closed after the idle
 * timeout without open streams. Open streams (server streams, SSE,
 * WebSockets) are never cut by these.
 *
 * The close helpers mirror http.Server's so fastify's shutdown logic applies.
 */
export class OnePortServer extends net.Server {
  readonly h1: http.Server;
  readonly h2: http2.Http2Server;
  private readonly sockets = new Set<net.Socket>();
  /** Each HTTP/2 session, with the connection it runs on. */
  private readonly sessions = new Map<http2.ServerHttp2Session, net.Socket>();
  /** The connection being handed to the http2 server, which makes its session synchronously. */
  private handing: net.Socket | undefined;
  /** When shutdown first saw each session done on the server's side. */
  private readonly doneAt = new WeakMap<http2.ServerHttp2Session, number>();
  /** In-flight HTTP/1.1 requests per socket: a socket at zero is idle. */
  private readonly busy = new Map<net.Socket, number>();
  private closing = false;
  /** Connections whose first bytes have not come yet (see route). */
  private readonly unrouted = new Set<net.Socket>();

  constructor(
    handler: Handler,
    private readonly timeouts: PortTimeouts,
  ) {
    super({ pauseOnConnect: false });
    // Expired requests are found by a periodic check, so a limit is enforced up to one interval late: the
    // interval is taken off the limits, and a partial header is closed within headers_timeout_ms at the latest.
    const interval = Math.max(25, Math.min(1000, Math.floor(timeouts.headersMs / 20)));
    const h1Options = {
      keepAliveTimeout: timeouts.keepAliveMs,
      headersTimeout: Math.max(1, timeouts.headersMs - interval),
      requestTimeout: Math.max(timeouts.requestMs, timeouts.headersMs) - interval,
      connectionsCheckingInterval: interval,
    };
    this.h1 = http.createServer(h1Options, (req, res) => {
      const socket = req.socket;
      this.busy.set(socket, (this.busy.get(socket) ?? 0) + 1);
      if (this.closing) res.setHeader("connection", "close");
      res.once("close", () => {
        const n = (this.busy.get(socket) ?? 1) - 1;
        this.busy.set(socket, n);
        if (n === 0 && this.closing && !req.headers.upgrade) socket.end();
      });
      (handler as http.RequestListener)(req, res);
    });
    this.h2 = http2.createServer(
      // A finite stream limit per session: each open stream holds server resources.
      { settings: { maxConcurrentStreams: 256 } },
      handler as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void,
    );
    this.h1.on("upgrade", (...args) => this.emit("upgrade", ...args));
    this.h1.on("clientError", (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));
    this.h2.on("session", (session: http2.ServerHttp2Session) => this.bound(session));
    // Node checks headers and request timeouts only on servers that listen: the h1 server never does, so
    // its check is started as listening would start it.
    this.h1.emit("listening");
    this.on("connection", (socket) => this.route(socket));
  }

  /** An HTTP/2 session: a first stream within the headers timeout, then closed when idle without streams. */
  private bound(session: http2.ServerHttp2Session): void {
    if (this.handing) this.sessions.set(session, this.handing);
    session.once("close", () => this.sessions.delete(session));
    let open = 0;
    let started = false;
    session.setTimeout(this.timeouts.headersMs, () => {
      if (open > 0) return;
      // Never a stream (a partial preface, a silent client): cut. Idle after streams: a graceful GOAWAY.
      if (started) session.close();
      else session.destroy();
    });
    session.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      open++;
      started = true;
      session.setTimeout(0);
      this.boundRequest(stream, headers);
      stream.once("close", () => {
        open--;
        if (open === 0 && !session.destroyed) session.setTimeout(this.timeouts.idleMs);
      });
    });
  }

  /**
   * An HTTP/2 request's body must end within the request timeout, as on
   * HTTP/1.1: a stream that opens and never finishes its request is answered
   * 408 (or reset) and closed. gRPC streams are exempt: a bidirectional call
   * keeps its request side open by design, and gRPC carries its own deadlines.
   */
  private boundRequest(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    if (stream.endAfterHeaders || String(headers["content-type"]).startsWith("application/grpc")) return;
    const timer = setTimeout(() => {
      if (stream.destroyed || stream.state?.remoteClose) return;
      if (!stream.headersSent) stream.respond({ ":status": 408 }, { endStream: true });
      stream.close(http2.constants.NGHTTP2_CANCEL);
    }, this.timeouts.requestMs);
    timer.unref();
    stream.once("close", () => clearTimeout(timer));
  }

  private route(socket: net.Socket): void {
    // Streams write small frames (one per event); Nagle's algorithm would hold them back.
    socket.setNoDelay(true);
    this.sockets.add(socket);
    this.unrouted.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.busy.delete(socket);
      this.unrouted.delete(socket);
    });
    socket.on("error", () => socket.destroy());
    // A connection that says nothing, or not enough to tell HTTP/2 from HTTP/1.1, is closed.
    const silent = setTimeout(() => socket.destroy(), this.timeouts.headersMs);
    silent.unref();
    socket.once("close", () => clearTimeout(silent));
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const n = Math.min(head.length, H2_PREFACE.length);
      const isH2 = head.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      // Too few bytes to tell yet: wait for more.
      if (isH2 && n < H2_PREFACE.length) return;
      socket.removeListener("data", onData);
      this.unrouted.delete(socket);
      clearTimeout(silent);
      socket.pause();
      socket.unshift(head);
      if (isH2) {
        // http2 drains the unshifted bytes from the socket's buffer itself and
        // then reads the handle natively; resuming here would race it.
        this.handing = socket;
        try {
          this.h2.emit("connection", socket);
        } finally {
          this.handing = undefined;
        }
      } else {
        this.h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  }

  /**
   * Ends HTTP/1.1 connections with no request in flight (http.Server only tracks servers it listened on itself),
   * and cuts connections that have not said yet which protocol they speak: they hold no request.
   */
  closeIdleConnections(): void {
    for (const socket of this.sockets) {
      if (this.busy.get(socket) === 0) socket.end();
      else if (this.unrouted.has(socket)) socket.destroy();
    }
  }

  closeAllConnections(): void {
    this.h1.closeAllConnections();
    for (const s of this.sessions.keys()) s.destroy();
    for (const s of this.sockets) s.destroy();
  }

  /** Sends GOAWAY to every HTTP/2 session: in-flight streams finish, no new ones start. */
  closeHttp2Sessions(): void {
    for (const s of this.sessions.keys()) s.close();
  }

  /**
   * A session done on the server's side (GOAWAY sent, its streams ended) waits for the client to close the
   * connection; some clients never do (one that reset a stream keeps its session open), so shutdown cuts it.
   */
  private cutFinishedSessions(): void {
    const now = Date.now();
    for (const [session, socket] of this.sessions) {
      if (!session.destroyed) continue;
      // Its last frames may still be on their way out: cut only a connection that stayed open a while after.
      const since = this.doneAt.get(session) ?? now;
      this.doneAt.set(session, since);
      if (now - since >= FINISHED_SESSION_GRACE_MS) socket.destroy();
    }
  }

  override close(callback?: (err?: Error) => void): this {
    this.closing = true;
    super.close(callback);
    this.closeIdleConnections();
    this.closeHttp2Sessions();
    // Connections still busy after the grace period are cut so close() ends.
    const timer = setTimeout(() => this.closeAllConnections(), 3000);
    timer.unref();
    const sweep = setInterval(() => this.cutFinishedSessions(), 50);
    sweep.unref();
    this.once("close", () => clearInterval(sweep));
    return this;
  }
}

/** HTTP/1.1 answers to requests that never reached a route, as Node's default handler gives them. */
const CLIENT_ERROR_ANSWERS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: "431 Request Header Fields Too Large",
  ERR_HTTP_REQUEST_TIMEOUT: "408 Request Timeout",
};

/**
 * A malformed, oversized or too-slow request: an answer the client can read
 * (431, 408, else 400), then the connection closes. A socket that already
 * wrote a response, or cannot be written, is only closed.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: net.Socket | import("node:stream").Duplex): void {
  const s = socket as net.Socket;
  if (s.writable && !(s as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
    const status = CLIENT_ERROR_ANSWERS[err.code ?? ""] ?? "400 Bad Request";
    s.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => s.destroy());
    return;
  }
  s.destroy();
}
