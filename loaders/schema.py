"""The columns of every table: which are required, what each may hold, what each refers to.

This is the schema `docs/data-format.md` documents; the loader checks every row against it
and reports each problem with its file, line and column.
"""

from __future__ import annotations

import re
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
PERIOD = re.compile(r"^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$")


class ColumnError(ValueError):
    """A cell that does not hold what its column expects."""


def text(value: str) -> str:
    return value


def slug(value: str) -> str:
    if not SLUG.match(value):
        raise ColumnError(f"expected an id of lower-case letters, digits and '-', got {value!r}")
    return value


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ColumnError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def count(value: str) -> int:
    if not value.isdigit():
        raise ColumnError(f"expected a whole number >= 0, got {value!r}")
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

    def parse(value: str) -> StrEnum:
        try:
            return kind(value)
        except ValueError:
            raise ColumnError(f"expected one of {', '.join(allowed)}; got {value!r}") from None

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
    "divisions": (
        col("id", slug, required=True),
        col("name", required=True),
        col("level", enum(DivisionLevel), required=True),
        col("parent", slug, ref="division"),
        col("gb_code"),
        *PROVENANCE,
    ),
    "grids": (
        col("id", slug, required=True),
        col("name", required=True),
        col("division", slug, required=True, ref="division"),
        *PROVENANCE,
    ),
    "institutions": (
        col("id", slug, required=True),
        col("name", required=True),
        col("names_alt", listed),
        col("level", enum(Level), required=True),
        col("grade", enum(Grade)),
        col("level_text"),
        col("type", enum(InstitutionType), required=True),
        col("ownership", enum(Ownership), required=True),
        col("division", slug, ref="division"),
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
        col("name", required=True),
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
