#!/usr/bin/env bash
# Two Floe instances on one Postgres behind a round-robin load balancer, all
# on loopback. Nothing to configure beyond the database URL (and a model).
#
#   FLOE_DATABASE_URL=postgres://user@127.0.0.1:5432/floe \
#   OPENAI_BASE_URL=... OPENAI_API_KEY=... FLOE_MODEL=... \
#   bash examples/two-instances.sh [--demo]
#
# It prints the load balancer's URL and keeps running until Ctrl-C. With
# --demo it sends a chat through the balancer, reads its history back through
# it (each request lands on the other instance), and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FLOE_DATABASE_URL:?set FLOE_DATABASE_URL to a postgres:// URL shared by the instances}"
LB_PORT="${LB_PORT:-8000}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Starts one instance on a free port (in this shell, so that cleanup can stop it).
launch() {
  mkdir -p "$WORK/$1"
  node --import tsx src/cli.ts serve --port 0 --workspace "$WORK/$1" >"$WORK/$1.log" 2>&1 &
  PIDS+=("$!")
}

# Prints an instance's URL once it listens.
url_of() {
  local name="$1" log="$WORK/$1.log" url
  for _ in $(seq 1 300); do
    url=$(sed -nE 's/.*"url":"(http:[^"]+)".*"floe is listening".*/\1/p' "$log" | head -n1)
    if [ -n "$url" ]; then echo "$url"; return 0; fi
    sleep 0.1
  done
  echo "instance $name did not start:" >&2; cat "$log" >&2; return 1
}

echo "work dir: $WORK"
launch a
launch b
A=$(url_of a)
B=$(url_of b)
echo "instance a: $A"
echo "instance b: $B"
node examples/round-robin.mjs "$LB_PORT" "$A" "$B" >"$WORK/lb.log" 2>&1 &
PIDS+=("$!")
for _ in $(seq 1 100); do
  LB=$(sed -nE 's/.*listening on (http:[^ ]+).*/\1/p' "$WORK/lb.log" | head -n1)
  [ -n "$LB" ] && break
  sleep 0.1
done
echo "load balancer: $LB"

if [ "${1:-}" != "--demo" ]; then
  echo "Ctrl-C stops all three."
  wait
  exit 0
fi

json() { curl -sS --fail-with-body -H 'content-type: application/json' "$@"; }
echo "== a chat through the load balancer"
sent=$(json -X POST "$LB/floe.v1.ChatService/SendMessage" -d '{"chat":{"text":"Say hello"}}')
echo "$sent"
id=$(printf '%s' "$sent" | sed -E 's/.*"conversationId":"([^"]+)".*/\1/')
echo "== its history, through the load balancer (the other instance answers)"
json "$LB/api/v1/conversations/$id/history"
echo
echo "== who served what"
cat "$WORK/lb.log"
