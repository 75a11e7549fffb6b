"""The whole validation report on both stores: the bundled samples' findings, and its cost."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from graphmodel.dataset import Dataset
from graphmodel.findings import FindingSeverity
from graphmodel.obligations import CATALOGUE
from graphmodel.store import Store
from queries.validation import VALIDATION, ValidationReport
from stores.neo4j import Neo4jStore
from tests.queries.reports_data import ON, compliant, store_fixture
from tests.queries.test_obligation_checks import BROKEN, urban_group_led_by_secondary

make_store = store_fixture()
MakeStore = Callable[[Dataset], Store]

# The bundled samples' findings, explained in the issue's closing note (all warnings or
# info: the samples contradict themselves nowhere, so `validate` exits 0 on them).
SAMPLE_FINDINGS = {
    ("membership.ownership_unknown", "info"): 51,  # 003 附件2 states no ownership
    ("primary.secondary_partner", "warning"): 31,  # 003 names no pairings
    ("county_hospital.specialty_alliance", "warning"): 3,  # 000 §二(二)3 is a plan
    ("grid.none_defined", "warning"): 2,  # no seed names a grid (DOMAIN §7)
    ("county_hospital.leads_community", "warning"): 1,  # 000 §二(二)1 is a plan
    ("telemedicine.township_reach", "warning"): 1,  # 000 §二(二)4 names no members
}


def validation(store: Store, on: date = ON) -> ValidationReport:
    found: ValidationReport = store.run(VALIDATION, on=on)
    return found


def test_a_compliant_network_has_no_findings(make_store: MakeStore) -> None:
    report = validation(make_store(compliant().dataset()))
    assert (report.findings, report.has_errors) == ((), False)
    assert report.counts == {"error": 0, "warning": 0, "info": 0}


def test_findings_of_every_family_sorted_errors_first(make_store: MakeStore) -> None:
    b = compliant().institution("lonely", "primary", "township_centre", "t2")
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
    b = compliant()
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
    assert {f.rule for f in report.findings} == set(CATALOGUE)


def test_every_finding_cites_its_catalogue_entry(store: Store) -> None:
    for f in validation(store, on=date(2005, 1, 1)).findings:
        assert (f.severity, f.source) == (CATALOGUE[f.rule].severity, CATALOGUE[f.rule].source)


def test_samples_findings_today(store: Store) -> None:
    report = validation(store, on=date(2026, 1, 1))
    assert Counter((f.rule, f.severity.value) for f in report.findings) == SAMPLE_FINDINGS
    assert not report.has_errors


def test_samples_in_2005_have_errors(store: Store) -> None:
    report = validation(store, on=date(2005, 1, 1))
    assert report.count(FindingSeverity.ERROR) == 12
    assert report.has_errors


def test_on_neo4j_the_report_is_thirteen_statements_whatever_the_data(
    neo4j_clean: Neo4jStore,
) -> None:
    for dataset in (compliant().dataset(), compliant().grid("g4", "t2").dataset()):
        neo4j_clean.clear()
        neo4j_clean.load(dataset)
        before = neo4j_clean.reader.round_trips
        validation(neo4j_clean)
        assert neo4j_clean.reader.round_trips - before == 13
