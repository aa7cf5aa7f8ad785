import { readFile } from "node:fs/promises";
import type { ServiceImpl } from "@connectrpc/connect";
import { parse as parseToml } from "smol-toml";
import type { Peer, PeerService } from "../../gen/floe/v1/peer_pb.js";
import type { AppContext } from "./app-context.js";

/**
 * Peers from the Aegis network file (`[peers.NAME]` tables with `ip` and
 * `groups`). A missing file means no peers; a malformed one is logged and
 * also means no peers, so discovery never takes the API down.
 */
export function peerService(app: AppContext): ServiceImpl<typeof PeerService> {
  return {
    async listPeers() {
      return { selfId: app.agentId, peers: await readPeers(app) };
    },
  };
}

async function readPeers(app: AppContext): Promise<Omit<Peer, "$typeName">[]> {
  const path = app.config.aegisNetFile;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT")
      app.log.error({ path, err: e }, "cannot read the Aegis network file; reporting no peers");
    return [];
  }
  try {
    const doc = parseToml(text) as { peers?: Record<string, { ip?: unknown; groups?: unknown }> };
    const peers = doc.peers ?? {};
    if (typeof peers !== "object" || Array.isArray(peers))
      throw new Error("`peers` must be a table of [peers.NAME] tables");
    return Object.entries(peers).map(([name, p]) => {
      if (typeof p !== "object" || p === null) throw new Error(`[peers.${name}] must be a table`);
      if (p.ip !== undefined && typeof p.ip !== "string") throw new Error(`peers.${name}.ip must be a string`);
      if (p.groups !== undefined && (!Array.isArray(p.groups) || p.groups.some((g) => typeof g !== "string")))
        throw new Error(`peers.${name}.groups must be a list of strings`);
      return {
        name,
        agentId: `pawan@${name}`,
        ip: (p.ip as string | undefined) ?? "",
        groups: (p.groups as string[] | undefined) ?? [],
      };
    });
  } catch (e) {
    app.log.error({ path, err: (e as Error).message }, "malformed Aegis network file; reporting no peers");
    return [];
  }
}
