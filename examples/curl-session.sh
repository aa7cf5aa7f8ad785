#!/usr/bin/env bash
# A curl session against a live Floe server, on its three faces: Connect JSON,
# Penguin's /api/v1 REST, and Pawan's SSE stream.
#
#   FLOE_URL=http://127.0.0.1:8000 [FLOE_API_KEY=...] bash examples/curl-session.sh
set -euo pipefail
URL="${FLOE_URL:-http://127.0.0.1:8000}"
AUTH=()
[ -n "${FLOE_API_KEY:-}" ] && AUTH=(-H "authorization: Bearer $FLOE_API_KEY")
json() { curl -sS --fail-with-body "${AUTH[@]}" -H 'content-type: application/json' "$@"; }

echo "== health (Connect JSON)"
json -X POST "$URL/floe.v1.HealthService/GetHealth" -d '{}'
echo

echo "== create a conversation (Connect JSON)"
conversation=$(json -X POST "$URL/floe.v1.ConversationService/CreateConversation" -d '{"name":"curl session"}')
echo "$conversation"
id=$(printf '%s' "$conversation" | sed -E 's/.*"id":"([^"]+)".*/\1/')

echo "== chat in it (Penguin REST)"
json -X POST "$URL/api/v1/chat/message" -d "{\"text\":\"Say hello\",\"conversation_id\":\"$id\"}"
echo

echo "== its history (Penguin REST)"
json "$URL/api/v1/conversations/$id/history"
echo

echo "== a streamed answer (Pawan SSE)"
curl -sS -N --fail-with-body "${AUTH[@]}" -H 'content-type: application/json' \
  -X POST "$URL/chat/stream" -d "{\"message\":\"Stream a greeting\",\"session_id\":\"$id\"}"
