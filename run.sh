#!/usr/bin/env bash
# Install alliancegraph into .venv and run it on the embedded store with the bundled samples.
# Extra arguments go to the CLI: ./run.sh --sample ezhou institution 市中心医院
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
if [[ $# -eq 0 ]]; then
    set -- stats
fi
exec alliancegraph "$@"
