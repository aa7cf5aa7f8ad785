import { createHash } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import OpenAI from "openai";
import { type DiscoveredModel, DiscoveredModelSchema } from "../../gen/floe/v1/model_pb.js";
import type { ProviderSettings } from "./provider-settings.js";

/** The fields OpenRouter's catalogue adds to an OpenAI model entry. */
interface CatalogueEntry {
  id: string;
  name?: string;
  context_length?: number;
  top_provider?: { max_completion_tokens?: number | null };
  pricing?: { prompt?: string | number; completion?: string | number };
}

interface Cached {
  at: number;
  models: DiscoveredModel[];
}

/**
 * OpenRouter's model catalogue (`GET /models` on the OpenRouter base URL,
 * through the openai SDK), cached in memory for `ttlMs`. The cache is keyed
 * by base URL and a hash of the key, so a changed endpoint or key is never
 * answered from another's list; failures are not cached. Concurrent callers
 * share one upstream request, so a caller that goes away does not cancel it
 * (the model timeout bounds it).
 */
export class ModelCatalogue {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<DiscoveredModel[]>>();

  constructor(
    private readonly settings: ProviderSettings,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async discover(): Promise<DiscoveredModel[]> {
    const config = this.settings;
    const { apiKey, baseUrl } = config.openrouter;
    if (!apiKey)
      throw new ConnectError(
        "model discovery needs OPENROUTER_API_KEY (or FLOE_OPENROUTER_API_KEY): set it and restart",
        Code.FailedPrecondition,
      );
    const key = `${baseUrl}\u0000${createHash("sha256").update(apiKey).digest("hex")}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.models;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = fetchCatalogue(config)
        .then((models) => {
          if (this.ttlMs > 0) this.cache.set(key, { at: this.now(), models });
          return models;
        })
        .finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }
}

async function fetchCatalogue(config: ProviderSettings): Promise<DiscoveredModel[]> {
  const { apiKey, baseUrl, siteUrl, siteTitle } = config.openrouter;
  const headers: Record<string, string> = {};
  if (siteUrl) headers["HTTP-Referer"] = siteUrl;
  if (siteTitle) headers["X-Title"] = siteTitle;
  const client = new OpenAI({
    apiKey,
    baseURL: baseUrl,
    maxRetries: config.maxRetries,
    timeout: config.timeoutMs,
    defaultHeaders: headers,
  });
  const out: DiscoveredModel[] = [];
  try {
    for await (const m of client.models.list()) out.push(toDiscovered(m as unknown as CatalogueEntry));
  } catch (e) {
    throw catalogueError(e, baseUrl);
  }
  return out;
}

function toDiscovered(e: CatalogueEntry): DiscoveredModel {
  return create(DiscoveredModelSchema, {
    id: e.id,
    name: e.name ?? e.id,
    provider: e.id.includes("/") ? e.id.split("/")[0]! : "",
    contextLength: e.context_length ?? 0,
    maxOutputTokens: e.top_provider?.max_completion_tokens ?? 0,
    pricing: { prompt: String(e.pricing?.prompt ?? ""), completion: String(e.pricing?.completion ?? "") },
  });
}

/**
 * Every failure of the catalogue is Unavailable: the client's request was
 * fine, the catalogue could not answer it. The message names the endpoint and
 * what to check.
 */
function catalogueError(e: unknown, baseUrl: string): ConnectError {
  const where = `the model catalogue at ${baseUrl}`;
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new ConnectError(`${where} did not answer in time: try again later`, Code.Unavailable);
  if (e instanceof OpenAI.APIConnectionError)
    return new ConnectError(
      `could not reach ${where}: ${e.message} (check FLOE_OPENROUTER_BASE_URL and the network)`,
      Code.Unavailable,
    );
  if (e instanceof OpenAI.APIError && typeof e.status === "number") {
    const hint =
      e.status === 401 || e.status === 403
        ? ": it refused the key, check OPENROUTER_API_KEY"
        : e.status === 429
          ? ": rate limited, try again later"
          : ": try again later";
    return new ConnectError(`${where} answered HTTP ${e.status}${hint}`, Code.Unavailable);
  }
  return new ConnectError(
    `${where} sent an answer Floe could not read: ${e instanceof Error ? e.message : String(e)}`,
    Code.Unavailable,
  );
}
