#!/usr/bin/env bash
# Install what the tests need, start a real Neo4j 5.26 on 127.0.0.1, run the whole suite
# against it and the embedded store, then stop Neo4j. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
EXTRAS=test source scripts/venv.sh

# The planner's page: Debian's Chromium and a CJK font for the browser tests (tests/web),
# then the page itself (npm ci + build, skipped when up to date).
# poppler-utils (pdftoppm, pdffonts) looks at the county report's PDF.
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 \
        || ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei poppler-utils) \
        >/tmp/alliancegraph-apt.log 2>&1 \
        || { cat /tmp/alliancegraph-apt.log >&2; exit 1; }
fi
bash scripts/web.sh
# The GraphQL-over-HTTP specification's audit suite (npm graphql-http, pinned) for tests/serve.
if [[ ! -f tests/serve/audit/node_modules/.package-lock.json \
      || tests/serve/audit/package-lock.json -nt tests/serve/audit/node_modules/.package-lock.json ]]; then
    (cd tests/serve/audit && npm ci --no-audit --no-fund >/tmp/alliancegraph-audit-npm.log 2>&1) \
        || { cat /tmp/alliancegraph-audit-npm.log >&2; exit 1; }
fi

export PYTHON="$PWD/.venv/bin/python"
started_here=0
if ! bash scripts/neo4j.sh status >/dev/null 2>&1; then
    bash scripts/neo4j.sh start
    started_here=1
fi
stop_neo4j() { if [[ $started_here == 1 ]]; then bash scripts/neo4j.sh stop || true; fi; }
trap stop_neo4j EXIT

eval "$(bash scripts/neo4j.sh env)"
export TEST_NEO4J_URI="$NEO4J_URI" TEST_NEO4J_USER="$NEO4J_USER" TEST_NEO4J_PASSWORD="$NEO4J_PASSWORD"
# The product's own NEO4J_* must not leak into tests that expect the embedded default.
unset NEO4J_URI NEO4J_USER NEO4J_PASSWORD

ruff check .
mypy  # strict, on the packages pyproject.toml lists
ruff format --check . >/dev/null || echo "test.sh: note: ruff format would reformat some files"
python -m pytest "$@"
