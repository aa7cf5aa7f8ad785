import type { AgentCard } from "@a2a-js/sdk";

/**
 * The card in A2A 0.3's shape (`url`, `preferredTransport`, JSON-Schema
 * security schemes), for clients that ask without `A2A-Version: 1.0` (0.3
 * SDKs, curl), as the SDK's own server does with its 0.3 compatibility on.
 */
export function legacyCard(card: AgentCard): Record<string, unknown> {
  const rpc = card.supportedInterfaces.find((i) => i.protocolVersion === "0.3") ?? card.supportedInterfaces[0];
  const keys = Object.keys(card.securitySchemes).length > 0;
  return {
    protocolVersion: "0.3.0",
    name: card.name,
    description: card.description,
    url: rpc?.url,
    preferredTransport: "JSONRPC",
    version: card.version,
    provider: card.provider,
    capabilities: { streaming: true, pushNotifications: false },
    supportsAuthenticatedExtendedCard: card.capabilities?.extendedAgentCard ?? false,
    ...(keys
      ? {
          securitySchemes: {
            bearer: { type: "http", scheme: "bearer", description: "A Floe API key as a bearer token" },
            apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "A Floe API key" },
          },
          security: [{ bearer: [] }, { apiKey: [] }],
        }
      : {}),
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map(({ id, name, description, tags }) => ({ id, name, description, tags })),
  };
}
