"""A dataset: every fact loaded from one folder (or several merged), validated as a whole."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields

from graphmodel.alliance import Alliance, Membership, Service
from graphmodel.counterpart import Pairing
from graphmodel.division import Boundary, Division, Grid
from graphmodel.institution import Institution
from graphmodel.policy import Policy
from graphmodel.referral import Channel, ReferralFlow


@dataclass(frozen=True, kw_only=True)
class SourceDocument:
    seed: str
    file: str = ""
    title: str = ""


@dataclass(frozen=True, kw_only=True)
class Dataset:
    id: str
    name: str = ""
    name_en: str = ""
    description: str = ""
    sources: tuple[SourceDocument, ...] = ()
    divisions: tuple[Division, ...] = ()
    grids: tuple[Grid, ...] = ()
    institutions: tuple[Institution, ...] = ()
    alliances: tuple[Alliance, ...] = ()
    memberships: tuple[Membership, ...] = ()
    services: tuple[Service, ...] = ()
    pairings: tuple[Pairing, ...] = ()
    channels: tuple[Channel, ...] = ()
    referrals: tuple[ReferralFlow, ...] = ()
    policies: tuple[Policy, ...] = ()
    boundaries: tuple[Boundary, ...] = ()
    parts: tuple[str, ...] = field(default=())

    def counts(self) -> dict[str, int]:
        """Node counts by label and relationship counts by type, as both stores report them."""
        rules = sum(len(p.rules) for p in self.policies)
        return dict(
            Counter(
                {
                    "Division": len(self.divisions),
                    "Grid": len(self.grids),
                    "Institution": len(self.institutions),
                    "Alliance": len(self.alliances),
                    "Policy": len(self.policies),
                    "Rule": rules,
                    "PART_OF": sum(1 for d in self.divisions if d.parent),
                    "WITHIN": len(self.grids),
                    "LOCATED_IN": sum(1 for i in self.institutions if i.division),
                    "MEMBER_OF": len(self.memberships),
                    "SERVES": len(self.services),
                    "PAIRED_WITH": len(self.pairings),
                    "CHANNEL": len(self.channels),
                    "REFERRED": len(self.referrals),
                    "APPLIES_TO": len(self.policies),
                    "HAS_RULE": rules,
                    "DESIGNATES": sum(len(r.designates) for p in self.policies for r in p.rules),
                }
            )
        )


def merge(datasets: list[Dataset], merged_id: str = "all") -> Dataset:
    """Load several datasets together; ids must stay unique across them (checked by loaders)."""
    if len(datasets) == 1:
        return datasets[0]
    tables = {
        f.name: tuple(x for d in datasets for x in getattr(d, f.name))
        for f in fields(Dataset)
        if f.name
        in {
            "sources",
            "divisions",
            "grids",
            "institutions",
            "alliances",
            "memberships",
            "services",
            "pairings",
            "channels",
            "referrals",
            "policies",
            "boundaries",
        }
    }
    return Dataset(
        id=merged_id,
        name=" + ".join(d.name or d.id for d in datasets),
        parts=tuple(d.id for d in datasets),
        **tables,  # type: ignore[arg-type]
    )
