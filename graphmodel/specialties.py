"""Clinical subjects (诊疗科目) of the national catalogue 《医疗机构诊疗科目名录》, and resolving
what a person types (a code, a standard name, a common alias) to them.

The catalogue was issued by the former Ministry of Health (卫医发〔1994〕第27号, later
additions) and ships as `clinical_subjects.csv` beside this module: code, standard name,
parent code, the project's own aliases (not the catalogue's: 心内科 for 03.04
心血管内科专业), source and assumption. See `clinical_subjects.md` for where it was
transcribed from. Pure: no store imports.

>>> [s.code for s in resolve("呼吸科")]
['03.01']
>>> [s.code for s in resolve("脑科")]  # an ambiguous alias returns every subject, not one
['03.03', '04.02']
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graphmodel.names import name_key

CATALOGUE = Path(__file__).with_name("clinical_subjects.csv")
_CODE = re.compile(r"^\d{1,2}(\.\d{1,2})?$")


@dataclass(frozen=True)
class ClinicalSubject:
    code: str  # 03.04
    name: str  # 心血管内科专业
    parent: str = ""  # 03
    aliases: tuple[str, ...] = ()  # the project's own, not the catalogue's
    source: str = ""
    assumption: str = ""


def normalise_code(text: str) -> str | None:
    """A catalogue code in its canonical form (two digits per level), or None.

    >>> normalise_code("3.4"), normalise_code("03.04"), normalise_code("19"), normalise_code("x")
    ('03.04', '03.04', '19', None)
    """
    text = text.strip()
    if not _CODE.match(text):
        return None
    return ".".join(part.zfill(2) for part in text.split("."))


def _key(text: str) -> str:
    return name_key(text).casefold()


@dataclass(frozen=True)
class Catalogue:
    subjects: dict[str, ClinicalSubject]  # by code, in catalogue order
    by_name: dict[str, tuple[str, ...]]  # name key -> codes
    by_alias: dict[str, tuple[str, ...]]  # alias key -> codes
    children: dict[str, tuple[str, ...]]  # code -> child codes


@cache
def catalogue() -> Catalogue:
    """The catalogue, read once."""
    subjects: dict[str, ClinicalSubject] = {}
    with CATALOGUE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = normalise_code(row["code"])
            if code is None or code in subjects:
                raise ValueError(f"{CATALOGUE.name}: bad or repeated code {row['code']!r}")
            aliases = tuple(a.strip() for a in row["project_aliases"].split("|") if a.strip())
            subjects[code] = ClinicalSubject(
                code=code,
                name=row["name"].strip(),
                parent=row["parent"].strip(),
                aliases=aliases,
                source=row["source"].strip(),
                assumption=row["assumption"].strip(),
            )
    by_name: dict[str, list[str]] = {}
    by_alias: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for s in subjects.values():
        by_name.setdefault(_key(s.name), []).append(s.code)
        for a in s.aliases:
            by_alias.setdefault(_key(a), []).append(s.code)
        if s.parent:
            children.setdefault(s.parent, []).append(s.code)
    return Catalogue(
        subjects=subjects,
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_alias={k: tuple(v) for k, v in by_alias.items()},
        children={k: tuple(v) for k, v in children.items()},
    )


def subject(code: str) -> ClinicalSubject | None:
    """The subject with this code (any spelling `normalise_code` accepts), or None.

    >>> subject("3.4").name
    '心血管内科专业'
    """
    canonical = normalise_code(code)
    return catalogue().subjects.get(canonical) if canonical else None


def resolve(text: str) -> tuple[ClinicalSubject, ...]:
    """Every subject `text` names: by code, else by standard name (either script), else by
    alias; several when an alias is ambiguous (脑科: 神经内科 and 神经外科), none if unknown.
    Sorted by code.

    >>> [s.code for s in resolve("心血管內科專業")], [s.code for s in resolve("03.04")]
    (['03.04'], ['03.04'])
    >>> resolve("脑科中心")
    ()
    """
    cat = catalogue()
    found = subject(text)
    if found is not None:
        return (found,)
    key = _key(text)
    codes = cat.by_name.get(key) or cat.by_alias.get(key) or ()
    return tuple(cat.subjects[c] for c in sorted(codes))


def with_descendants(codes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The codes and every code below them, sorted: 03 内科 covers 03.01 … 03.11.

    >>> with_descendants(["04"])[:3]
    ('04', '04.01', '04.02')
    """
    cat = catalogue()
    out: set[str] = set()
    stack = list(codes)
    while stack:
        code = stack.pop()
        if code not in out:
            out.add(code)
            stack.extend(cat.children.get(code, ()))
    return tuple(sorted(out))
