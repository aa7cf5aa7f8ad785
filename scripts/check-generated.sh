#!/usr/bin/env bash
# Fails when gen/ is not exactly what `npm run generate` makes from proto/.
set -euo pipefail
npm run --silent generate
if [ -n "$(git status --porcelain -- gen)" ]; then
  echo "gen/ differs from proto/: run 'npm run generate' and commit the result" >&2
  git status --porcelain -- gen >&2
  exit 1
fi
