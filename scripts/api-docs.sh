#!/usr/bin/env bash
# Writes the API reference from the jsii assembly (.jsii, made by `npm run build:jsii`): API.md for
# TypeScript/JavaScript and API.python.md for Python, the package root only (the generated L1 classes
# of the `l1` submodules mirror Istio's CRD reference). With --check, fails if the committed files differ.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
if [ ! -f .jsii ]; then
  echo ".jsii is missing: run 'npm run build:jsii' first." >&2
  exit 1
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx jsii-docgen --submodule root --language typescript --output "$out/API.md"
npx jsii-docgen --submodule root --language python --output "$out/API.python.md"
if [ "${1:-}" = "--check" ]; then
  for f in API.md API.python.md; do
    if ! cmp -s "$out/$f" "$f"; then
      echo "$f is stale: run 'npm run build:jsii && npm run docs' and commit the result." >&2
      diff -u "$f" "$out/$f" | head -40 >&2 || true
      exit 1
    fi
  done
  echo "API.md and API.python.md are up to date."
else
  cp "$out/API.md" "$out/API.python.md" .
  echo "wrote API.md and API.python.md"
fi
