"""The whole validation report on both stores: the bundled samples' findings, the policies
applied and the regions without policy, and its cost."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from graphmodel.checks import CHECKS, INTEGRITY
from graphmodel.dataset import Dataset
from graphmodel.findings import FindingSeverity
from graphmodel.store import Store
from queries._examples import every_check
from queries.validation import VALIDATION, ValidationReport
from stores.neo4j import Neo4jStore
from tests.queries.reports_data import ON, compliant, obliged, store_fixture
from tests.queries.test_obligation_checks import BROKEN, urban_group_led_by_secondary

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]

# The bundled samples' findings today, explained in the issue's closing note: only 林口县
# has obligation rules (000); 003 (鄂州市) states none and 无锡市 has no policy loaded.
SAMPLE_FINDINGS = {
    ("county_hospital.specialty_alliance", "warning"): 3,  # 000 §二(二)3, due end of 2017
    ("county_hospital.leads_community", "warning"): 1,  # 000 §二(二)1
    ("telemedicine.township_reach", "warning"): 1,  # 000 附件2 五: 0 of 11 townships reached
}


# An enum id in a Chinese message: `township_centre`, `tertiary`, `urban_group` …
ENGLISH_ID = re.compile(
    r"[a-z]+_[a-z_]+|\b(?:tertiary|secondary|primary|unrated|general|tcm|hospital|specialty"
    r"|telemedicine|public|unknown)\b"
)


def validation(store: Store, on: date = ON) -> ValidationReport:
    found: ValidationReport = store.run(VALIDATION, on=on)
    return found


def test_a_compliant_network_has_no_findings(make_store: MakeStore) -> None:
    report = validation(make_store(obliged().dataset()))
    assert (report.findings, report.has_errors) == ((), False)
    assert report.counts == {"error": 0, "warning": 0, "info": 0}


def test_findings_of_every_family_sorted_errors_first(make_store: MakeStore) -> None:
    b = obliged().institution("lonely", "primary", "township_centre", "t2")
    b.grid("g4", "t2").pair("cc", "county-hosp", "chc")
    b.institution("who", "primary", "hospital", "t2", ownership="unknown")
    report = validation(make_store(b.dataset()))
    assert [(f.severity.value, f.rule, f.subject) for f in report.findings] == [
        ("error", "integrity.pairing_outside_alliance", "cc"),
        ("warning", "grid.uncovered", "g4"),
        ("warning", "membership.required", "lonely"),
        ("warning", "primary.secondary_partner", "lonely"),
        ("info", "membership.ownership_unknown", "who"),
    ]
    assert report.has_errors


def test_a_network_breaking_every_rule_at_once_finds_every_rule(make_store: MakeStore) -> None:
    b = obliged()
    for change, _, _ in BROKEN:
        if change is not urban_group_led_by_secondary:  # both add `ug2`; added apart below
            b = change(b)
    b.alliance("ug3", "urban_group").member("district-hosp", "ug3", "lead")
    b.institution("lonely", "secondary", "general", "city")
    b.institution("who", "primary", "hospital", "city", ownership="unknown")
    b.division("county2", "county", "city").grid("g4", "t2").serves("ug", "g1")
    b.institution("chc-t2", "primary", "community_centre", "t2").member("chc-t2", "ug")
    b.alliance("dated", "specialty", valid_from=date(2020, 1, 1)).member("chc", "dated", "lead")
    b.pair("cc", "county-hosp", "chc").channel("chc", "county-hosp", "cc")
    b.alliance("left", "specialty").member("chc", "left", "lead", valid_to=date(2020, 1, 1))
    b.institution("twin", "primary", "community_centre", "t2")
    b.institutions[-1] = replace(b.institutions[-1], name="lonely院")  # as lonely, elsewhere
    report = validation(make_store(b.dataset()))
    assert {f.rule for f in report.findings} == set(CHECKS) | set(INTEGRITY)
    assert {f.policy for f in report.findings if f.rule in CHECKS} == {"test-policy"}
    assert {f.policy for f in report.findings if f.rule in INTEGRITY} == {None}
    for f in report.findings:
        assert not ENGLISH_ID.search(f.message_zh), f.message_zh


def test_integrity_findings_cite_the_data_format_and_no_policy(store: Store) -> None:
    found = validation(store, on=date(2005, 1, 1)).findings
    integrity = [f for f in found if f.rule in INTEGRITY]
    assert integrity and all(
        f.source.startswith("data-format: ") and f.policy is None for f in integrity
    )


def test_a_region_without_policy_gets_no_policy_findings_and_is_listed(
    make_store: MakeStore,
) -> None:
    b = compliant().institution("lonely", "primary", "township_centre", "t2")
    b.grid("g4", "t2").pair("cc", "county-hosp", "chc")
    report = validation(make_store(b.dataset()))
    assert [(f.rule, f.policy) for f in report.findings] == [
        ("integrity.pairing_outside_alliance", None)
    ]
    assert [(r.division, r.name, r.institutions) for r in report.regions_without_policy] == [
        ("city", "city名", 8)
    ]
    assert report.policies == ()


def test_samples_findings_today(store: Store) -> None:
    report = validation(store, on=date(2026, 1, 1))
    assert Counter((f.rule, f.severity.value) for f in report.findings) == SAMPLE_FINDINGS
    assert {f.policy for f in report.findings} == {"linkou-2017"}
    assert not report.has_errors
    assert [(p.policy, p.obligations) for p in report.policies] == [
        ("ezhou-2015", 0),  # 003 states no structural obligation (§三(三)3 only 鼓励)
        ("hohhot-2017", 6),  # 002 篇七: met by the sample (its leads are all it names)
        ("linkou-2017", 8),
        ("luoyang-2010", 3),  # 002 篇六 names no institution: nothing to find
        ("xiaoxian-2023", 1),  # 004 2: both county hospitals are paired with 蚌埠
    ]
    assert [(r.division, r.institutions) for r in report.regions_without_policy] == [
        ("linkou-mudanjiang", 3),  # the 牡丹江市 hospitals of 000 附件1: not under 000
        ("wuxi-city", 7),  # no policy loaded for 无锡市
        ("xiaoxian-bengbu", 1),  # 蚌埠医学院附属医院 (004 2) lies outside 萧县
    ]


def test_samples_before_any_policy_have_only_integrity_findings(store: Store) -> None:
    for on in (date(2005, 1, 1), date(2010, 1, 1)):
        report = validation(store, on=on)
        assert report.policies == ()
        assert all(f.rule in INTEGRITY and f.policy is None for f in report.findings)
    report = validation(store, on=date(2005, 1, 1))
    # Wuxi's six undated channels precede its 2009 memberships; its pairings start in 2009
    # too (002 篇五 引言), so they are not among the errors.
    assert report.count(FindingSeverity.ERROR) == 6
    assert report.has_errors


def test_no_chinese_message_holds_an_english_identifier(store: Store) -> None:
    """Chinese messages name types and levels in Chinese (type_zh, level_zh), never by id."""
    for on in (date(2005, 1, 1), date(2018, 1, 1), date(2026, 1, 1)):
        for f in validation(store, on=on).findings:
            assert not ENGLISH_ID.search(f.message_zh), f.message_zh


def test_on_neo4j_the_report_is_fifteen_statements_whatever_the_data(
    neo4j_clean: Neo4jStore,
) -> None:
    two = obliged()
    two.policies.append(every_check("county-policy", "county"))
    for dataset in (obliged().dataset(), obliged().grid("g4", "t2").dataset(), two.dataset()):
        neo4j_clean.clear()
        neo4j_clean.load(dataset)
        before = neo4j_clean.reader.round_trips
        validation(neo4j_clean)
        assert neo4j_clean.reader.round_trips - before == 15
