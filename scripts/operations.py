"""Write the planner page's operation manifest: SHA-256 hex of each document → the document.

    python3 scripts/operations.py [OUT]      # default api/static/operations.json

The page (web/src/**/*.ts) keeps each GraphQL document in a top-level template constant,
`const NAME = \\`query …\\`;`, whose `${OTHER}` parts are other constants of the file (as
tests/api/test_cost.py reads them). The manifest is what `ALLIANCEGRAPH_OPERATIONS` takes
for an allow-list server: only the page's own operations run (api/persisted.py).
scripts/web.sh writes it beside the built page. Standard library only: it runs before any
virtualenv exists.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def page_operations(src: Path = ROOT / "web" / "src") -> dict[str, str]:
    """Each document of the page by `file:CONST`."""
    found = {}
    for path in sorted(src.rglob("*.ts")):
        source = path.read_text(encoding="utf-8")
        consts = dict(re.findall(r'^const ([A-Z_]+) = "([^"]*)";', source, re.M))
        for name, body in re.findall(r"^const ([A-Z_]+) = `(.*?)`;", source, re.M | re.S):
            if "\\" in body:
                raise SystemExit(f"{path}:{name}: a backslash would make the page's text differ")
            consts[name] = re.sub(r"\$\{([A-Z_]+)\}", lambda m, c=consts: c[m.group(1)], body)
            if re.match(r"\s*(query|mutation)\b", consts[name]):
                found[f"{path.relative_to(ROOT)}:{name}"] = consts[name]
    return found


def manifest() -> dict[str, str]:
    return {hashlib.sha256(d.encode("utf-8")).hexdigest(): d for d in page_operations().values()}


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "api" / "static" / "operations.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = manifest()
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{out}: {len(data)} operations", file=sys.stderr)


if __name__ == "__main__":
    main()
