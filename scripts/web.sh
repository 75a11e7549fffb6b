#!/usr/bin/env bash
# Build the planner's page (web/ → api/static/) when the build is missing or older than its
# sources: `npm ci` (only when the lockfile changed) and `npm run build`.
# With --if-possible, a machine without npm gets a note instead of a failure: the server
# still runs, and its page at `/` says how to build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WEB="$ROOT/web"
BUILT="$ROOT/api/static/index.html"
if ! command -v npm >/dev/null 2>&1; then
    if [[ "${1:-}" == "--if-possible" ]]; then
        echo "note: npm not found, so the planner's page is not built (cd web && npm ci && npm run build)" >&2
        exit 0
    fi
    echo "error: npm is needed to build the planner's page (web/)" >&2
    exit 1
fi
sources=("$WEB/src" "$WEB/index.html" "$WEB/package.json" "$WEB/package-lock.json"
         "$WEB/vite.config.ts" "$WEB/tsconfig.json")
# The page's operation manifest, for an allow-list server (ALLIANCEGRAPH_OPERATIONS).
MANIFEST="$ROOT/api/static/operations.json"
if [[ -f "$BUILT" && -z "$(find "${sources[@]}" -newer "$BUILT" -print -quit)" ]]; then
    [[ -f "$MANIFEST" ]] || python3 "$ROOT/scripts/operations.py" "$MANIFEST"
    exit 0
fi
cd "$WEB"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    echo "web: npm ci …" >&2
    npm ci --no-audit --no-fund >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
fi
echo "web: building the planner's page into api/static …" >&2
npm run build >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
python3 "$ROOT/scripts/operations.py" "$MANIFEST"
touch "$BUILT"
