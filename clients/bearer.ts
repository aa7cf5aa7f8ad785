import type { Interceptor } from "@connectrpc/connect";

/** Adds `Authorization: Bearer <key>` to every call; none without a key. */
export function bearerInterceptor(apiKey: string | undefined): Interceptor[] {
  if (!apiKey) return [];
  return [
    (next) => (req) => {
      req.header.set("authorization", `Bearer ${apiKey}`);
      return next(req);
    },
  ];
}
