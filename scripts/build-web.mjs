// Bundles the browser UI (web/main.ts and the CSS it imports) with esbuild into
// dist/web: index.html, and content-hashed assets under assets/. `npm run build`
// runs it; the UI tests call buildWeb() in-process with a folder of their own.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const DEFAULT_WEB_OUTDIR = join(ROOT, "dist", "web");
const ENTRY = join(ROOT, "web", "main.ts");

/** Builds the UI into `outdir` (emptied first); returns the asset names index.html links. */
export async function buildWeb(outdir = DEFAULT_WEB_OUTDIR) {
  await rm(outdir, { recursive: true, force: true });
  const assets = join(outdir, "assets");
  await mkdir(assets, { recursive: true });
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    sourcemap: "linked",
    outdir: assets,
    entryNames: "[name]-[hash]",
    metafile: true,
    logLevel: "silent",
  });
  const entry = Object.entries(result.metafile.outputs).find(
    ([, o]) => o.entryPoint && resolve(ROOT, o.entryPoint) === ENTRY,
  );
  if (!entry || !entry[1].cssBundle)
    throw new Error("build-web: esbuild produced no script or stylesheet for web/main.ts");
  const name = (out) => relative(assets, resolve(ROOT, out));
  const script = name(entry[0]);
  const style = name(entry[1].cssBundle);
  const template = await readFile(join(ROOT, "web", "index.html"), "utf8");
  const tags = `<link rel="stylesheet" href="/assets/${style}">\n<script type="module" src="/assets/${script}"></script>`;
  if (!template.includes("<!--floe:assets-->")) throw new Error("build-web: web/index.html lacks <!--floe:assets-->");
  await writeFile(join(outdir, "index.html"), template.replace("<!--floe:assets-->", tags));
  return { outdir, script, style };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outdir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_WEB_OUTDIR;
  const { script, style } = await buildWeb(outdir);
  console.log(`build-web: ${relative(ROOT, outdir) || "."}/index.html, assets/${script}, assets/${style}`);
}
