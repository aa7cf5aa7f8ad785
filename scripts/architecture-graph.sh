#!/usr/bin/env bash
# Redraws the dependency picture in docs/architecture.md from the code
# (dependency-cruiser, folders collapsed). With --check, fails when the
# picture in the document is not what the code draws.
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/architecture.md
graph="$(npx --no-install depcruise src --config .dependency-cruiser.cjs --output-type mermaid \
  --include-only '^src/' --collapse '^(src/server/fast-path|src/[^/]+)/' 2>/dev/null)"
updated="$(node -e '
  const [doc, graph] = [require("fs").readFileSync(process.argv[1], "utf8"), process.argv[2]];
  const begin = "<!-- graph:begin -->", end = "<!-- graph:end -->";
  const a = doc.indexOf(begin), b = doc.indexOf(end);
  if (a < 0 || b < 0) { console.error("docs/architecture.md has no graph markers"); process.exit(1); }
  process.stdout.write(doc.slice(0, a + begin.length) + "\n```mermaid\n" + graph.trim() + "\n```\n" + doc.slice(b));
' "$doc" "$graph")"
if [ "${1:-}" = "--check" ]; then
  if [ "$updated" != "$(cat "$doc")" ]; then
    echo "docs/architecture.md: the dependency picture is out of date; run npm run docs:arch" >&2
    exit 1
  fi
  echo "docs/architecture.md: the dependency picture matches the code"
else
  printf '%s' "$updated" > "$doc"
fi
