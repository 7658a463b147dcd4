#!/usr/bin/env bash
# Everything `npm test` needs on a fresh machine: the compiled CLI, the lineage viewer's
# prebuilt extension, the Python venv with pinned Jupyter packages (test/setup/requirements.txt)
# and Debian's Chromium. Idempotent: a second run takes seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."

npm run build --silent

bash extensions/lineage-viewer/build.sh

requirements=test/setup/requirements.txt
stamp=.venv/.requirements.sha256
wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "prepare: creating .venv from $requirements" >&2
  rm -rf .venv
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  echo "$wanted" > "$stamp"
fi

if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    echo "prepare: installing Debian's chromium for the browser tests" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "prepare: chromium is missing; install Debian's chromium (apt-get install chromium) for the browser tests" >&2
    exit 1
  fi
fi
