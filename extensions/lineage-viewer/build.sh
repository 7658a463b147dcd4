#!/usr/bin/env bash
# Builds the prebuilt lineage-viewer labextension into extensions/lineage-viewer/labextension/
# (the folder `replab install` copies) with npm alone. Idempotent: when node_modules matches
# the lockfile and no source changed since the last build, it returns at once.
set -euo pipefail
cd "$(dirname "$0")"

stamp=.build-stamp
inputs=(package.json package-lock.json tsconfig.json build.sh src style)

# Reinstall only when the lockfile changed since node_modules was made.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ -f "$stamp" ] && [ -f labextension/package.json ] &&
  [ -z "$(find "${inputs[@]}" -newer "$stamp" -print -quit)" ]; then
  exit 0
fi

rm -rf lib labextension tsconfig.tsbuildinfo
npm run --silent build:lib
npm run --silent build:labextension >/dev/null
# The built extension must not carry this machine's paths (nothing absolute:
# docs/contracts.md, "Export directory").
if grep -rlE "$(pwd)|/home/|/root/" labextension >/dev/null; then
  echo "lineage-viewer: absolute path baked into labextension/" >&2
  exit 1
fi
touch "$stamp"
