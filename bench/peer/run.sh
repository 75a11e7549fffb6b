#!/usr/bin/env bash
# The peer benchmark from a clean checkout: makes .venv (scripts/venv.sh), then runs
# `python -m bench.peer` (npm ci, its own Neo4j, both servers, check, rounds; see
# bench/peer/__main__.py). Arguments go to it, e.g. `bash bench/peer/run.sh --rounds 5`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=/dev/null
source scripts/venv.sh
exec "$ROOT/.venv/bin/python" -m bench.peer "$@"
