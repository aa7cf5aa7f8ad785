#!/usr/bin/env bash
# Fails when gen/ or the Python stubs differ from what `npm run generate` makes from proto/.
set -euo pipefail
npm run --silent generate
if [ -n "$(git status --porcelain -- gen clients/python/floe_client/_gen)" ]; then
  echo "gen/ differs from proto/: run 'npm run generate' and commit the result" >&2
  git status --porcelain -- gen clients/python/floe_client/_gen >&2
  exit 1
fi
