"""Datasets for the report queries' tests: one network that meets every obligation, and
small changes to it that break exactly one.

`compliant()` is a province with a city (a tertiary hospital, an urban group serving a
district grid) and a county (its general hospital leading a county community over two
township grids, a specialty alliance, a telemedicine network reaching one township of two,
and the pairings 000 and 002 ask for). It holds no policy; `obliged()` adds one applying to
the province whose rules call every check (`queries._examples.every_check`), so that every
obligation binds. Tests add to them and load them on either store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.dataset import Dataset
from graphmodel.division import Division, Grid
from graphmodel.enums import (
    AllianceKind,
    Direction,
    DivisionLevel,
    InstitutionType,
    Level,
    MemberRole,
    Ownership,
    RuleKind,
)
from graphmodel.institution import Institution
from graphmodel.obligations import obligation_rule
from graphmodel.policy import Policy, Rule, RuleMatch
from graphmodel.referral import Channel, ReferralFlow
from graphmodel.store import Store
from queries._examples import every_check
from queries._obligation_scope import Scope
from stores.memory import MemoryStore

ON = date(2024, 6, 1)
T = "test data"


@dataclass
class Build:
    divisions: list[Division] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)
    institutions: list[Institution] = field(default_factory=list)
    alliances: list[Alliance] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    pairings: list[Pairing] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    referrals: list[ReferralFlow] = field(default_factory=list)
    policies: list[Policy] = field(default_factory=list)

    def division(self, id: str, level: str, parent: str | None = None) -> Build:
        self.divisions.append(
            Division(id=id, name=f"{id}名", level=DivisionLevel(level), parent=parent, assumption=T)
        )
        return self

    def grid(self, id: str, division: str) -> Build:
        self.grids.append(Grid(id=id, name=f"{id}网格", division=division, assumption=T))
        return self

    def institution(
        self, id: str, level: str, type: str, division: str, ownership: str = "public"
    ) -> Build:
        self.institutions.append(
            Institution(
                id=id, name=f"{id}院", level=Level(level), type=InstitutionType(type),
                ownership=Ownership(ownership), division=division, assumption=T,
            )
        )  # fmt: skip
        return self

    def alliance(
        self, id: str, kind: str, valid_from: date | None = None, valid_to: date | None = None
    ) -> Build:
        self.alliances.append(
            Alliance(
                id=id,
                name=f"{id}联合体",
                kind=AllianceKind(kind),
                assumption=T,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
        return self

    def member(
        self,
        institution: str,
        alliance: str,
        role: str = "member",
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> Build:
        self.memberships.append(
            Membership(institution=institution, alliance=alliance, role=MemberRole(role),
                       assumption=T, valid_from=valid_from, valid_to=valid_to)
        )  # fmt: skip
        return self

    def serves(
        self, alliance: str, grid: str, valid_from: date | None = None, valid_to: date | None = None
    ) -> Build:
        self.services.append(
            Service(
                alliance=alliance, grid=grid, assumption=T, valid_from=valid_from, valid_to=valid_to
            )
        )
        return self

    def pair(
        self,
        alliance: str,
        upper: str,
        lower: str,
        valid_from: date | None = None,
        valid_to: date | None = None,
    ) -> Build:
        self.pairings.append(
            Pairing(
                alliance=alliance,
                upper=upper,
                lower=lower,
                assumption=T,
                valid_from=valid_from,
                valid_to=valid_to,
            )
        )
        return self

    def channel(self, source: str, target: str, alliance: str | None = None) -> Build:
        self.channels.append(
            Channel(source_institution=source, target_institution=target,
                    direction=Direction.UP, alliance=alliance, assumption=T)
        )  # fmt: skip
        return self

    def flow(
        self, source: str, target: str, period: str, direction: str, count: int, condition: str = ""
    ) -> Build:
        self.referrals.append(
            ReferralFlow(source_institution=source, target_institution=target, period=period,
                         direction=Direction(direction), count=count, condition=condition,
                         assumption=T)
        )  # fmt: skip
        return self

    def policy(self, id: str, region: str, *rules: Rule, valid_from: date | None = None) -> Build:
        self.policies.append(
            Policy(id=id, region=region, document=f"{id} 文件", version="1",
                   valid_from=valid_from, rules=rules, source="test")
        )  # fmt: skip
        return self

    def without(self, kind: str, keep: Callable[[Any], bool]) -> Build:
        """Drop the facts of table `kind` for which `keep` is false."""
        setattr(self, kind, [x for x in getattr(self, kind) if keep(x)])
        return self

    def dataset(self) -> Dataset:
        tables: dict[str, Any] = {k: tuple(v) for k, v in vars(self).items()}
        return Dataset(id="t", name="test", **tables)


def rule(id: str, kind: str, source: str = "test §1", **params: Any) -> Rule:
    match = params.pop("match", RuleMatch())
    designates = tuple(params.pop("designates", ()))
    return Rule(id=id, kind=RuleKind(kind), match=match, designates=designates, params=params,
                source=source, text=f"{id} 条文")  # fmt: skip


def compliant() -> Build:
    b = Build()
    b.division("prov", "province").division("city", "city", "prov")
    b.division("county", "county", "city").division("district", "district", "city")
    b.division("t1", "township", "county").division("t2", "township", "county")
    b.division("v1", "village", "t1")
    b.grid("g1", "t1").grid("g2", "t2").grid("g3", "district")
    b.institution("city-hosp", "tertiary", "general", "city")
    b.institution("county-hosp", "secondary", "general", "county")
    b.institution("thc1", "primary", "township_centre", "t1")
    b.institution("thc2", "primary", "central_township_centre", "t2")
    b.institution("vc1", "primary", "village_clinic", "v1")
    b.institution("chc", "primary", "community_centre", "district")
    b.institution("district-hosp", "secondary", "general", "district")
    b.alliance("cc", "county_community").alliance("ug", "urban_group")
    b.alliance("spec", "specialty").alliance("tele", "telemedicine").alliance("ur", "urban_rural")
    b.member("county-hosp", "cc", "lead").member("thc1", "cc", "hub").member("thc2", "cc", "hub")
    b.member("vc1", "cc", "base")
    b.member("city-hosp", "ug", "lead").member("chc", "ug").member("district-hosp", "ug")
    b.member("county-hosp", "spec", "lead")
    b.member("city-hosp", "tele", "lead").member("thc1", "tele")
    b.member("city-hosp", "ur", "lead").member("county-hosp", "ur")
    b.serves("cc", "g1").serves("cc", "g2").serves("ug", "g3")
    b.pair("ur", "city-hosp", "county-hosp")
    b.pair("cc", "county-hosp", "thc1").pair("cc", "county-hosp", "thc2")
    b.pair("ug", "city-hosp", "chc")
    return b


POLICY = "test-policy"


def obliged() -> Build:
    """`compliant()` under a policy of the province that calls every check."""
    b = compliant()
    b.policies.append(every_check(POLICY, "prov"))
    return b


def obliged_scope(on: date = ON, region: str = "prov", **params: dict[str, Any]) -> Scope:
    """The rules of `obliged()`'s policy (or of one like it for `region`), as `validation`
    applies them on `on`."""
    p = every_check(POLICY, region, **params)
    rules = tuple(obligation_rule(p.id, p.region, p.status, r) for r in p.rules)
    return Scope(on, (), rules)


def store_fixture() -> Any:
    """A fixture `make_store`: load a dataset on the embedded store, then on Neo4j."""

    @pytest.fixture(params=["memory", "neo4j"], name="make_store")
    def make_store(request: pytest.FixtureRequest) -> Callable[[Dataset], Store]:
        if request.param == "memory":
            return MemoryStore
        neo = request.getfixturevalue("neo4j_clean")

        def load(dataset: Dataset) -> Store:
            neo.clear()
            neo.load(dataset)
            return neo  # type: ignore[no-any-return]

        return load

    return make_store
