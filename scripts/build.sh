#!/usr/bin/env bash
# Installs govkg on a fresh Debian machine (as root) and builds the knowledge graph from
# ../shared/corpus into out/ (TriG, Turtle, the Oxigraph store, report.json and the views).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
govkg build --corpus "${GOVKG_CORPUS:-../shared/corpus}" --out out
