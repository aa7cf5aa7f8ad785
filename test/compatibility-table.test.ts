import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";

/**
 * docs/compatibility.md is the promise that every route of the two reference
 * documents is served and tested. This test keeps that promise honest: the
 * table must list every documented route, the server must register each
 * one, and each linked test file must actually call it.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

interface Route {
  surface: "Penguin" | "Pawan";
  method: string;
  path: string;
}

const key = (r: Route) => `${r.surface} ${r.method} ${r.path}`;

/** The routes a reference document names on a line of their own (`GET /x`, `WebSocket /y`). */
function documentedRoutes(doc: string, surface: Route["surface"]): Route[] {
  const routes = new Map<string, Route>();
  for (const m of doc.matchAll(/^(GET|POST|PUT|PATCH|DELETE|WebSocket) (\/\S*)\s*$/gm)) {
    const route: Route = { surface, method: m[1] === "WebSocket" ? "WS" : m[1]!, path: m[2]! };
    routes.set(key(route), route);
  }
  return [...routes.values()];
}

interface Row extends Route {
  tests: string[];
}

function tableRows(doc: string): Row[] {
  const rows: Row[] = [];
  for (const line of doc.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 6 || !(cells[1] === "Penguin" || cells[1] === "Pawan")) continue;
    const path = cells[3]!.replace(/`/g, "");
    const tests = [...cells[5]!.matchAll(/\((\.\.\/test\/[^)#]+)/g)].map((m) => m[1]!.replace("../", ""));
    rows.push({ surface: cells[1], method: cells[2]!, path, tests });
  }
  return rows;
}

/** The fixed parts of a documented path, without the surface prefix that test helpers add. */
function staticPieces(path: string): string[] {
  return path
    .replace(/^\/api\/v1/, "")
    .split(/\{[^}]+\}/)
    .map((p) => p.replace(/\/$/, ""))
    .filter((p) => p.length > 1);
}

const penguin = documentedRoutes(read("docs/reference/penguin-api-server.md"), "Penguin");
const pawan = documentedRoutes(read("docs/reference/pawan-api.md"), "Pawan");
const rows = tableRows(read("docs/compatibility.md"));

describe("docs/compatibility.md", () => {
  let c: CompatEnv;
  beforeAll(async () => {
    c = await createCompatEnv();
  });
  afterAll(async () => {
    await c.cleanup();
  });

  it("reads both reference documents (the parser found their routes)", () => {
    expect(penguin.length).toBeGreaterThan(50);
    expect(pawan.length).toBeGreaterThanOrEqual(9);
  });

  it("has one row per documented route", () => {
    const listed = new Set(rows.map(key));
    const missing = [...penguin, ...pawan].map(key).filter((k) => !listed.has(k));
    expect(missing).toEqual([]);
  });

  it("links every row to test files that call the route", () => {
    const unproven: string[] = [];
    for (const row of rows) {
      if (row.tests.length === 0) unproven.push(`${key(row)}: no test linked`);
      for (const file of row.tests) {
        if (!existsSync(join(ROOT, file))) {
          unproven.push(`${key(row)}: ${file} does not exist`);
          continue;
        }
        const source = read(file);
        const absent = staticPieces(row.path).filter((p) => !source.includes(p));
        if (absent.length > 0) unproven.push(`${key(row)}: ${file} never names ${absent.join(", ")}`);
      }
    }
    expect(unproven).toEqual([]);
  });

  it("serves every row's route", () => {
    const unserved = rows.filter((row) => {
      const url = row.path.replace(/\{([^}]+)\}/g, ":$1");
      const method = row.method === "WS" ? "GET" : row.method;
      return !c.server.fastify.hasRoute({ method: method as "GET", url });
    });
    expect(unserved.map(key)).toEqual([]);
  });

  it("links every AG-UI row to tests that exist, by the start of their names", () => {
    const agUi = read("docs/compatibility.md")
      .split("\n")
      .filter((line) => /^\|\s*AG-UI\s*\|/.test(line));
    expect(agUi.length).toBeGreaterThan(5);
    const unproven: string[] = [];
    for (const line of agUi) {
      const links = [...line.matchAll(/\[([^\]]+)\]\((\.\.\/test\/[^)#]+)\)/g)];
      if (links.length === 0) unproven.push(`${line.slice(0, 60)}: no test linked`);
      for (const [, name, file] of links) {
        const path = file!.replace("../", "");
        if (!existsSync(join(ROOT, path)) || !read(path).includes(`"${name}`)) unproven.push(`${name} in ${path}`);
      }
    }
    expect(unproven).toEqual([]);
    expect(c.server.fastify.hasRoute({ method: "POST", url: "/ag-ui" })).toBe(true);
    expect(c.server.fastify.hasRoute({ method: "POST", url: "/api/v1/ag-ui" })).toBe(true);
  });
});

/** The MCP rows (`| MCP | `method` | ... | tests |`): Floe's calls as an MCP client. */
function mcpRows(doc: string): { method: string; tests: string[] }[] {
  return doc
    .split("\n")
    .map((line) => line.split("|").map((c) => c.trim()))
    .filter((cells) => cells.length >= 6 && cells[1] === "MCP")
    .map((cells) => ({
      method: cells[2]!.replace(/`/g, ""),
      tests: [...cells[4]!.matchAll(/\((\.\.\/test\/[^)#]+)/g)].map((m) => m[1]!.replace("../", "")),
    }));
}

describe("docs/compatibility.md, MCP client rows", () => {
  const mcp = mcpRows(read("docs/compatibility.md"));

  it("lists the MCP methods Floe uses, each linked to tests that name it", () => {
    expect(mcp.map((r) => r.method)).toEqual(
      expect.arrayContaining(["initialize", "tools/list", "tools/call", "notifications/tools/list_changed"]),
    );
    const unproven = mcp.flatMap((r) =>
      r.tests.length === 0
        ? [`${r.method}: no test linked`]
        : r.tests
            .filter((f) => !existsSync(join(ROOT, f)) || !read(f).includes(r.method))
            .map((f) => `${r.method}: ${f} is missing or never names it`),
    );
    expect(unproven).toEqual([]);
  });
});

/** An A2A row: its route (empty for delegation out), what the tests call, and the linked test files. */
interface A2aRow {
  method: string;
  route: string;
  proof: string;
  tests: string[];
}

function a2aRows(doc: string): A2aRow[] {
  const out: A2aRow[] = [];
  for (const line of doc.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 8 || cells[1] !== "A2A") continue;
    const tests = [...cells[6]!.matchAll(/\((\.\.\/test\/[^)#]+)/g)].map((m) => m[1]!.replace("../", ""));
    out.push({ method: cells[2]!, route: cells[3]!.replace(/`/g, ""), proof: cells[5]!.replace(/`/g, ""), tests });
  }
  return out;
}

describe("docs/compatibility.md, A2A rows", () => {
  const a2a = a2aRows(read("docs/compatibility.md"));

  it("lists the A2A methods, each linked to test files that make the SDK call it names", () => {
    expect(a2a.length).toBeGreaterThanOrEqual(9);
    const unproven: string[] = [];
    for (const row of a2a) {
      if (row.tests.length === 0) unproven.push(`${row.method}: no test linked`);
      for (const file of row.tests) {
        if (!existsSync(join(ROOT, file))) unproven.push(`${row.method}: ${file} does not exist`);
        else if (!read(file).includes(row.proof)) unproven.push(`${row.method}: ${file} never calls ${row.proof}`);
      }
    }
    expect(unproven).toEqual([]);
  });

  it("serves every A2A row's route", async () => {
    const c = await createCompatEnv();
    try {
      const unserved = a2a.filter((row) => {
        if (!row.route) return false;
        const url = row.route.replace(/\{([^}]+)\}/g, ":$1");
        const method = url.endsWith(".json") ? "GET" : "POST";
        return !c.server.fastify.hasRoute({ method, url });
      });
      expect(unserved.map((r) => r.method)).toEqual([]);
    } finally {
      await c.cleanup();
    }
  });
});
