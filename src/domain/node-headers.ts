/**
 * Node's request headers as a Headers object. HTTP/2 pseudo-headers
 * (`:path`, `:authority`) and symbol keys are left out; repeated headers keep
 * every value.
 */
export function headersFromNode(headers: Record<string, string | string[] | undefined>): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(":") || v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) h.append(k, x);
    else h.set(k, v);
  }
  return h;
}
