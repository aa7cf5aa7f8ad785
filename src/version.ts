import { readFileSync } from "node:fs";

/** Floe's version, read once from package.json so that every surface reports the same. */
export const FLOE_VERSION: string = (() => {
  for (const rel of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "floe" && pkg.version) return pkg.version;
    } catch {
      // try the next candidate: src/ runs from source, dist/src/ from the build
    }
  }
  return "0.0.0";
})();
