import { Validator } from "@seriousme/openapi-schema-validator";
import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";

/** Every JSON route issue 4 maps, as the reference documents name them. */
const EXPECTED: [string, string][] = [
  ["post", "/api/v1/chat/message"],
  ["get", "/api/v1/conversations"],
  ["get", "/api/v1/conversations/{conversation_id}"],
  ["get", "/api/v1/conversations/{conversation_id}/history"],
  ["post", "/api/v1/conversations/create"],
  ["get", "/api/v1/models"],
  ["post", "/api/v1/models/load"],
  ["get", "/api/v1/models/current"],
  ["get", "/api/v1/models/discover"],
  ["get", "/api/v1/system/config"],
  ["post", "/api/v1/system/config/project-root"],
  ["post", "/api/v1/system/config/workspace-root"],
  ["post", "/api/v1/system/config/execution-mode"],
  ["get", "/api/v1/system/info"],
  ["get", "/api/v1/system/status"],
  ["get", "/api/v1/capabilities"],
  ["get", "/api/v1/token-usage"],
  ["get", "/api/v1/context-files"],
  ["post", "/api/v1/context-files/load"],
  ...["", "/api"].flatMap((p): [string, string][] => [
    ["get", `${p}/health`],
    ["get", `${p}/agents`],
    ["get", `${p}/models`],
    ["post", `${p}/chat`],
    ["post", `${p}/chat/stream`],
    ["get", `${p}/sessions`],
    ["post", `${p}/sessions`],
    ["get", `${p}/sessions/{id}`],
    ["delete", `${p}/sessions/{id}`],
  ]),
];

describe("OpenAPI document and pages", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("is a valid OpenAPI 3.1 document listing every JSON route, each of which exists", async () => {
    c = await createCompatEnv();
    const doc = (await c.call("GET", "/openapi.json")).body;
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => [m, path] as [string, string]),
    );
    expect(listed).toEqual(expect.arrayContaining(EXPECTED));
    for (const [method, path] of listed) {
      const url = path.replace(/\{([^}]+)\}/g, ":$1");
      expect(c.server.fastify.hasRoute({ method: method.toUpperCase() as "GET", url }), `${method} ${path}`).toBe(true);
    }
    // Message shapes come from the proto descriptors.
    expect(doc.components.schemas["floe.v1.SendMessageResponse"].properties.action_results.items.$ref).toBe(
      "#/components/schemas/floe.v1.ActionResult",
    );
  });

  it("serves Swagger UI at /api/docs and ReDoc at /api/redoc, with no external assets", async () => {
    c = await createCompatEnv();
    const ui = await fetch(`${c.server.url}/api/docs/`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain("swagger");
    const redoc = await fetch(`${c.server.url}/api/redoc`);
    const html = await redoc.text();
    expect(html).toContain('spec-url="/openapi.json"');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${c.server.url}/api/redoc/redoc.standalone.js`);
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(100_000);
  });
});
