import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * The page may load only what this server serves, and talk only to it: no
 * inline script, no other site's images (a rendered answer cannot beacon its
 * text away through an `<img>`), no framing, no plugins.
 */
export const WEB_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** An asset name as the build writes it: no path, no leading dot. */
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$/;

/** `<package>/dist/web`, found from this module both in `src/server` (tsx) and `dist/src/server` (built). */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, "dist", "web");
}

/**
 * Serves the built browser UI: `/` (index.html, never cached) and
 * `/assets/<name>` (content-hashed, cached for good). Routes are read at
 * request time, so a build made while the server runs is served at once;
 * without a build `/` says how to make one.
 */
export function registerWebUi(fastify: FastifyInstance, root: string): void {
  const secure = (reply: FastifyReply) =>
    reply
      .header("content-security-policy", WEB_UI_CSP)
      .header("x-content-type-options", "nosniff")
      .header("referrer-policy", "no-referrer")
      .header("x-frame-options", "DENY");
  fastify.get("/", async (_req, reply) => {
    const html = await readFile(join(root, "index.html")).catch(() => undefined);
    if (!html) {
      return reply
        .code(503)
        .header("x-content-type-options", "nosniff")
        .send({ error: `the web UI is not built (no ${join(root, "index.html")}): run \`npm run build:web\`` });
    }
    return secure(reply).type("text/html; charset=utf-8").header("cache-control", "no-cache").send(html);
  });
  fastify.get<{ Params: { name: string } }>("/assets/:name", async (req, reply) => {
    const { name } = req.params;
    const type = TYPES[extname(name)];
    const body =
      ASSET_NAME.test(name) && type ? await readFile(join(root, "assets", name)).catch(() => undefined) : undefined;
    if (!body) return reply.callNotFound();
    return secure(reply).type(type!).header("cache-control", "public, max-age=31536000, immutable").send(body);
  });
}
