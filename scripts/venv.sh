# Sourced by run.sh and test.sh: make .venv and install the project (with EXTRAS) into it.
# Reinstalls only when pyproject.toml has changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON_FOR_VENV:-python3}"
if [[ ! -x "$VENV/bin/python" ]]; then
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
STAMP="$VENV/.installed-${EXTRAS:-main}"
if [[ ! -f "$STAMP" || "$ROOT/pyproject.toml" -nt "$STAMP" ]]; then
    spec="$ROOT"
    [[ -n "${EXTRAS:-}" ]] && spec="$ROOT[$EXTRAS]"
    echo "installing alliancegraph${EXTRAS:+ [$EXTRAS]} into .venv …" >&2
    # setuptools warns on every editable install; keep the log, show it only on failure.
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -e "$spec" \
        >"$VENV/install.log" 2>&1; then
        cat "$VENV/install.log" >&2
        exit 1
    fi
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
