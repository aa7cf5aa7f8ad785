import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import OpenAI from "openai";
import { type DiscoveredModel, DiscoveredModelSchema } from "../../gen/floe/v1/model_pb.js";
import { upstreamError } from "./openai-provider.js";
import type { ProviderSettings } from "./provider-settings.js";

/** The fields OpenRouter's catalogue adds to an OpenAI model entry. */
interface CatalogueEntry {
  id: string;
  name?: string;
  context_length?: number;
  top_provider?: { max_completion_tokens?: number | null };
  pricing?: { prompt?: string | number; completion?: string | number };
}

/**
 * Lists OpenRouter's model catalogue through the openai SDK (`GET /models`
 * on the OpenRouter base URL). Needs OPENROUTER_API_KEY; upstream failures
 * keep the code the model calls use.
 */
export async function discoverModels(config: ProviderSettings, signal?: AbortSignal): Promise<DiscoveredModel[]> {
  const { apiKey, baseUrl, siteUrl, siteTitle } = config.openrouter;
  if (!apiKey)
    throw new ConnectError(
      "model discovery needs OPENROUTER_API_KEY (or FLOE_OPENROUTER_API_KEY): set it and restart",
      Code.FailedPrecondition,
    );
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
    for await (const m of client.models.list({ signal })) {
      const e = m as unknown as CatalogueEntry;
      out.push(
        create(DiscoveredModelSchema, {
          id: e.id,
          name: e.name ?? e.id,
          provider: e.id.includes("/") ? e.id.split("/")[0]! : "",
          contextLength: e.context_length ?? 0,
          maxOutputTokens: e.top_provider?.max_completion_tokens ?? 0,
          pricing: { prompt: String(e.pricing?.prompt ?? ""), completion: String(e.pricing?.completion ?? "") },
        }),
      );
    }
  } catch (e) {
    throw upstreamError(e);
  }
  return out;
}
