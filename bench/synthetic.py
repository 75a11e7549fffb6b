"""A deterministic, national-scale synthetic dataset for the scale benchmarks.

Built directly from the domain dataclasses (no CSV round trip), so that a million
institutions take seconds, not minutes. The shape follows the national structure the seeds
describe, scaled to the number of institutions asked for (at 1,000,000):

    31 provinces > 330 cities > 2,800 counties > 40,000 townships

- per city: 4–6 tertiary hospitals (1–3 general, a TCM, a maternal-and-child and an
  infectious-disease hospital), an `urban_group` alliance led by the first general hospital,
  and an `urban_rural` alliance per general/TCM/maternal-and-child tertiary hospital;
- per county: 1–3 secondary hospitals (a general one always, TCM and maternal-and-child
  often) and one `county_community` alliance led by the county general hospital, with the
  township centres as hubs and the village clinics as base;
- per township: one township centre (every tenth a central one) and the village clinics,
  which make up the rest of the institutions (about 95 % of them);
- counterpart pairings along the chains: city tertiary → county hospital of the same type
  (`urban_rural`), county hospital → a few township centres of its county (same alliance),
  and county general hospital → every township centre of the county (`county_community`);
- a few agreed channels and recorded referral flows per county;
- one policy per city (region = the city division; conditions general / infectious /
  cardiovascular) with a `level_choice` rule, an `alliance_preference` rule that exempts
  cardiovascular, a `designation` of the infectious-disease hospital and a default `gateway`.

Every fact carries `assumption="synthetic benchmark data"`. Ids look like `syn-i-123456`.
The same `(institutions, seed)` always gives the same dataset.

    python -m bench.synthetic --institutions 100000
    python -m bench.synthetic --institutions 100000 --write /tmp/syn-100k   # as a dataset folder
"""

from __future__ import annotations

import argparse
import gc
import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset, SourceDocument
from graphmodel.division import Division, Grid
from graphmodel.enums import (
    AllianceKind,
    Direction,
    DivisionLevel,
    Grade,
    InstitutionType,
    Integration,
    Level,
    MemberRole,
    Modality,
    Ownership,
    ReferralRole,
    RuleKind,
)
from graphmodel.institution import Institution, RoleGrant
from graphmodel.policy import ConditionCategory, Policy, Rule, RuleMatch
from graphmodel.referral import Channel, ReferralFlow

ASSUMPTION = "synthetic benchmark data"
NATIONAL_INSTITUTIONS = 1_000_000
# Division counts at national scale; scaled by institutions / NATIONAL_INSTITUTIONS.
NATIONAL_SHAPE = {"provinces": 31, "cities": 330, "counties": 2_800, "townships": 40_000}
SINCE = date(2018, 1, 1)

# Characters for synthetic place names (common in real ones).
_CHARS = (
    "安宝北滨昌长成城川春大德东丰凤福阜固广贵桂海汉和河红宏华怀黄惠吉嘉建江金锦晋京景靖九"
    "康乐黎丽连林临龙隆鹿罗洛满茂梅明南宁平浦普齐庆青清泉仁荣瑞山商上邵神盛石寿双顺泰潭"
    "唐桃天通同万望威文五武西溪祥湘新信兴秀宣延阳永玉元岳云泽樟昭镇正中忠舟竹"
)

_FIRST_CONTACT = (RoleGrant(role=ReferralRole.FIRST_CONTACT, assumption=ASSUMPTION),)
_ACCEPTS = (RoleGrant(role=ReferralRole.ACCEPTS_REFERRALS, assumption=ASSUMPTION),)
_HOSPITAL_ROLES = (
    RoleGrant(role=ReferralRole.FIRST_CONTACT, assumption=ASSUMPTION),
    RoleGrant(role=ReferralRole.ACCEPTS_REFERRALS, assumption=ASSUMPTION),
)
CONDITIONS = (
    ConditionCategory(id="general", name="一般疾病", name_en="general"),
    ConditionCategory(id="infectious", name="传染病", name_en="infectious disease"),
    ConditionCategory(id="cardiovascular", name="心血管疾病", name_en="cardiovascular"),
)


@dataclass
class Index:
    """Ids the benchmark samples its query arguments from."""

    cities: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    township_centres: list[str] = field(default_factory=list)
    county_hospitals: list[str] = field(default_factory=list)
    city_hospitals: list[str] = field(default_factory=list)
    village_clinics_sample: list[str] = field(default_factory=list)
    county_communities: list[str] = field(default_factory=list)
    urban_rural: list[str] = field(default_factory=list)


@dataclass
class Synthetic:
    dataset: Dataset
    index: Index
    shape: dict[str, int]


def shape_for(institutions: int) -> dict[str, int]:
    """Division counts for `institutions`, proportional to the national shape, nested ≥ 1."""
    scale = institutions / NATIONAL_INSTITUTIONS
    out: dict[str, int] = {}
    floor = 1
    for level, national in NATIONAL_SHAPE.items():
        out[level] = max(floor, round(national * scale))
        floor = out[level]
    return out


def spread(rng: random.Random, children: int, parents: int) -> list[int]:
    """How many of `children` each of `parents` gets: at least one each, uneven, exact sum."""
    assert children >= parents >= 1
    counts = [1] * parents
    rest = children - parents
    if rest:
        weights = [rng.uniform(0.5, 1.5) for _ in range(parents)]
        total = sum(weights)
        for k, w in enumerate(weights):
            counts[k] += int(rest * w / total)
        for k in rng.sample(range(parents), children - sum(counts)):
            counts[k] += 1
    return counts


def _place(rng: random.Random, suffix: str) -> str:
    return rng.choice(_CHARS) + rng.choice(_CHARS) + suffix


def generate(institutions: int = NATIONAL_INSTITUTIONS, seed: int = 20240601) -> Synthetic:
    """The synthetic dataset with exactly `institutions` institutions.

    The cyclic garbage collector is paused while the objects are made (it would otherwise
    walk every one of them again and again, roughly doubling the time) and resumed after,
    so that whatever runs next sees an ordinary heap.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _generate(institutions, seed)
    finally:
        if enabled:
            gc.enable()


def _generate(institutions: int, seed: int) -> Synthetic:
    rng = random.Random(seed)
    shape = shape_for(institutions)
    idx = Index()
    a_ = ASSUMPTION

    divisions: list[Division] = []
    grids: list[Grid] = []
    insts: list[Institution] = []
    alliances: list[Alliance] = []
    members: list[Membership] = []
    services: list[Service] = []
    pairings: list[Pairing] = []
    channels: list[Channel] = []
    referrals: list[ReferralFlow] = []
    policies: list[Policy] = []

    # ---- divisions ----------------------------------------------------------------------
    cities_per_province = spread(rng, shape["cities"], shape["provinces"])
    counties_per_city = spread(rng, shape["counties"], shape["cities"])
    townships_per_county = spread(rng, shape["townships"], shape["counties"])
    # Institutions other than village clinics, known before the clinics are spread.
    hospital_types: list[list[InstitutionType]] = []  # per county
    for _ in range(shape["counties"]):
        types = [InstitutionType.GENERAL]
        if rng.random() < 0.7:
            types.append(InstitutionType.TCM)
        if rng.random() < 0.6:
            types.append(InstitutionType.MATERNAL_CHILD)
        hospital_types.append(types)
    city_generals = [rng.randint(1, 3) for _ in range(shape["cities"])]
    fixed = (
        sum(g + 3 for g in city_generals) + sum(len(t) for t in hospital_types) + shape["townships"]
    )
    villages = institutions - fixed
    if villages < 0:
        raise ValueError(f"{institutions} institutions are too few for the shape {shape}")
    villages_per_township = (
        spread(rng, villages, shape["townships"])
        if villages >= shape["townships"]
        else [1] * villages + [0] * (shape["townships"] - villages)
    )

    counter = 0

    def inst(
        name: str,
        level: Level,
        itype: InstitutionType,
        division: str,
        roles: tuple[RoleGrant, ...],
        grade: Grade | None = None,
        level_text: str = "",
    ) -> str:
        nonlocal counter
        ident = f"syn-i-{counter:06d}"
        counter += 1
        # One name per division (the loader refuses a second one): a random name drawn twice
        # gets a number, without another draw, so the rest of the dataset stays the same.
        taken = names_in.setdefault(division, set())
        if name in taken:
            name = f"{name}{counter}号"
        taken.add(name)
        insts.append(
            Institution(
                id=ident, name=name, level=level, type=itype, ownership=Ownership.PUBLIC,
                grade=grade, level_text=level_text, division=division, roles=roles,
                assumption=a_,
            )
        )  # fmt: skip
        return ident

    hospital_names: dict[str, str] = {}
    names_in: dict[str, set[str]] = {}

    def hospital(name: str, itype: InstitutionType, division: str) -> str:
        ident = inst(name, Level.TERTIARY, itype, division, _ACCEPTS, Grade.A, "三级甲等")
        hospital_names[ident] = name
        return ident

    def member(institution: str, alliance: str, role: MemberRole) -> None:
        members.append(
            Membership(institution=institution, alliance=alliance, role=role,
                       valid_from=SINCE, assumption=a_)
        )  # fmt: skip

    def pair(alliance: str, upper: str, lower: str) -> None:
        pairings.append(
            Pairing(alliance=alliance, upper=upper, lower=lower, valid_from=SINCE, assumption=a_)
        )

    county_no = township_no = city_no = 0
    for p in range(shape["provinces"]):
        province_id = f"syn-d-p{p:02d}"
        divisions.append(
            Division(id=province_id, name=_place(rng, "省"), level=DivisionLevel.PROVINCE,
                     assumption=a_)
        )  # fmt: skip
        for _ in range(cities_per_province[p]):
            c = city_no
            city_no += 1
            city_id = f"syn-d-c{c:04d}"
            city_name = _place(rng, "市")
            idx.cities.append(city_id)
            divisions.append(
                Division(id=city_id, name=city_name, level=DivisionLevel.CITY,
                         parent=province_id, assumption=a_)
            )  # fmt: skip
            # ---- the city's tertiary hospitals and its urban group ----------------------
            generals = [
                hospital(f"{city_name}第{'一二三'[k]}人民医院", InstitutionType.GENERAL, city_id)
                for k in range(city_generals[c])
            ]
            tcm = hospital(f"{city_name}中医医院", InstitutionType.TCM, city_id)
            mch = hospital(f"{city_name}妇女儿童医院", InstitutionType.MATERNAL_CHILD, city_id)
            infectious = hospital(f"{city_name}传染病医院", InstitutionType.INFECTIOUS, city_id)
            idx.city_hospitals.extend([*generals, tcm, mch, infectious])
            group = f"syn-a-ug{c:04d}"
            alliances.append(
                Alliance(id=group, name=f"{city_name}城市医疗集团", kind=AllianceKind.URBAN_GROUP,
                         integration=Integration.TIGHT, division=city_id, valid_from=SINCE,
                         assumption=a_)
            )  # fmt: skip
            member(generals[0], group, MemberRole.LEAD)
            for other in [*generals[1:], tcm, mch, infectious]:
                member(other, group, MemberRole.MEMBER)
            city_grid = f"syn-g-c{c:04d}"
            grids.append(Grid(id=city_grid, name=f"{city_name}城区网格", division=city_id,
                              assumption=a_))  # fmt: skip
            services.append(Service(alliance=group, grid=city_grid, valid_from=SINCE,
                                    assumption=a_))  # fmt: skip
            # One urban-rural alliance per general/TCM/maternal-and-child tertiary hospital.
            ur_of: dict[str, str] = {}
            for k, h in enumerate([*generals, tcm, mch]):
                ur = f"syn-a-ur{c:04d}-{k}"
                ur_of[h] = ur
                idx.urban_rural.append(ur)
                alliances.append(
                    Alliance(id=ur, name=f"{hospital_names[h]}城乡医联体",
                             kind=AllianceKind.URBAN_RURAL, integration=Integration.LOOSE,
                             division=city_id, valid_from=SINCE, assumption=a_)
                )  # fmt: skip
                member(h, ur, MemberRole.LEAD)
            upper_for = {
                InstitutionType.TCM: tcm,
                InstitutionType.MATERNAL_CHILD: mch,
            }
            rules = (
                Rule(id=f"syn-pol-{c:04d}-level-choice", kind=RuleKind.LEVEL_CHOICE,
                     modality=Modality.MAY, match=RuleMatch(direction=Direction.UP),
                     params={"levels": ["secondary", "tertiary"],
                             "patient_chooses_institution": True},
                     text="转诊书只填写转入医院等级，具体医院由患者自行选择。", assumption=a_),
                Rule(id=f"syn-pol-{c:04d}-alliance-preference",
                     kind=RuleKind.ALLIANCE_PREFERENCE, modality=Modality.PREFER,
                     match=RuleMatch(direction=Direction.UP),
                     params={"exempt_conditions": ["cardiovascular"],
                             "exempt_list_exhaustive": False},
                     text="除心血管疾病等专科疾病外，应优先转往本医联体内的上级医院。",
                     assumption=a_),
                Rule(id=f"syn-pol-{c:04d}-designation-infectious", kind=RuleKind.DESIGNATION,
                     modality=Modality.MAY, match=RuleMatch(conditions=("infectious",)),
                     designates=(infectious,),
                     text="传染病患者转入市传染病医院。", assumption=a_),
                Rule(id=f"syn-pol-{c:04d}-gateway-default", kind=RuleKind.GATEWAY,
                     modality=Modality.MAY, match=RuleMatch(out_of_region=True),
                     designates=(generals[0],),
                     params={"default": True, "destination": "省级定点医疗机构"},
                     text="本市不能诊治的患者经市第一人民医院转至省级定点医疗机构。",
                     assumption=a_),
            )  # fmt: skip
            policies.append(
                Policy(id=f"syn-pol-{c:04d}", region=city_id,
                       document=f"{city_name}分级诊疗制度实施方案（合成）", version="2018",
                       valid_from=SINCE, conditions=CONDITIONS, rules=rules, assumption=a_)
            )  # fmt: skip

            # ---- counties -----------------------------------------------------------------
            for _ in range(counties_per_city[c]):
                x = county_no
                county_no += 1
                county_id = f"syn-d-x{x:05d}"
                county_name = _place(rng, "县")
                idx.counties.append(county_id)
                divisions.append(
                    Division(id=county_id, name=county_name, level=DivisionLevel.COUNTY,
                             parent=city_id, assumption=a_)
                )  # fmt: skip
                hospitals: dict[InstitutionType, str] = {}
                for t in hospital_types[x]:
                    label = {InstitutionType.GENERAL: "人民医院", InstitutionType.TCM: "中医医院",
                             InstitutionType.MATERNAL_CHILD: "妇幼保健院"}[t]  # fmt: skip
                    hospitals[t] = inst(f"{county_name}{label}", Level.SECONDARY, t, county_id,
                                        _HOSPITAL_ROLES, Grade.A, "二级甲等")  # fmt: skip
                idx.county_hospitals.extend(hospitals.values())
                general = hospitals[InstitutionType.GENERAL]
                cc = f"syn-a-cc{x:05d}"
                idx.county_communities.append(cc)
                alliances.append(
                    Alliance(id=cc, name=f"{county_name}县域医共体",
                             kind=AllianceKind.COUNTY_COMMUNITY, integration=Integration.TIGHT,
                             division=county_id, valid_from=SINCE, assumption=a_)
                )  # fmt: skip
                member(general, cc, MemberRole.LEAD)
                for t, h in hospitals.items():
                    if t is not InstitutionType.GENERAL:
                        member(h, cc, MemberRole.MEMBER)
                county_grid = f"syn-g-x{x:05d}"
                grids.append(Grid(id=county_grid, name=f"{county_name}网格", division=county_id,
                                  assumption=a_))  # fmt: skip
                services.append(Service(alliance=cc, grid=county_grid, valid_from=SINCE,
                                        assumption=a_))  # fmt: skip
                # City tertiary → county hospital of the same type, in the upper's alliance.
                chain_upper = {
                    InstitutionType.GENERAL: rng.choice(generals),
                    **upper_for,
                }
                for t, h in hospitals.items():
                    ur = ur_of[chain_upper[t]]
                    member(h, ur, MemberRole.MEMBER)
                    pair(ur, chain_upper[t], h)

                centres: list[str] = []
                for _ in range(townships_per_county[x]):
                    tw = township_no
                    township_no += 1
                    township_id = f"syn-d-t{tw:06d}"
                    central = tw % 10 == 0
                    township_name = _place(rng, "镇" if rng.random() < 0.6 else "乡")
                    divisions.append(
                        Division(id=township_id, name=township_name,
                                 level=DivisionLevel.TOWNSHIP, parent=county_id, assumption=a_)
                    )  # fmt: skip
                    centre = inst(
                        f"{township_name}{'中心' if central else ''}卫生院",
                        level=Level.PRIMARY,
                        itype=(InstitutionType.CENTRAL_TOWNSHIP_CENTRE if central
                               else InstitutionType.TOWNSHIP_CENTRE),
                        division=township_id, roles=_FIRST_CONTACT, level_text="一级",
                    )  # fmt: skip
                    centres.append(centre)
                    idx.township_centres.append(centre)
                    member(centre, cc, MemberRole.HUB)
                    pair(cc, general, centre)
                    for _ in range(villages_per_township[tw]):
                        v = inst(f"{township_name}{_place(rng, '村')}卫生室", level=Level.UNRATED,
                                 itype=InstitutionType.VILLAGE_CLINIC, division=township_id,
                                 roles=_FIRST_CONTACT)  # fmt: skip
                        member(v, cc, MemberRole.BASE)
                        if len(idx.village_clinics_sample) < 10_000 and rng.random() < 0.05:
                            idx.village_clinics_sample.append(v)

                # Each county hospital's urban-rural chain reaches a few township centres.
                for t, h in hospitals.items():
                    ur = ur_of[chain_upper[t]]
                    reach = 3 if t is InstitutionType.GENERAL else 1
                    for centre in rng.sample(centres, min(reach, len(centres))):
                        member(centre, ur, MemberRole.MEMBER)
                        pair(ur, h, centre)
                # A channel up the urban-rural chain, and a few recorded referral flows.
                upper = chain_upper[InstitutionType.GENERAL]
                channels.append(
                    Channel(source_institution=general, target_institution=upper,
                            direction=Direction.UP, alliance=ur_of[upper], valid_from=SINCE,
                            assumption=a_)
                )  # fmt: skip
                some = rng.choice(centres)
                for src, dst, direction in (
                    (some, general, Direction.UP),
                    (general, upper, Direction.UP),
                    (general, some, Direction.DOWN),
                ):
                    referrals.append(
                        ReferralFlow(source_institution=src, target_institution=dst,
                                     period="2024", direction=direction,
                                     count=rng.randint(1, 500), condition="general",
                                     assumption=a_)
                    )  # fmt: skip

    assert len(insts) == institutions, (len(insts), institutions)
    dataset = Dataset(
        id="syn",
        name=f"合成全国医联体数据（{institutions}家机构）",
        name_en=f"synthetic national benchmark data ({institutions} institutions)",
        description=ASSUMPTION,
        sources=(SourceDocument(seed="000", title=ASSUMPTION),),
        divisions=tuple(divisions),
        grids=tuple(grids),
        institutions=tuple(insts),
        alliances=tuple(alliances),
        memberships=tuple(members),
        services=tuple(services),
        pairings=tuple(pairings),
        channels=tuple(channels),
        referrals=tuple(referrals),
        policies=tuple(policies),
    )
    return Synthetic(dataset, idx, shape)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--institutions", type=int, default=NATIONAL_INSTITUTIONS)
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument(
        "--write",
        metavar="DIR",
        type=Path,
        help="also write the dataset as a dataset folder (docs/data-format.md) at DIR",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    syn = generate(args.institutions, args.seed)
    seconds = time.perf_counter() - started
    print(f"generated in {seconds:.1f} s; shape {syn.shape}")
    for name, n in sorted(syn.dataset.counts().items()):
        print(f"  {name:<12} {n:>10,}")
    if args.write:
        from loaders.export import write_folder

        started = time.perf_counter()
        written = write_folder(syn.dataset, args.write)
        seconds = time.perf_counter() - started
        print(f"wrote {args.write} in {seconds:.1f} s: {written}")


if __name__ == "__main__":
    main()
