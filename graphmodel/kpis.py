"""Referral figures for a period, held against the caps and targets of the region's policy.

The data records referral *flows* (how many patients one institution referred to another
in a period) and nothing else about activity. So the report computes what flows support
and says plainly what they do not:

- per institution: up and down referrals sent and received, the share of its referrals
  sent that went down (or up), and its leapfrog (越级) referrals. A cap on an institution's
  *referral rate* (转诊率, 000 §二(四)4, 003 §三(五)4) divides by its admissions, which the
  data does not hold: such a figure is `not_computable`, with the reason, never estimated.
- per policy region: the shares of referrals from the region's institutions received
  inside the region, outside the origin's city and outside its province, and the
  year-on-year growth of down-referrals from secondary and tertiary hospitals, which is
  held against a `down_referral_annual_growth` target (000 附件2 七). The in-county /
  in-city / out-of-city / cross-province *treatment* rates the policies target (000 附件2
  二, 003 §一, 004) count every patient, referred or not: `not_computable` too, with the
  referral-based share given as the nearest figure the data supports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from graphmodel.enums import Direction, Level, RuleKind
from graphmodel.institution import Institution
from graphmodel.policy import Rule
from graphmodel.referral import ReferralFlow

PASS, FAIL, NOT_COMPUTABLE, INFO = "pass", "fail", "not_computable", "info"

NO_ADMISSIONS = (
    "a referral rate divides by the institution's admissions in the period; the data records "
    "referral flows only, so the rate cannot be computed"
)
INSTITUTION_METRICS = {
    "up_referral_rate": NO_ADMISSIONS,
    "out_of_province_referral_rate": NO_ADMISSIONS,
    "average_length_of_stay_days": "the data records no inpatient stays",
}
TREATMENT_RATE = (
    "a treatment rate counts every patient of the region, including care sought outside it "
    "without referral; flows record referred patients only (nearest figure: {share})"
)
REGION_METRICS = {
    "down_referral_rate_inpatient": "needs the number of inpatients meeting the down-referral "
    "criteria, which the data does not record",
    "down_referral_rate_outpatient": "needs outpatient counts, which the data does not record",
    "in_county_treatment_rate": TREATMENT_RATE.format(share="referral_in_region_share"),
    "in_city_treatment_rate": TREATMENT_RATE.format(share="referral_in_region_share"),
    "out_of_city_treatment_rate": TREATMENT_RATE.format(share="referral_out_of_city_share"),
    "cross_province_treatment_rate": TREATMENT_RATE.format(share="referral_cross_province_share"),
}
GROWTH = "down_referral_annual_growth"
# Not referral figures: as `obligation` rules of a policy, `alliancegraph validate` checks them.
NOT_REFERRAL_METRICS = {"telemedicine_township_coverage", "primary_partnership_coverage"}
GROWTH_LEVELS = (Level.SECONDARY.value, Level.TERTIARY.value)  # 000 附件2 七: 由二、三级医院
SKIP_LEVEL_SOURCE = "000 §二(四)4; 000 §三(三)"


@dataclass(frozen=True)
class Figure:
    metric: str
    value: float | None
    numerator: int | None = None
    denominator: int | None = None
    limit: float | None = None
    bound: str = ""  # "max" for a cap, "min" for a target
    status: str = INFO  # pass | fail | not_computable | info
    rule: str = ""  # the policy rule it is held against
    source: str = ""
    by: str = ""  # the deadline the rule names
    note: str = ""  # the definition used, or why it cannot be computed
    unit: str = ""  # what value and limit count: days (an average stay), else share (0-1)

    def __post_init__(self) -> None:
        if not self.unit:
            object.__setattr__(self, "unit", unit(self.metric))


def unit(metric: str) -> str:
    return DAYS if metric.endswith("_days") else SHARE


DAYS, SHARE = "days", "share"


@dataclass(frozen=True)
class Ref:
    id: str
    name: str
    level: str


@dataclass(frozen=True)
class Leapfrog:
    """A recorded up-referral flow that skips a level, or leaves the origin's alliances."""

    flow: ReferralFlow
    origin: Ref
    target: Ref
    skips_level: bool
    leaves_alliance: bool
    policy: str | None
    rule: str  # the alliance-preference rule broken, when it leaves the alliance
    source: str


@dataclass(frozen=True)
class InstitutionKpis:
    institution: Ref
    policy: str | None
    up_sent: int
    down_sent: int
    up_received: int
    down_received: int
    leapfrog: int  # patients in its leapfrog flows
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class RegionKpis:
    policy: str
    region: str
    region_name: str
    referrals: int  # sent by institutions in the region
    located: int  # of which the receiving institution's division is known
    in_region: int
    out_of_city: int
    cross_province: int
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class KpiReport:
    period: str
    previous: str
    institutions: tuple[InstitutionKpis, ...]
    regions: tuple[RegionKpis, ...]
    leapfrogs: tuple[Leapfrog, ...]


@dataclass(frozen=True)
class RegionPolicy:
    """The policy governing a region for the period, with the rules the report reads."""

    policy: str
    region: str
    region_name: str
    valid_from: date | None
    rules: tuple[Rule, ...]


def governing(candidates: list[RegionPolicy]) -> dict[str, RegionPolicy]:
    """Per region, the newest policy in force (a policy without a date counts as oldest)."""
    best: dict[str, RegionPolicy] = {}
    for p in sorted(candidates, key=lambda p: (-(p.valid_from or date.min).toordinal(), p.policy)):
        best.setdefault(p.region, p)
    return best


def leapfrog_terms(p: RegionPolicy) -> dict[str, Any]:
    """What a region's policy says about leaving the alliance or skipping levels, as plain
    data both stores apply alike (a Cypher parameter on Neo4j)."""
    upward = [r for r in p.rules if r.match.direction in (None, Direction.UP)]
    preference = next((r for r in upward if r.kind is RuleKind.ALLIANCE_PREFERENCE), None)
    levels = sorted(
        {v for r in upward if r.kind is RuleKind.LEVEL_CHOICE for v in r.params.get("levels", [])}
    )
    designations = [
        {"conditions": list(r.match.conditions), "targets": list(r.designates)}
        for r in p.rules
        if r.kind is RuleKind.DESIGNATION
    ]
    return {
        "policy": p.policy,
        "preference": None
        if preference is None
        else {
            "rule": preference.id,
            "source": preference.source,
            "exempt": list(preference.params.get("exempt_conditions", [])),
        },
        "levels": levels,
        "designations": designations,
    }


def _limit(rule: Rule) -> tuple[float | None, str]:
    if "max" in rule.params:
        return float(rule.params["max"]), "max"
    if "min" in rule.params:
        return float(rule.params["min"]), "min"
    return None, ""


def judged(metric: str, value: float | None, rule: Rule | None, note: str, **counts: Any) -> Figure:
    """A figure held against `rule` (if any): pass or fail, or `not_computable` without a value."""
    if rule is None:
        status = INFO if value is not None else NOT_COMPUTABLE
        return Figure(metric, value, status=status, note=note, **counts)
    limit, bound = _limit(rule)
    if value is None or limit is None:
        status = NOT_COMPUTABLE
    else:
        status = PASS if (value <= limit if bound == "max" else value >= limit) else FAIL
    if rule.params.get("approximate"):
        note += "; the target is approximate (左右)"
    return Figure(
        metric,
        value,
        limit=limit,
        bound=bound,
        status=status,
        rule=rule.id,
        source=rule.source,
        by=str(rule.params.get("by", "")),
        note=note,
        **counts,
    )


def applies_to(rule: Rule, i: Institution) -> tuple[bool, str]:
    """Whether an institution-level cap applies to `i`, and what of its scope went unchecked."""
    scope = rule.params.get("applies_to") or {}
    unchecked = []
    for key, wanted in sorted(scope.items()):
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if key == "level" and i.level.value not in allowed:
            return False, ""
        if key == "type" and i.type.value not in allowed:
            return False, ""
        if key not in ("level", "type"):
            unchecked.append(f"{key}={wanted}")
    note = f"; scope not checked (not in the data): {', '.join(unchecked)}" if unchecked else ""
    return True, note


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None
