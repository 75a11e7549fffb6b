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
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
