"""The bundled samples: what each takes from its seed, and that every fact is cited or marked."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from graphmodel.dataset import Dataset
from graphmodel.enums import AllianceKind, RuleKind
from graphmodel.policy import Rule
from loaders.samples import list_samples, load_sample

SAMPLES = ["ezhou", "hohhot", "linkou", "luoyang", "wuxi", "xiaoxian"]

# Kinds no seed shows an instance of (README, "Bundled samples"): the seeds describe the form
# and its standard, but name no specialty alliance, telemedicine network or trusteeship.
NOT_IN_ANY_SOURCE = {AllianceKind.SPECIALTY, AllianceKind.TELEMEDICINE, AllianceKind.TRUSTEESHIP}


def rules_by_kind(d: Dataset) -> Counter[str]:
    return Counter(r.kind.value for p in d.policies for r in p.rules)


def rule(d: Dataset, id: str) -> Rule:
    return next(r for p in d.policies for r in p.rules if r.id == id)


def rows(d: Dataset) -> list[Any]:
    return [
        *d.divisions, *d.institutions, *d.alliances, *d.memberships, *d.pairings, *d.channels,
        *d.policies, *(r for p in d.policies for r in p.rules),
    ]  # fmt: skip


def test_the_bundled_samples() -> None:
    assert [s["id"] for s in list_samples()] == SAMPLES


@pytest.mark.parametrize("name", SAMPLES)
def test_every_fact_cites_its_clause_or_says_what_was_assumed(name: str) -> None:
    d = load_sample(name)
    assert all(r.source or r.assumption for r in rows(d))
    seed = {s.seed for s in d.sources}
    cited = {r.source.split()[0] for r in rows(d) if r.source}
    assert cited <= seed, name


@pytest.mark.parametrize(
    ("name", "institutions", "alliances", "pairings", "rules"),
    [
        ("xiaoxian", 7, {"county_community": 1, "urban_rural": 1}, 2,
         {"target": 10, "cap": 4, "consequence": 4, "obligation": 1}),
        ("hohhot", 24, {"urban_group": 15, "county_community": 9}, 0,
         {"target": 10, "obligation": 6, "consequence": 3, "alliance_preference": 1,
          "down_referral": 1, "first_contact": 1}),
        ("luoyang", 0, {}, 0, {"obligation": 3, "target": 4}),
    ],
)  # fmt: skip
def test_counts(
    name: str, institutions: int, alliances: dict[str, int], pairings: int, rules: dict[str, int]
) -> None:
    d = load_sample(name)
    assert len(d.institutions) == institutions
    assert Counter(a.kind.value for a in d.alliances) == alliances
    assert len(d.pairings) == pairings
    assert rules_by_kind(d) == rules


def test_every_alliance_kind_is_in_a_sample_or_named_as_in_no_source() -> None:
    seen = {a.kind for name in SAMPLES for a in load_sample(name).alliances}
    assert seen | NOT_IN_ANY_SOURCE == set(AllianceKind)
    assert not seen & NOT_IN_ANY_SOURCE


def test_xiaoxian_is_a_draft_for_comment_dated_in_its_letter() -> None:
    (policy,) = load_sample("xiaoxian").policies
    assert (policy.status, policy.valid_from) == ("draft_for_comment", date(2023, 6, 20))
    assert "征求意见稿" in policy.document and "征求意见稿" in policy.assumption


def test_xiaoxian_targets_keep_the_draft_wording() -> None:
    d = load_sample("xiaoxian")
    rates = {
        (r.params["metric"], r.params["by"]): (
            r.kind.value,
            r.params.get("min", r.params.get("max")),
        )
        for p in d.policies
        for r in p.rules
        if r.source == "004 一"
    }
    assert rates == {
        ("in_county_treatment_rate", "2023"): ("target", 0.85),
        ("out_of_city_treatment_rate", "2023"): ("cap", 0.12),
        ("cross_province_treatment_rate", "2023"): ("cap", 0.09),
        ("in_county_treatment_rate", "2025"): ("target", 0.9),
        ("out_of_city_treatment_rate", "2025"): ("cap", 0.08),
        ("cross_province_treatment_rate", "2025"): ("cap", 0.06),
    }
    # 004 writes ≥ and ≤, not 左右: no target of it is approximate.
    assert not any(r.params.get("approximate") for p in d.policies for r in p.rules)


def test_xiaoxian_cross_province_consequences_of_17() -> None:
    d = load_sample("xiaoxian")
    referred = rule(d, "xiaoxian-2023-consequence-cross-province-referred")
    unreferred = rule(d, "xiaoxian-2023-consequence-cross-province-unreferred")
    for r, points, applies in ((referred, -10, "on_route"), (unreferred, -20, "off_route")):
        assert r.source == "004 17" and r.match.out_of_region is True
        assert r.params["effect"] == "reimbursement_ratio_points"
        assert (r.params["points"], r.params["applies"], r.params["insurance"]) == (
            points, applies, "employee",
        )  # fmt: skip
    assert referred.params["cases"] == ["referred_and_filed", "emergency_rescue"]
    assert unreferred.match.flags == ("travelling",)
    reward = rule(d, "xiaoxian-2023-consequence-referral-reward")
    assert (reward.kind, reward.source, reward.modality) == (RuleKind.CONSEQUENCE, "004 6", None)


def test_hohhot_named_leads_and_placeholder_communities() -> None:
    d = load_sample("hohhot")
    leads = {m.institution for m in d.memberships if m.role.value == "lead"}
    groups = [a for a in d.alliances if a.kind is AllianceKind.URBAN_GROUP]
    assert all(a.name.endswith("医疗集团") for a in groups)
    named = [i for i in d.institutions if "（占位）" not in i.name]
    assert len(named) == 15 and all(i.level.value == "tertiary" for i in named)
    placeholders = [i for i in d.institutions if "（占位）" in i.name]
    assert len(placeholders) == 9
    assert all("Placeholder" in i.assumption for i in placeholders)
    assert all(
        "Placeholder" in a.assumption
        for a in d.alliances
        if a.kind is AllianceKind.COUNTY_COMMUNITY
    )
    assert leads == {i.id for i in d.institutions}
    # Memberships only where the seed names members: each alliance has its lead only.
    assert len(d.memberships) == len(d.alliances)


def test_hohhot_obligations_and_deadlines() -> None:
    d = load_sample("hohhot")
    membership = rule(d, "hohhot-2017-obligation-membership")
    assert membership.params == {
        "check": "membership.required", "severity": "warning", "by": "2018-12-31",
    }  # fmt: skip
    checks = sorted(
        r.params["check"] for p in d.policies for r in p.rules if r.kind.value == "obligation"
    )
    assert checks == [
        "county_community.base", "county_community.hub", "county_community.lead",
        "county_hospital.leads_community", "membership.required", "urban_group.lead_level",
    ]  # fmt: skip
    deadlines = sorted(
        (r.params["by"], r.kind.value)
        for p in d.policies
        for r in p.rules
        if "四(" in r.source and "by" in r.params
    )
    assert deadlines == [
        ("2017-09-15", "target"),  # 四(一) plans submitted
        ("2017-09-30", "obligation"), ("2017-09-30", "obligation"),  # 四(二) communities formed
        ("2017-09-30", "obligation"), ("2017-09-30", "obligation"),
        ("2017-09-30", "target"),
        ("2017-10-31", "obligation"), ("2017-10-31", "target"),  # 四(二) medical groups formed
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["xiaoxian", "hohhot", "luoyang"])
def test_routing_rules_carry_the_clause_modality(name: str) -> None:
    routing = {"first_contact", "designation", "gateway", "exemption", "alliance_preference",
               "level_choice", "channel", "down_referral", "readmission"}  # fmt: skip
    for p in load_sample(name).policies:
        for r in p.rules:
            assert r.kind.value not in routing or r.modality is not None, r.id
