"""The columns of every table: which are required, what each may hold, what each refers to.

This is the schema `docs/data-format.md` documents; the loader checks every row against it
and reports each problem with its file, line and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from graphmodel.enums import (
    AllianceKind,
    Direction,
    DivisionLevel,
    Grade,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Ownership,
    ReferralRole,
    RoleCondition,
)

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PERIOD = re.compile(r"^[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")
# ISO 8601 extended form only: Python also reads `20240101`, which a person may not mean.
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
INT64_MAX = 2**63 - 1
# A cell a spreadsheet would run as a formula (CSV injection) starts with one of these.
FORMULA_LEAD = ("=", "+", "-", "@")
# Control, format (zero-width, bidi, BOM), private-use, unassigned and line/paragraph
# separators: never part of a name, and invisible, so that two names that look alike differ.
HIDDEN = frozenset(("Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"))


class ColumnError(ValueError):
    """A cell that does not hold what its column expects."""


def text(value: str) -> str:
    """Free text, kept as written; but not a formula (`=…`, `@…`), which no source, note or
    assumption is. A leading `+` or `-` is ordinary text here (`-` for "none", `+86 …`); every
    CSV export escapes all four.

    >>> text("-")
    '-'
    >>> text("=1+1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    loaders.schema.ColumnError: a cell may not start with '=': a spreadsheet would run ...
    """
    if value.startswith(("=", "@")):
        raise ColumnError(
            f"a cell may not start with {value[0]!r}: a spreadsheet would run it as a formula"
        )
    return value


def slug(value: str) -> str:
    if not SLUG.match(value):
        raise ColumnError(f"expected an id of lower-case letters, digits and '-', got {value!r}")
    return value


def name(value: str) -> str:
    """A name as written: visible characters only, and not one a spreadsheet would run.

    >>> name("鄂州市中心医院")
    '鄂州市中心医院'
    >>> name("鄂州\u200b中心医院")
    Traceback (most recent call last):
    ...
    loaders.schema.ColumnError: invisible character U+200B (Cf) in a name
    """
    for c in value:
        category = unicodedata.category(c)
        if category in HIDDEN or (c.isspace() and c not in " \u3000"):
            raise ColumnError(f"invisible character U+{ord(c):04X} ({category}) in a name")
    if value.startswith(FORMULA_LEAD):
        raise ColumnError(
            f"a name may not start with {value[0]!r}: a spreadsheet would run it as a formula"
        )
    return value


def names(value: str) -> tuple[str, ...]:
    return tuple(name(n) for n in listed(value))


def iso_date(value: str) -> date:
    if not ISO_DATE.match(value):
        raise ColumnError(f"expected a date YYYY-MM-DD, got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ColumnError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def count(value: str) -> int:
    """A whole number of ASCII digits that fits in 64 bits (Neo4j's integer).

    >>> count("12")
    12
    >>> count("²")
    Traceback (most recent call last):
    ...
    loaders.schema.ColumnError: expected a whole number >= 0, got '²'
    """
    if not value.isascii() or not value.isdigit():
        raise ColumnError(f"expected a whole number >= 0, got {value!r}")
    if len(value) > 19 or int(value) > INT64_MAX:
        raise ColumnError(f"{value[:30]} is larger than the largest count ({INT64_MAX:,})")
    return int(value)


def period(value: str) -> str:
    if not PERIOD.match(value):
        raise ColumnError(f"expected a period YYYY, YYYY-Qn or YYYY-MM, got {value!r}")
    return value


def clinical_subject(value: str) -> str:
    """A code of 《医疗机构诊疗科目名录》 (graphmodel/clinical_subjects.csv), canonical form."""
    from graphmodel.specialties import subject

    found = subject(value)
    if found is None:
        raise ColumnError(
            f"expected a code of 《医疗机构诊疗科目名录》 (e.g. 03.04), got {value!r}"
        )
    return found.code


def listed(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split("|") if part.strip())


def enum(kind: type[StrEnum]) -> Callable[[str], Any]:
    allowed = [m.value for m in kind if m.value]
    members = {m.value: m for m in kind}  # a dict lookup: the enum's call is ~10x slower

    def parse(value: str) -> StrEnum:
        found = members.get(value)
        if found is not None:
            return found
        try:
            return kind(value)
        except ValueError:
            raise ColumnError(f"expected one of {', '.join(allowed)}; got {value!r}") from None

    parse.members = members  # type: ignore[attr-defined]  # for `loaders.columns`
    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Callable[[str], Any] = text
    required: bool = False
    ref: str | None = None  # the node kind an id refers to


def col(
    name: str, parse: Callable[[str], Any] = text, *, required: bool = False, ref: str | None = None
) -> Column:
    return Column(name, parse, required, ref)


PROVENANCE = (col("source"), col("assumption"))
VALIDITY = (col("valid_from", iso_date), col("valid_to", iso_date))

TABLES: dict[str, tuple[Column, ...]] = {
    # id, name and level may be left to a `code` of the national list (loaders/division_codes.py).
    "divisions": (
        col("id", slug),
        col("name", name),
        col("level", enum(DivisionLevel)),
        col("parent", slug, ref="division"),
        col("code"),
        col("gb_code"),
        *VALIDITY,
        *PROVENANCE,
    ),
    "grids": (
        col("id", slug, required=True),
        col("name", name, required=True),
        col("division", slug, required=True, ref="division"),
        *PROVENANCE,
    ),
    "institutions": (
        col("id", slug, required=True),
        col("name", name, required=True),
        col("names_alt", names),
        col("level", enum(Level), required=True),
        col("grade", enum(Grade)),
        col("level_text"),
        col("type", enum(InstitutionType), required=True),
        col("ownership", enum(Ownership), required=True),
        col("division", slug, ref="division"),
        col("address", text),
        col("specialties", listed),
        col("review_passed_on", iso_date),
        col("uscc"),
        col("note"),
        *PROVENANCE,
    ),
    "roles": (
        col("institution", slug, required=True, ref="institution"),
        col("role", enum(ReferralRole), required=True),
        col("condition", enum(RoleCondition)),
        col("condition_value"),
        *PROVENANCE,
    ),
    "alliances": (
        col("id", slug, required=True),
        col("name", name, required=True),
        col("kind", enum(AllianceKind), required=True),
        col("integration", enum(Integration), required=True),
        col("division", slug, ref="division"),
        col("specialty"),
        *VALIDITY,
        *PROVENANCE,
    ),
    "memberships": (
        col("institution", slug, required=True, ref="institution"),
        col("alliance", slug, required=True, ref="alliance"),
        col("role", enum(MemberRole), required=True),
        *VALIDITY,
        *PROVENANCE,
    ),
    "serves": (
        col("alliance", slug, required=True, ref="alliance"),
        col("grid", slug, required=True, ref="grid"),
        *VALIDITY,
        *PROVENANCE,
    ),
    "pairings": (
        col("alliance", slug, required=True, ref="alliance"),
        col("upper", slug, required=True, ref="institution"),
        col("lower", slug, required=True, ref="institution"),
        col("upper_department"),
        col("specialty"),
        col("specialty_code", clinical_subject),
        col("responsible_upper"),
        col("responsible_lower"),
        *VALIDITY,
        *PROVENANCE,
    ),
    "channels": (
        col("from", slug, required=True, ref="institution"),
        col("to", slug, required=True, ref="institution"),
        col("direction", enum(Direction), required=True),
        col("alliance", slug, ref="alliance"),
        col("conditions", listed),
        *VALIDITY,
        *PROVENANCE,
    ),
    "referrals": (
        col("from", slug, required=True, ref="institution"),
        col("to", slug, required=True, ref="institution"),
        col("period", period, required=True),
        col("direction", enum(Direction), required=True),
        col("condition"),
        col("count", count, required=True),
        *PROVENANCE,
    ),
}

# Loaded in this order, so that every reference points at a table read before it.
ORDER = tuple(TABLES)
REQUIRED_TABLES = ("institutions",)
