"""Loading a dataset folder: each kind of bad input is reported where it is, and nothing loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphmodel.errors import InvalidInputError, Problem
from loaders.folder import load_dataset


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(InvalidInputError) as caught:
        load_dataset(folder)
    return caught.value.problems


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line + "\n")


def test_the_valid_folder_loads(dataset_dir: Path) -> None:
    data = load_dataset(dataset_dir)
    assert [i.id for i in data.institutions] == ["mini-a", "mini-b"]
    assert data.referrals[0].count == 12
    assert data.counts()["MEMBER_OF"] == 2


def test_membership_pointing_at_an_unknown_institution(dataset_dir: Path) -> None:
    append(dataset_dir / "memberships.csv", "mini-zzz,mini-x,member,,test data")
    assert problems(dataset_dir) == [
        Problem("mini/memberships.csv", 4, "institution", "unknown institution 'mini-zzz'")
    ]


def test_referral_pointing_at_an_unknown_institution(dataset_dir: Path) -> None:
    append(dataset_dir / "referrals.csv", "mini-b,mini-nowhere,2024,up,3,test data")
    assert problems(dataset_dir) == [
        Problem("mini/referrals.csv", 3, "to", "unknown institution 'mini-nowhere'")
    ]


def test_duplicate_id(dataset_dir: Path) -> None:
    append(
        dataset_dir / "institutions.csv",
        "mini-a,另一家医院,primary,township_centre,public,mini-county,test data",
    )
    [p] = problems(dataset_dir)
    assert (p.file, p.line, p.column) == ("mini/institutions.csv", 4, "id")
    assert "duplicate institution id 'mini-a' (first at mini/institutions.csv:2)" in p.message


def test_missing_required_column(dataset_dir: Path) -> None:
    path = dataset_dir / "institutions.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    # Drop the `ownership` column from every row.
    path.write_text(
        "\n".join(",".join(r.split(",")[:4] + r.split(",")[5:]) for r in rows) + "\n",
        encoding="utf-8",
    )
    assert Problem("mini/institutions.csv", 1, "ownership", "required column is missing") in (
        problems(dataset_dir)
    )


def test_unknown_level(dataset_dir: Path) -> None:
    append(
        dataset_dir / "institutions.csv",
        "mini-c,测试医院,quaternary,general,public,mini-county,test data",
    )
    [p] = problems(dataset_dir)
    assert (p.file, p.line, p.column) == ("mini/institutions.csv", 4, "level")
    assert p.message == ("expected one of tertiary, secondary, primary, unrated; got 'quaternary'")


def test_unknown_alliance_kind(dataset_dir: Path) -> None:
    append(dataset_dir / "alliances.csv", "mini-y,测试联盟,mega_group,loose,test data")
    [p] = problems(dataset_dir)
    assert (p.file, p.line, p.column) == ("mini/alliances.csv", 3, "kind")
    assert "urban_group" in p.message and "'mega_group'" in p.message


def test_undecodable_file(dataset_dir: Path) -> None:
    path = dataset_dir / "institutions.csv"
    path.write_bytes(path.read_bytes() + b"mini-c,\xff\xfe\xff broken,primary\n")
    [p] = problems(dataset_dir)
    assert (p.file, p.line) == ("mini/institutions.csv", 4)
    assert "expected UTF-8 (with or without BOM) or GBK/GB18030" in p.message


def test_unknown_column_is_an_error_not_silently_dropped(dataset_dir: Path) -> None:
    path = dataset_dir / "grids.csv"
    path.write_text(
        "id,name,division,colour,assumption\ng1,一号网格,mini-county,red,x\n", encoding="utf-8"
    )
    [p] = problems(dataset_dir)
    assert (p.file, p.line, p.column) == ("mini/grids.csv", 1, "colour")


def test_a_fact_needs_a_source_or_an_assumption(dataset_dir: Path) -> None:
    append(dataset_dir / "memberships.csv", "mini-b,mini-x,member,2021-01-01,")
    [p] = problems(dataset_dir)
    assert (p.line, p.column) == (4, "source")


def test_every_problem_is_reported_at_once(dataset_dir: Path) -> None:
    append(dataset_dir / "memberships.csv", "mini-zzz,mini-x,member,,test data")
    append(dataset_dir / "referrals.csv", "mini-b,mini-a,2024-13,up,3,test data")
    found = problems(dataset_dir)
    assert {(p.file, p.column) for p in found} == {
        ("mini/memberships.csv", "institution"),
        ("mini/referrals.csv", "period"),
    }


def test_membership_ending_before_it_starts(dataset_dir: Path) -> None:
    path = dataset_dir / "memberships.csv"
    path.write_text(
        "institution,alliance,role,valid_from,valid_to,assumption\n"
        "mini-a,mini-x,lead,2020-01-01,2019-12-31,test data\n",
        encoding="utf-8",
    )
    [p] = problems(dataset_dir)
    assert (p.line, p.column) == (2, "valid_to")


def test_unknown_specialty_code_is_rejected_with_file_line_and_column(dataset_dir: Path) -> None:
    """Issue 9: pairings.csv's specialty_code must be a code of 《医疗机构诊疗科目名录》
    (graphmodel/clinical_subjects.csv); a bad one is reported where it is, nothing loads."""
    (dataset_dir / "pairings.csv").write_text(
        "alliance,upper,lower,upper_department,specialty_code,assumption\n"
        "mini-x,mini-a,mini-b,心内科,03.04,test data\n"
        "mini-x,mini-a,mini-b,骨科,99.99,test data\n",
        encoding="utf-8",
    )
    assert problems(dataset_dir) == [
        Problem(
            "mini/pairings.csv",
            3,
            "specialty_code",
            "expected a code of 《医疗机构诊疗科目名录》 (e.g. 03.04), got '99.99'",
        )
    ]


def test_specialty_codes_load_in_canonical_form(dataset_dir: Path) -> None:
    """附件1's copy writes 03.4; the loader keeps the canonical 03.04."""
    (dataset_dir / "pairings.csv").write_text(
        "alliance,upper,lower,upper_department,specialty_code,assumption\n"
        "mini-x,mini-a,mini-b,心内科,3.4,test data\n",
        encoding="utf-8",
    )
    [pairing] = load_dataset(dataset_dir).pairings
    assert pairing.specialty_code == "03.04"


def test_invalid_uscc_is_rejected(dataset_dir: Path) -> None:
    path = dataset_dir / "institutions.csv"
    path.write_text(
        "id,name,level,type,ownership,uscc,assumption\n"
        "mini-a,测试医院,secondary,general,public,91110000600037341X,test data\n",
        encoding="utf-8",
    )
    (dataset_dir / "memberships.csv").unlink()
    (dataset_dir / "referrals.csv").unlink()
    [p] = problems(dataset_dir)
    assert (p.line, p.column) == (2, "uscc")


def test_policy_errors_name_the_json_path(dataset_dir: Path) -> None:
    (dataset_dir / "policies").mkdir()
    (dataset_dir / "policies" / "p.json").write_text(
        '{"id": "p", "region": "mini-county", "document": "d", "version": "1", "rules": ['
        '{"id": "r1", "kind": "designation", "modality": "may", "designates": ["mini-nowhere"],'
        ' "source": "x"}, {"id": "r2", "kind": "teleport", "source": "x"}]}',
        encoding="utf-8",
    )
    found = problems(dataset_dir)
    assert [(p.file, p.column) for p in found] == [("mini/policies/p.json", "$.rules[1].kind")]
    (dataset_dir / "policies" / "p.json").write_text(
        '{"id": "p", "region": "mini-county", "document": "d", "version": "1", "rules": ['
        '{"id": "r1", "kind": "designation", "modality": "may", "designates": ["mini-nowhere"],'
        ' "source": "x"}]}',
        encoding="utf-8",
    )
    [p] = problems(dataset_dir)
    assert p.column == "$.rules[0].designates[0]" and "mini-nowhere" in p.message


def test_a_routing_rule_says_how_strongly_it_binds(dataset_dir: Path) -> None:
    """Every routing rule carries must / may / prefer; anything else is an error with its path."""
    (dataset_dir / "policies").mkdir()
    (dataset_dir / "policies" / "p.json").write_text(
        '{"id": "p", "region": "mini-county", "document": "d", "version": "1", "rules": ['
        '{"id": "r1", "kind": "designation", "source": "x"},'
        '{"id": "r2", "kind": "gateway", "modality": "should", "source": "x"},'
        '{"id": "r3", "kind": "cap", "source": "x"}]}',
        encoding="utf-8",
    )
    found = problems(dataset_dir)
    assert [(p.file, p.column) for p in found] == [
        ("mini/policies/p.json", "$.rules[0]"),
        ("mini/policies/p.json", "$.rules[1].modality"),
    ]
    assert "modality" in found[0].message and "should" in found[1].message


def obligation_policy(folder: Path, *rules: str) -> None:
    (folder / "policies").mkdir(exist_ok=True)
    (folder / "policies" / "p.json").write_text(
        '{"id": "p", "region": "mini-county", "document": "d", "version": "1",'
        ' "valid_from": "2017-01-01", "rules": [' + ",".join(rules) + "]}",
        encoding="utf-8",
    )


def obligation(id: str, params: str, extra: str = "") -> str:
    return (
        f'{{"id": "{id}", "kind": "obligation", "modality": "must", "params": {params},'
        f' "source": "000 附件2 八"{extra}}}'
    )


def test_an_obligation_rule_loads_with_its_check_and_parameters(dataset_dir: Path) -> None:
    obligation_policy(
        dataset_dir,
        obligation("o1", '{"check": "telemedicine.township_reach", "severity": "warning",'
                         ' "by": "2017-12-31", "min_share": 0.5}',
                   ', "message_zh": "{name} 只有 {reached}/{total}"'),
    )  # fmt: skip
    [policy] = load_dataset(dataset_dir).policies
    assert policy.rules[0].params["min_share"] == 0.5
    assert policy.rules[0].message_zh == "{name} 只有 {reached}/{total}"


def test_an_obligation_with_an_unknown_check_or_a_bad_parameter_loads_nothing(
    dataset_dir: Path,
) -> None:
    obligation_policy(
        dataset_dir,
        obligation("o1", '{"check": "membership.everyone", "severity": "warning"}'),
        obligation("o2", '{"check": "telemedicine.township_reach", "severity": "grave"}'),
        obligation("o3", '{"check": "primary.secondary_partner", "severity": "info",'
                         ' "types": ["township"], "by": "2017"}'),
        obligation("o4", '{"check": "grid.uncovered", "severity": "info", "min_share": 1}',
                   ', "message_zh": "{name} 在 {when}"'),
    )  # fmt: skip
    found = [(p.file, p.column, p.message) for p in problems(dataset_dir)]
    assert [(f, c) for f, c, _ in found] == [
        ("mini/policies/p.json", "$.rules[0].params.check"),
        ("mini/policies/p.json", "$.rules[1].params.severity"),
        ("mini/policies/p.json", "$.rules[1].params.min_share"),
        ("mini/policies/p.json", "$.rules[2].params.by"),
        ("mini/policies/p.json", "$.rules[2].params.types"),
        ("mini/policies/p.json", "$.rules[3].params.min_share"),
        ("mini/policies/p.json", "$.rules[3].message_zh"),
    ]
    messages = [m for _, _, m in found]
    assert "unknown check 'membership.everyone'" in messages[0]
    assert "needs parameter 'min_share'" in messages[2]
    assert "unknown types: township" in messages[4]
    assert "unknown field(s) when" in messages[6]


def test_api_writes_share_the_strict_cells() -> None:
    from loaders.folder import parse_row

    row = {
        "id": "x-a",
        "level": "primary",
        "type": "township_centre",
        "ownership": "public",
        "assumption": "t",
    }
    for name, why in (("测试\u200b卫生院", "U\\+200B"), ("=cmd|' /C calc'!A0", "formula")):
        with pytest.raises(InvalidInputError, match=why):
            parse_row("institutions", row | {"name": name})
    with pytest.raises(InvalidInputError, match="YYYY-MM-DD"):
        parse_row(
            "memberships",
            {
                "institution": "x-a",
                "alliance": "x-b",
                "role": "member",
                "valid_from": "20240101",
                "assumption": "t",
            },
        )
    with pytest.raises(InvalidInputError, match="largest count"):
        parse_row(
            "referrals",
            {
                "from": "x-a",
                "to": "x-b",
                "period": "2024",
                "direction": "up",
                "count": str(10**30),
                "assumption": "t",
            },
        )
