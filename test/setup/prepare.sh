#!/usr/bin/env bash
# Everything `npm test` needs on a fresh machine: the compiled CLI, the Python venv with
# pinned Jupyter packages, Debian's Chromium. Idempotent: a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build --silent
