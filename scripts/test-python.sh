#!/usr/bin/env bash
# The Python binding's smoke test: jsii-pacmak turns the jsii assembly (and the npm tarball, which
# `npm pack` builds with jsii) into a wheel; the wheel goes into a fresh virtual environment with its
# dependencies from PyPI (cdk8s, constructs, cdk8s-plus-27, the jsii runtime), and pytest runs
# test/bindings/python there. Needs python3 with venv and pip.
set -euo pipefail
cd "$(dirname "$0")/.."
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1

rm -rf build/packages/python
npx jsii-pacmak --targets python --force
wheel=$(ls build/packages/python/*.whl)

venv=build/python-venv
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$wheel" pytest==8.4.2
"$venv/bin/python" -m pytest -q -p no:cacheprovider test/bindings/python
