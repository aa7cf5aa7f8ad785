#!/usr/bin/env bash
# Makes sure `npm run generate` can make the Python client's stubs: Debian's
# protoc (the python and pyi generators are built into it) and
# grpc_python_plugin. The TypeScript side needs nothing beyond npm ci.
# Safe to run repeatedly; installs with apt-get only when run as root.
set -euo pipefail

missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null 2>&1 || missing+=(protobuf-compiler-grpc)
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-codegen-tools: installing ${missing[*]}" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "ensure-codegen-tools: npm run generate needs ${missing[*]} (Debian packages): install them" >&2
  exit 1
fi
