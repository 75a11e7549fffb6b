#!/usr/bin/env bash
# Install alliancegraph into .venv and serve its GraphQL API on the embedded store with the
# bundled samples (http://127.0.0.1:8000/graphql, GraphiQL on) and the planner's page at /
# (built first when npm is there). Extra arguments go to the CLI instead:
# ./run.sh --sample ezhou institution 市中心医院
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
if [[ $# -eq 0 ]]; then
    set -- serve --dev
fi
if [[ " $* " == *" serve "* ]]; then
    bash scripts/web.sh --if-possible   # the planner's page at /, when npm is there
fi
exec alliancegraph "$@"
