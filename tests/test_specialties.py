"""The clinical-subject catalogue 《医疗机构诊疗科目名录》 (卫医发〔1994〕第27号 附件1) and how a
typed specialty resolves to it (issue 9)."""

from __future__ import annotations

import pytest

from graphmodel.specialties import catalogue, resolve, subject, with_descendants


def codes(text: str) -> list[str]:
    return [s.code for s in resolve(text)]


def test_catalogue_example_from_the_issue() -> None:
    """Issue 9 / 卫医发〔1994〕第27号 附件1: 03.01 呼吸内科专业."""
    s = subject("03.01")
    assert s is not None and s.name == "呼吸内科专业" and s.parent == "03"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("03.04", ["03.04"]),  # by code
        ("3.4", ["03.04"]),  # as the cited copy of 附件1 writes it
        ("心血管内科专业", ["03.04"]),  # by standard name
        ("心血管內科專業", ["03.04"]),  # standard name, Traditional script
        ("呼吸科", ["03.01"]),  # the issue's aliases (the project's own)
        ("呼吸内科", ["03.01"]),
        ("心内科", ["03.04"]),
        ("骨科", ["04.03"]),
        ("肿瘤科", ["19"]),
        ("内分泌科", ["03.07"]),
    ],
)
def test_resolves_by_code_standard_name_or_alias(typed: str, expected: list[str]) -> None:
    """Issue 9: --specialty matches by code, standard name or a common alias."""
    assert codes(typed) == expected


def test_an_ambiguous_alias_returns_every_subject() -> None:
    """Issue 9: 脑科 is ambiguous (神经内科 03.03 / 神经外科 04.02) and must return both."""
    assert codes("脑科") == ["03.03", "04.02"]


def test_unknown_text_resolves_to_nothing() -> None:
    """002 篇五 2.1.2's 脑科中心 is not a catalogue subject."""
    assert codes("脑科中心") == []


def test_required_top_levels_and_second_levels_are_present() -> None:
    """The brief's minimum: top-level codes and the second-level codes under 03 内科,
    04 外科, 05 妇产科, 07 儿科 and 50 中医科."""
    cat = catalogue()
    for top in ("01", "02", "03", "04", "05", "07", "19", "50"):
        assert top in cat.subjects
    for top in ("03", "04", "05", "07", "50"):
        assert cat.children[top], top
    assert with_descendants(["03"])[:2] == ("03", "03.01")


def test_every_row_has_a_source() -> None:
    """clinical_subjects.md: each row cites the catalogue (or its later addition)."""
    for s in catalogue().subjects.values():
        assert s.source.startswith("卫"), s.code
