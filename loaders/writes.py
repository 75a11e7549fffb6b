"""The API's writes: each validated exactly as the loaders validate, one transaction, safe to
retry (MERGE on a natural key; ending a fact sets its end date and never deletes it).
"""

from __future__ import annotations

from datetime import date
from typing import Any, LiteralString

from graphmodel.alliance import Membership
from graphmodel.counterpart import Pairing
from graphmodel.enums import (
    Direction,
    Grade,
    InstitutionType,
    Level,
    MemberRole,
    Ownership,
)
from graphmodel.errors import InvalidInputError, NotFoundError, Problem
from graphmodel.institution import Institution
from graphmodel.referral import ReferralFlow
from graphmodel.store import Store
from loaders import neo4j_writer
from loaders.folder import parse_row
from stores import props

EXISTING: dict[str, LiteralString] = {
    "institution": "UNWIND $ids AS id MATCH (n:Institution {id: id}) RETURN n.id AS id",
    "alliance": "UNWIND $ids AS id MATCH (n:Alliance {id: id}) RETURN n.id AS id",
    "division": "UNWIND $ids AS id MATCH (n:Division {id: id}) RETURN n.id AS id",
}

# A division's name and its ancestors' names, nearest first (for the city-prefixed keys).
PLACES: LiteralString = """
MATCH path = (:Division {id: $id})-[:PART_OF*0..]->(d:Division)
RETURN d.name AS name ORDER BY length(path)
"""

END_MEMBERSHIP: LiteralString = """
MATCH (:Institution {id: $institution})-[m:MEMBER_OF {role: $role}]->(:Alliance {id: $alliance})
WHERE coalesce(m.valid_from, date('0001-01-01')) <= $end
  AND (m.valid_to IS NULL OR m.valid_to >= $end)
SET m.valid_to = $end
RETURN m
"""

END_PAIRING: LiteralString = """
MATCH (:Institution {id: $upper})-[p:PAIRED_WITH]->(:Institution {id: $lower})
WHERE p.alliance = $alliance AND coalesce(p.upper_department, '') = $upper_department
  AND coalesce(p.valid_from, date('0001-01-01')) <= $end
  AND (p.valid_to IS NULL OR p.valid_to >= $end)
SET p.valid_to = $end
RETURN p
"""


def _text(values: dict[str, Any]) -> dict[str, str]:
    """Typed API input as the text cells a file would have held."""
    out = {}
    for k, v in values.items():
        if v is None:
            continue
        if isinstance(v, list | tuple):
            out[k] = "|".join(str(x) for x in v)
        elif hasattr(v, "value"):
            out[k] = str(v.value)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        else:
            out[k] = str(v)
    return out


def _require(tx: Any, refs: dict[str, list[tuple[str, str]]]) -> None:
    """Every referenced id exists, checked inside the write transaction itself."""
    problems = []
    for kind, wanted in refs.items():
        ids = [i for _, i in wanted]
        found = {r["id"] for r in tx.run(EXISTING[kind], ids=ids)}
        problems += [Problem("request", None, field, f"unknown {kind} {ident!r}")
                     for field, ident in wanted if ident not in found]  # fmt: skip
    if problems:
        raise InvalidInputError(problems, consequence="nothing was written")


def register_institution(store: Store, values: dict[str, Any]) -> Institution:
    v = parse_row("institutions", _text(values))
    institution = Institution(
        id=v["id"], name=v["name"], names_alt=v["names_alt"] or (), level=Level(v["level"]),
        grade=Grade(v["grade"]) if v["grade"] else None, level_text=v["level_text"] or "",
        type=InstitutionType(v["type"]), ownership=Ownership(v["ownership"]),
        division=v["division"], specialties=v["specialties"] or (),
        review_passed_on=v["review_passed_on"], uscc=v["uscc"], note=v["note"] or "",
        source=v["source"] or "", assumption=v["assumption"] or "",
    )  # fmt: skip
    if institution.uscc:
        from stdnum.cn import uscc
        from stdnum.exceptions import ValidationError

        try:
            uscc.validate(institution.uscc)
        except ValidationError as exc:
            raise InvalidInputError.one(f"not a valid 统一社会信用代码: {exc}", column="uscc",
                                        consequence="nothing was written") from None  # fmt: skip

    def work(tx: Any) -> None:
        places: tuple[str, ...] = ()
        if institution.division:
            _require(tx, {"division": [("division", institution.division)]})
            places = tuple(r["name"] for r in tx.run(PLACES, id=institution.division))
        row = props.institution_props(institution, places) | {"dataset": "api"}
        tx.run(neo4j_writer.WRITE_INSTITUTIONS, rows=[row]).consume()
        # A changed level or division changes the route pool of the institution's alliances.
        neo4j_writer.refresh_pool_for_institutions(tx, [institution.id])

    store.write(work)
    return institution


def start_membership(store: Store, values: dict[str, Any]) -> Membership:
    v = parse_row("memberships", _text(values))
    m = Membership(
        institution=v["institution"], alliance=v["alliance"], role=MemberRole(v["role"]),
        valid_from=v["valid_from"], valid_to=v["valid_to"],
        source=v["source"] or "", assumption=v["assumption"] or "",
    )  # fmt: skip

    def work(tx: Any) -> None:
        _require(tx, {"institution": [("institution", m.institution)],
                      "alliance": [("alliance", m.alliance)]})  # fmt: skip
        tx.run(neo4j_writer.WRITE_MEMBERSHIPS, rows=[props.membership_props(m)]).consume()
        neo4j_writer.refresh_pool(tx, [m.alliance])

    store.write(work)
    return m


def end_membership(
    store: Store, institution: str, alliance: str, role: MemberRole, end: date
) -> Membership:
    def work(tx: Any) -> list[dict[str, Any]]:
        ended = [
            dict(r["m"])
            for r in tx.run(
                END_MEMBERSHIP, institution=institution, alliance=alliance, role=role.value, end=end
            )
        ]
        neo4j_writer.refresh_pool(tx, [alliance])
        return ended

    ended = store.write(work)
    if not ended:
        raise NotFoundError("membership valid on that date", f"{institution} → {alliance} ({role})")
    return props.membership_from(ended[0])


def add_pairing(store: Store, values: dict[str, Any]) -> Pairing:
    v = parse_row("pairings", _text(values))
    if v["upper"] == v["lower"]:
        raise InvalidInputError.one("lower must differ from upper", column="lower",
                                    consequence="nothing was written")  # fmt: skip
    p = Pairing(
        alliance=v["alliance"], upper=v["upper"], lower=v["lower"],
        upper_department=v["upper_department"] or "", specialty=v["specialty"] or "",
        specialty_code=v["specialty_code"] or "",
        responsible_upper=v["responsible_upper"] or "",
        responsible_lower=v["responsible_lower"] or "",
        valid_from=v["valid_from"], valid_to=v["valid_to"],
        source=v["source"] or "", assumption=v["assumption"] or "",
    )  # fmt: skip

    def work(tx: Any) -> None:
        _require(tx, {"institution": [("upper", p.upper), ("lower", p.lower)],
                      "alliance": [("alliance", p.alliance)]})  # fmt: skip
        tx.run(neo4j_writer.WRITE_PAIRINGS, rows=[props.pairing_props(p)]).consume()

    store.write(work)
    return p


def end_pairing(
    store: Store, alliance: str, upper: str, lower: str, upper_department: str, end: date
) -> Pairing:
    def work(tx: Any) -> list[dict[str, Any]]:
        return [dict(r["p"]) for r in tx.run(END_PAIRING, alliance=alliance, upper=upper,
                                               lower=lower, upper_department=upper_department,
                                               end=end)]  # fmt: skip

    ended = store.write(work)
    if not ended:
        raise NotFoundError("pairing valid on that date", f"{upper} → {lower} in {alliance}")
    return props.pairing_from(ended[0])


def record_referrals(store: Store, values: dict[str, Any]) -> ReferralFlow:
    v = parse_row("referrals", _text(values))
    if v["from"] == v["to"]:
        raise InvalidInputError.one("to must differ from from", column="to",
                                    consequence="nothing was written")  # fmt: skip
    flow = ReferralFlow(
        source_institution=v["from"], target_institution=v["to"], period=v["period"],
        direction=Direction(v["direction"]), count=v["count"], condition=v["condition"] or "",
        source=v["source"] or "", assumption=v["assumption"] or "",
    )  # fmt: skip

    def work(tx: Any) -> None:
        _require(tx, {"institution": [("from", flow.source_institution),
                                      ("to", flow.target_institution)]})  # fmt: skip
        # The count for a period is replaced, not added to, so a retried call changes nothing.
        tx.run(neo4j_writer.WRITE_REFERRALS, rows=[props.referral_props(flow)]).consume()

    store.write(work)
    return flow
