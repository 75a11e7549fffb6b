#!/usr/bin/env bash
# Install alliancegraph into .venv and serve its GraphQL API on the embedded store with the
# bundled samples (http://127.0.0.1:8000/graphql, GraphiQL on). Extra arguments go to the
# CLI instead: ./run.sh --sample ezhou institution 市中心医院
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
if [[ $# -eq 0 ]]; then
    set -- serve --dev
fi
exec alliancegraph "$@"
