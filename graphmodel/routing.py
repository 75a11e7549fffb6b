"""Where may this patient be referred from here, by which route, under which rule?

The decision is made here, once, on a `RouteContext` that each store gathers in one round
trip (`queries/referral_route.py`): the origin, the region's policy, the origin's alliance
chains and channels, and the institutions a level-named referral may reach. The rules come
from the region's policy data (docs/domain.md §11); they are tried in the order of
docs/domain.md §5: exemptions, readmission, conditional first contact, direction down,
out-of-region gateways, designations, the own alliance's agreed channels, and finally a level.

Every rule binds only as strongly as its clause's verb (`Modality`, docs/domain.md §6). The
first rule that applies gives the *recommended* route and its preferred destinations. Under
a rule that says
*may* or *preferably*, the rules after it stay in force underneath: what they admit is
admissible too (a tuberculosis patient is designated to one hospital and may still choose
another that the general rule admits). A rule that says *must* admits only its own
destinations and the alternatives it names (`params.alternative_to`). Each destination says
whether it is preferred and on which rule it is admissible; `verdict` is the standing of the
checked destination, or of the recommended route.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from graphmodel.alliance import Alliance
from graphmodel.consequences import consequences_of
from graphmodel.counterpart import Pairing
from graphmodel.enums import Direction, Level, Modality, ReferralRole, RuleKind, Severity
from graphmodel.errors import InvalidInputError
from graphmodel.frozen_init import quick_init
from graphmodel.institution import Institution
from graphmodel.policy import Policy, Rule
from graphmodel.referral import Channel
from graphmodel.route_pool import kept
from graphmodel.route_words import (
    PHASE_EN,
    PHASE_ZH,
    ROLE_CONDITION_ZH,
    flags_en,
    flags_zh,
    levels_zh,
)

MAX_HOPS = 6

# Condition ids used wherever the seeds name them; the fallback when no policy is loaded.
STANDARD_CONDITIONS = (
    "general", "infectious", "tuberculosis", "hepatitis", "psychiatric", "pediatric",
    "obstetric", "oncology", "cardiovascular", "burn", "tcm-brain", "tcm-liver", "tcm-kidney",
)  # fmt: skip

FLAGS = (
    "emergency", "critical", "special_population", "infectious_notifiable", "ambulance_120",
    "mass_casualty", "beyond_capacity", "travelling", "signed_resident",
)  # fmt: skip

# The patient's phase, for a down-referral (003 §三(二)2(4); 000 §二(一)2, §二(一)4).
PHASES = tuple(PHASE_ZH)

PREFERRED, ADMISSIBLE, REFUSED = "preferred", "admissible", "refused"


@dataclass(frozen=True)
class RouteRequest:
    origin: str
    condition: str = "general"
    severity: Severity = Severity.NORMAL
    flags: frozenset[str] = frozenset()
    employer: str | None = None
    readmission_of: str | None = None
    out_of_region: bool = False
    direction: Direction = Direction.UP
    destination: str | None = None
    on: date | None = None
    phase: str | None = None


@quick_init
@dataclass(frozen=True)
class Link:
    """One agreed step between two institutions: a counterpart pairing or a channel."""

    lower: str
    upper: str
    alliance: Alliance | None
    pairing: Pairing | None = None
    channel: Channel | None = None

    @property
    def source(self) -> str:
        fact = self.pairing or self.channel
        return fact.source if fact else ""


@quick_init
@dataclass(frozen=True)
class Candidate:
    """An institution a level-named or nearest-first referral may reach."""

    institution: Institution
    ancestry: tuple[str, ...]  # its divisions, nearest first


@quick_init
@dataclass(frozen=True)
class RouteContext:
    origin: Institution
    ancestry: tuple[str, ...]  # the origin's divisions, nearest first
    policy: Policy | None
    institutions: dict[str, Institution] = field(compare=True)  # every one referenced below
    up_links: tuple[Link, ...] = ()  # upward pairings reachable in one alliance, and channels
    down_links: tuple[Link, ...] = ()
    pool: tuple[Candidate, ...] = ()  # up: secondary-and-above institutions it may reach
    lower: tuple[Candidate, ...] = ()  # down: lower-level institutions of its jurisdiction


@quick_init
@dataclass(frozen=True)
class InstitutionRef:
    id: str | None
    name: str
    level: str

    @classmethod
    def of(cls, i: Institution) -> InstitutionRef:
        return cls(i.id, i.name, str(i.level))  # the value as a plain str, without `.value`


@quick_init
@dataclass(frozen=True)
class RuleRef:
    id: str
    kind: str
    source: str
    text: str = ""
    modality: str | None = None

    @classmethod
    def of(cls, r: Rule) -> RuleRef:
        return cls(r.id, r.kind.value, r.source, r.text, r.modality.value if r.modality else None)


@quick_init
@dataclass(frozen=True)
class Basis:
    """Why a destination is admissible: the rule, how strongly it binds, its clause."""

    rule: str
    kind: str
    modality: str | None
    source: str

    @classmethod
    def of(cls, r: RuleRef) -> Basis:
        return cls(r.id, r.kind, r.modality, r.source)


@quick_init
@dataclass(frozen=True)
class Destination:
    """An admissible receiving institution; `preferred` when the applicable rule puts it first."""

    id: str
    name: str
    level: str
    preferred: bool
    basis: Basis


@quick_init
@dataclass(frozen=True)
class Consequence:
    """What a route (or leaving it) changes for the patient, under a rule of kind consequence."""

    rule: str
    source: str
    modality: str | None
    applies: str  # on_route | off_route
    effect: str
    holds: bool  # False when it depends on something the request does not say
    message_zh: str
    message_en: str


@quick_init
@dataclass(frozen=True)
class AllianceRef:
    id: str
    name: str
    kind: str


@quick_init
@dataclass(frozen=True)
class Hop:
    source: InstitutionRef
    to: InstitutionRef  # id None when the hop names a level, not a hospital (003 §三(三)1)
    via: str  # alliance | channel | designation | gateway | exemption | readmission | level | down
    rule: RuleRef
    alliance: AllianceRef | None = None


@quick_init
@dataclass(frozen=True)
class Route:
    verdict: str  # preferred | admissible | refused
    origin: InstitutionRef
    hops: tuple[Hop, ...]
    destinations: tuple[Destination, ...]  # preferred first
    explanation_zh: str
    explanation_en: str
    policy: str | None = None
    reason: str | None = None
    alternatives: tuple[Destination, ...] = ()
    consequences: tuple[Consequence, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.verdict != REFUSED

    @property
    def explanation(self) -> str:
        return f"{self.explanation_zh}\n{self.explanation_en}"


@dataclass
class _Draft:
    """What one applicable rule sends the patient to: its first choices and what else it admits.

    Never changed once made: a draft may be kept on the pool and shared by many routes.
    """

    via: str
    rule: RuleRef
    targets: list[Institution]  # preferred
    zh: str
    en: str
    levels: tuple[str, ...] = ()
    chain: list[Link] = field(default_factory=list)  # agreed links; their uppers are admissible
    also: list[tuple[Institution, RuleRef]] = field(default_factory=list)  # admissible too
    # Or, instead of `also`: the pool's institutions a filter admits, the origin not yet
    # left out, under one rule (key, institutions, rule); their destinations are kept.
    pooled: tuple[tuple[Any, ...], tuple[Institution, ...], RuleRef] | None = None
    # For a draft kept per request shape (`ByKind`): what, beside that shape, decides all
    # `_merge` reads of it (the key it is kept under; for the alliance draft also its chain's
    # uppers). The merged destinations of drafts that all have one are kept by these keys.
    memo_key: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def binding(self) -> bool:
        """A rule that says must leaves nothing underneath admissible."""
        return self.rule.modality == _MUST


_MUST = Modality.MUST.value


def conditions_of(policy: Policy | None) -> tuple[str, ...]:
    return tuple(c.id for c in policy.conditions) if policy else STANDARD_CONDITIONS


def condition_names(ctx: RouteContext, condition: str) -> tuple[str, str]:
    """The policy's own names for a condition, Chinese and English: (结核病, tuberculosis)."""
    for c in ctx.policy.conditions if ctx.policy else ():
        if c.id == condition:
            return c.name, c.name_en or c.name
    return ("一般疾病" if condition == "general" else "该病种"), condition


def check_request(ctx: RouteContext, req: RouteRequest) -> None:
    policy = ctx.policy.id if ctx.policy else None
    known = kept(ctx.pool, ("conditions", policy), lambda: frozenset(conditions_of(ctx.policy)))
    if req.condition not in known:
        allowed = conditions_of(ctx.policy)
        region = f"policy {ctx.policy.id}" if ctx.policy else "the standard list"
        raise InvalidInputError.one(
            f"unknown condition {req.condition!r}; the categories of {region} are: "
            + ", ".join(allowed),
            column="condition",
        )
    unknown = sorted(set(req.flags) - set(FLAGS)) if req.flags else ()
    if unknown:
        raise InvalidInputError.one(f"unknown flag(s) {unknown}; expected some of {FLAGS}")
    if req.phase is not None and req.phase not in PHASES:
        raise InvalidInputError.one(
            f"unknown phase {req.phase!r}; expected one of {PHASES}", column="phase"
        )


def decide(ctx: RouteContext, req: RouteRequest) -> Route:
    """Decide the route; see the module docstring for the order and strength of the rules."""
    check_request(ctx, req)
    refusal = _first_contact_refusal(ctx, req)
    if refusal is not None:
        return refusal
    by_kind = matched_rules(ctx, req)
    if (
        req.destination is None
        and req.direction is Direction.UP
        and not req.flags
        and req.readmission_of is None
        and not req.out_of_region
    ):
        # An ordinary route: its plan is kept per request shape and kind of origin.
        key = _plan_key(ctx, req, by_kind)
        plan = by_kind.memo.get(key)  # (`kept`, without its closure when the plan is kept)
        if plan is None:
            plan = kept(by_kind, key, lambda: _plan_of(ctx, _drafts(ctx, req, by_kind), by_kind))
        route = _route_of(ctx, plan)
    else:
        route = _finish(ctx, req, _drafts(ctx, req, by_kind), by_kind)
    if not by_kind[RuleKind.CONSEQUENCE]:
        return route
    return replace(route, consequences=consequences_of(ctx, req, route))


def _drafts(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> list[_Draft]:
    """The drafts of the rules that apply, in the order tried; a binding one ends them."""
    drafts: list[_Draft] = []
    for step in _STEPS:
        d = step(ctx, req, by_kind)
        if d is None:
            continue
        drafts.append(d)
        if d.binding:
            break
    return drafts


def _plan_key(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> tuple[Any, ...]:
    """What the steps and `_plan_of` read of the origin, for an ordinary route (up, no
    destination, flags, readmission or leaving the region; the request shape is the
    memo's own): its level; its id when the pool holds it; its first counterparts and its
    chain's uppers (`_alliance`, `_admissible`); its first-contact standing when a level
    rule names levels, and its divisions when one names the nearest (`_level`). Nothing
    of its walk beyond that: the hops along its chain are made per call (`_route_of`)."""
    origin = ctx.origin
    first: tuple[str, ...] | None = None
    uppers: tuple[str, ...] | None = None
    if ctx.up_links:
        oid = origin.id
        first = tuple([x.upper for x in ctx.up_links if x.lower == oid])
        uppers = tuple([x.upper for x in ctx.up_links])
    levels, nearest = kept(
        by_kind, ("level-choices",), lambda: _level_choices(by_kind[RuleKind.LEVEL_CHOICE])
    )
    literal = bool(levels) and acts_as_first_contact(ctx, req)
    near = ctx.ancestry if nearest else None
    return ("plan", origin.level.rank, _held_origin(ctx), first, uppers, literal, near)


@dataclass(frozen=True)
class _Plan:
    """What a route without a chosen destination says, but its origin's reference and the
    hops along its chain: kept per request shape and kind of origin (`_plan_key`), so it
    holds nothing of one origin's own walk."""

    verdict: str
    destinations: tuple[Destination, ...]
    zh: str
    en: str
    policy: str | None
    reason: str | None = None  # set when refused
    chained: RuleRef | None = None  # the rule the hops along the origin's up links cite
    hop: tuple[InstitutionRef, str, RuleRef] | None = None  # else the one hop: to, via, rule


def _plan_of(ctx: RouteContext, drafts: list[_Draft], by_kind: ByKind) -> _Plan:
    policy_id = ctx.policy.id if ctx.policy else None
    merged = _admissible(ctx, drafts, by_kind)
    admissible = merged.destinations
    if not drafts or not admissible:
        rule = drafts[0].rule if drafts else RuleRef("none", "none", "")
        zh = (drafts[0].zh + " " if drafts else "") + "数据中没有符合条件的接收机构，无法转诊。"
        en = (drafts[0].en + " " if drafts else "") + (
            "No admissible receiving institution is in the data for this patient, so no "
            "referral can be recommended."
        )
        cite = f", {rule.source}" if rule.source else ""
        why = f"no admissible destination (per {rule.id}{cite})"
        return _Plan(REFUSED, (), zh, en, policy_id, reason=why)
    main = drafts[0]
    zh, en = main.zh + merged.also_zh, main.en + merged.also_en
    if main.chain:
        # The only draft with a chain is the alliance draft, whose chain is the up links.
        return _Plan(merged.verdict, admissible, zh, en, policy_id, chained=main.rule)
    hop = _hop_to(ctx, main, admissible)
    return _Plan(merged.verdict, admissible, zh, en, policy_id, hop=hop)


def _route_of(ctx: RouteContext, plan: _Plan) -> Route:
    o = InstitutionRef.of(ctx.origin)
    if plan.reason is not None:
        return Route(REFUSED, o, (), (), plan.zh, plan.en, plan.policy, reason=plan.reason)
    hops = _plan_hops(ctx, plan, o)
    return Route(plan.verdict, o, hops, plan.destinations, plan.zh, plan.en, plan.policy)


def _plan_hops(ctx: RouteContext, plan: _Plan, o: InstitutionRef) -> tuple[Hop, ...]:
    """The recommended hops of a plan that admits someone: along the origin's agreed chain
    (its up links, the alliance draft's chain), else the plan's one hop."""
    if plan.chained is not None:
        chain = _ordered_chain(list(ctx.up_links), ctx.origin.id)
        return tuple([_link_hop(ctx, x, plan.chained, o) for x in chain])
    assert plan.hop is not None
    to, via, rule = plan.hop
    return (Hop(o, to, via, rule),)


def _admissible(ctx: RouteContext, drafts: list[_Draft], by_kind: ByKind) -> _Merged:
    """Every destination the drafts admit, preferred first, with the words for the others.

    What the drafts name decides the answer (an id names one institution in one graph), so
    it is kept on the pool per the drafts' shape: every origin of a region whose rules
    name the same destinations shares it. The origin is left out of every answer; it is
    part of the key only when the pool holds it. Drafts kept per request shape (the
    alliance and level drafts of an ordinary route) are named by their memo keys instead,
    and the answer kept with that shape: the same answer, without building and hashing
    each draft's shape on every call.
    """
    held = _held_origin(ctx)
    keys = tuple(d.memo_key for d in drafts)
    if keys and None not in keys:
        return kept(by_kind, ("admissible", held, keys), lambda: _merge(ctx, drafts))
    if held is None and any(t.id == ctx.origin.id for d in drafts for t in d.targets):
        held = ctx.origin.id  # e.g. a readmission to the origin itself: left out of its own
    shape = (held, *(_shape(d) for d in drafts))
    return kept(ctx.pool, ("admissible", shape), lambda: _merge(ctx, drafts))


@dataclass(frozen=True)
class _Merged:
    """The admissible destinations, preferred first, and the sentence naming the others."""

    destinations: tuple[Destination, ...]
    also_zh: str = ""
    also_en: str = ""

    @property
    def verdict(self) -> str:
        """The standing of the recommended route: preferred when a rule puts one first."""
        first = self.destinations[0] if self.destinations else None
        return PREFERRED if first is not None and first.preferred else ADMISSIBLE


def _shape(d: _Draft) -> tuple[Any, ...]:
    """What `_merge` reads of a draft, by id: its key on the pool."""
    return (
        d.rule,
        tuple(t.id for t in d.targets),
        tuple(x.upper for x in d.chain),
        tuple((t.id, r) for t, r in d.also),
        (d.pooled[0], d.pooled[2]) if d.pooled is not None else None,
    )


def _named_ids(ctx: RouteContext) -> frozenset[str]:
    """The ids of the pool's institutions and of those the policy designates: kept on the
    pool per policy."""
    policy = ctx.policy

    def make() -> frozenset[str]:
        ids = {c.institution.id for c in ctx.pool}
        for r in policy.rules if policy else ():
            ids.update(r.designates)
        return frozenset(ids)

    return kept(ctx.pool, ("ids", policy.id if policy else None), make)


def _held_origin(ctx: RouteContext) -> str | None:
    """The origin's id when a kept answer may name it (what is kept must then leave it out
    of its own answers: it is in the pool, the policy designates it, or a pairing leads
    back to it), else None: the part of a kept draft's key that is the origin's."""
    origin = ctx.origin.id
    for x in ctx.up_links:
        if x.upper == origin:
            return origin
    policy = ctx.policy
    memo = getattr(ctx.pool, "memo", None)
    ids = memo.get(("ids", policy.id if policy else None)) if memo is not None else None
    if ids is None:  # (`_named_ids`, without its calls when the pool keeps it already)
        ids = _named_ids(ctx)
    return origin if origin in ids else None


def _merge(ctx: RouteContext, drafts: list[_Draft]) -> _Merged:
    out: dict[str, Destination] = {}
    origin = ctx.origin.id

    def add(i: Institution, rule: RuleRef, preferred: bool) -> None:
        if i.id != origin and i.id not in out:
            out[i.id] = Destination(i.id, i.name, i.level.value, preferred, Basis.of(rule))

    if drafts:
        for t in _unique(drafts[0].targets):
            add(t, drafts[0].rule, True)
    for d in drafts:
        for t in _unique(d.targets):
            add(t, d.rule, False)
        for t in _unique(ctx.institutions[x.upper] for x in d.chain):
            add(t, d.rule, False)
        for t, r in sorted(d.also, key=lambda x: (-x[0].level.rank, x[0].id)):
            add(t, r, False)
        if d.pooled is not None:
            for ident, dest in _pooled_destinations(ctx, *d.pooled):
                if ident != origin and ident not in out:
                    out[ident] = dest
    admissible = tuple(out.values())
    also = [d for d in admissible if not d.preferred]
    if not also:
        return _Merged(admissible)
    return _Merged(
        admissible,
        f" 此外也可转往：{_names(also)}（{_sources(also, zh=True)}）。",
        f" Also admissible: {len(also)} more ({_sources(also)}).",
    )


def _pooled_destinations(
    ctx: RouteContext, key: tuple[Any, ...], among: tuple[Institution, ...], rule: RuleRef
) -> list[tuple[str, Destination]]:
    """`among` as non-preferred destinations on `rule`, highest level first, then by id:
    built once per pool, filter and rule."""

    def make() -> list[tuple[str, Destination]]:
        ordered = sorted(among, key=lambda i: (-i.level.rank, i.id))
        basis = Basis.of(rule)
        return [(i.id, Destination(i.id, i.name, i.level.value, False, basis)) for i in ordered]

    return kept(ctx.pool, ("destinations", key, rule), make)


def _finish(ctx: RouteContext, req: RouteRequest, drafts: list[_Draft], by_kind: ByKind) -> Route:
    plan = _plan_of(ctx, drafts, by_kind)
    if plan.reason is not None or req.destination is None:
        return _route_of(ctx, plan)
    o = InstitutionRef.of(ctx.origin)
    policy_id, admissible, zh, en = plan.policy, plan.destinations, plan.zh, plan.en
    main = drafts[0]
    dest = ctx.institutions.get(req.destination)
    name = dest.name if dest else req.destination
    chosen = next((d for d in admissible if d.id == req.destination), None)
    if dest is None or chosen is None:
        hops = _plan_hops(ctx, plan, o)
        why_zh = f"{name}不在允许的接收机构之列（依据 {main.rule.source or main.rule.id}）。"
        why_en = f"{name} is not among the admissible receiving institutions (per {main.rule.id}"
        why_en += f", {main.rule.source})." if main.rule.source else ")."
        return Route(
            REFUSED, o, hops, admissible, f"{zh} {why_zh}", f"{en} {why_en}", policy_id,
            reason=why_en, alternatives=admissible,
        )  # fmt: skip
    chain = [link for d in drafts for link in d.chain]
    path = _path_to(chain, ctx.origin.id, dest.id)
    rule = next((d.rule for d in drafts if d.rule.id == chosen.basis.rule), main.rule)
    via = next((d.via for d in drafts if d.rule.id == chosen.basis.rule), main.via)
    if not chosen.preferred and via == "alliance":
        via = "level"  # off the agreed chain: the patient's own choice of a higher institution
    if path:
        hops = tuple(_link_hop(ctx, link, rule, o) for link in path)
    else:
        hops = (Hop(o, InstitutionRef.of(dest), via, rule),)
    if chosen.preferred:
        zh += f" 所选目的地{name}是该路径的首选。"
        en += f" The chosen destination {name} is preferred on this route."
        verdict = PREFERRED
    else:
        zh += f" 所选目的地{name}也可接收（{_sources([chosen], zh=True)}）。"
        en += f" The chosen destination {name} is also admissible (per {chosen.basis.rule}" + (
            f", {chosen.basis.source})." if chosen.basis.source else ")."
        )
        verdict = ADMISSIBLE
    return Route(verdict, o, hops, (chosen,), zh, en, policy_id)


def _names(items: Iterable[Destination]) -> str:
    return "、".join(d.name for d in items)


def _sources(items: Iterable[Destination], zh: bool = False) -> str:
    """The clauses the destinations rest on; where none restricts them, the Chinese says so."""
    cited = sorted({d.basis.source for d in items if d.basis.source})
    if zh:
        return "依据 " + "；".join(cited) if cited else "没有条款限制"
    return "; ".join(cited or sorted({d.basis.rule for d in items}))


def _hop_to(
    ctx: RouteContext, d: _Draft, admissible: tuple[Destination, ...]
) -> tuple[InstitutionRef, str, RuleRef]:
    """Where the one hop of a draft without a chain goes: its own target, or the first
    admissible destination, or a level when there are several."""
    targets = _unique(d.targets) or [ctx.institutions[admissible[0].id]]
    if len(targets) == 1 and not d.levels:
        return InstitutionRef.of(targets[0]), d.via, d.rule
    levels = d.levels or tuple(sorted({t.level.value for t in targets}, key=_level_rank))
    name = levels_zh(levels) + "医疗机构（由患者选择）"
    lowest = levels[0] if levels else ""
    return InstitutionRef(None, name, lowest), d.via, d.rule


# The kinds of policy rule a hop along an agreed link cites instead of the link's own clause.
_LINK_RULE_KINDS = frozenset({RuleKind.ALLIANCE_PREFERENCE.value, RuleKind.CHANNEL.value})


def _link_hop(ctx: RouteContext, link: Link, fallback: RuleRef, o: InstitutionRef) -> Hop:
    """The hop of an agreed link; `o` is the origin's reference, the lower end of its own
    links."""
    lower = o if link.lower == o.id else _ref(ctx, link.lower)
    a = link.alliance
    # Agreed channels are facts of their own: the hop cites the pairing or channel's clause.
    rule = fallback
    if not (fallback.source and fallback.kind in _LINK_RULE_KINDS):
        source = link.source
        if source:
            kind = "pairing" if link.pairing else "channel"
            rule = RuleRef(f"{kind}:{a.id if a else ''}", kind, source)
    memo = getattr(ctx.pool, "memo", None)
    refs = memo.get(("upper-refs", link.upper, a.id if a else None)) if memo is not None else None
    upper, alliance = refs if refs is not None else _upper_refs(ctx, link.upper, a)
    return Hop(lower, upper, "alliance" if link.pairing else "channel", rule, alliance)


def _upper_refs(
    ctx: RouteContext, ident: str, a: Alliance | None
) -> tuple[InstitutionRef, AllianceRef | None]:
    """The references to a link's upper end and its alliance, kept on the pool together
    (one lookup per hop)."""

    def make() -> tuple[InstitutionRef, AllianceRef | None]:
        alliance = AllianceRef(a.id, a.name, a.kind.value) if a else None
        return _ref(ctx, ident), alliance

    return kept(ctx.pool, ("upper-refs", ident, a.id if a else None), make)


def _ref(ctx: RouteContext, ident: str) -> InstitutionRef:
    """The reference to an institution a link names: kept on the pool per id (the uppers of
    a region's chains are few and shared by all its origins)."""
    return kept(ctx.pool, ("ref", ident), lambda: InstitutionRef.of(ctx.institutions[ident]))


def _ordered_chain(chain: list[Link], origin: str) -> list[Link]:
    """Breadth-first from the origin, so hops read one level up at a time."""
    if len(chain) == 1:
        return [chain[0]] if chain[0].lower == origin else []
    # Each node's links, in the order they are followed: grouped and sorted once.
    below: dict[str, list[Link]] = {}
    for x in chain:
        below.setdefault(x.lower, []).append(x)
    for links in below.values():
        links.sort(key=lambda x: (x.alliance.id if x.alliance else "", x.upper))
    out, seen, queue = [], set(), deque([origin])
    while queue:
        node = queue.popleft()
        for link in below.get(node, ()):
            key = (link.lower, link.upper, link.alliance.id if link.alliance else "")
            if key not in seen:
                seen.add(key)
                out.append(link)
                queue.append(link.upper)
    return out


def _path_to(chain: list[Link], origin: str, target: str) -> list[Link]:
    parents: dict[str, Link] = {}
    queue, seen = deque([origin]), {origin}
    while queue:
        node = queue.popleft()
        if node == target:
            path = []
            while node != origin:
                link = parents[node]
                path.append(link)
                node = link.lower
            return path[::-1]
        for link in sorted(chain, key=lambda x: (x.alliance.id if x.alliance else "", x.upper)):
            if link.lower == node and link.upper not in seen:
                seen.add(link.upper)
                parents[link.upper] = link
                queue.append(link.upper)
    return []


# ---- the rules, in the order they are tried ------------------------------------------------


def matching(rules: Iterable[Rule], kind: RuleKind, req: RouteRequest) -> list[Rule]:
    """The rules of `kind` whose match fields this request meets."""
    out = []
    for r in rules:
        m = r.match
        if r.kind is not kind:
            continue
        if m.conditions and req.condition not in m.conditions:
            continue
        if m.severity is not None and m.severity is not req.severity:
            continue
        if m.direction is not None and m.direction is not req.direction:
            continue
        if m.out_of_region is not None and m.out_of_region != req.out_of_region:
            continue
        if m.phases and req.phase is not None and req.phase not in m.phases:
            continue
        out.append(r)
    return out


class ByKind(dict[RuleKind, tuple[Rule, ...]]):
    """The rules a request meets, by kind (a kind none of them has gives ()), with a memo
    of the drafts made for that request shape: kept with it, so their keys need not
    repeat the shape."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.memo: dict[tuple[Any, ...], Any] = {}

    def __missing__(self, kind: RuleKind) -> tuple[Rule, ...]:
        return ()


def matched_rules(ctx: RouteContext, req: RouteRequest) -> ByKind:
    """`matching` over the context's policy for every kind at once, kept on the pool per
    policy and what `matching` reads of the request."""
    if ctx.policy is None:
        return ByKind()
    rules = ctx.policy.rules

    def make() -> ByKind:
        kinds = dict.fromkeys(r.kind for r in rules)
        return ByKind({k: tuple(matching(rules, k, req)) for k in kinds})

    return kept(ctx.pool, ("matching", *_request_shape(ctx, req)), make)


def _request_shape(ctx: RouteContext, req: RouteRequest) -> tuple[Any, ...]:
    """The policy and what `matching` and `_accepts` read of a request: a key of what
    is kept per region (the flags are read by the exemptions, never kept)."""
    policy = ctx.policy.id if ctx.policy else None
    return (policy, req.severity, req.direction, req.out_of_region, req.phase, *_patient(req))


def _exemption(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if not req.flags:
        return None
    for rule in by_kind[RuleKind.EXEMPTION]:
        if not rule.match.flags_hold(req.flags):
            continue
        hit = sorted(set(rule.match.flags + rule.match.all_flags) & req.flags)
        nearest = _nearest(ctx, req)
        names = "、".join(i.name for i in nearest) or "（数据中无更近的接收机构）"
        ref = RuleRef.of(rule)
        # 可自主选择定点医疗机构 (003 §三(三)2(1)); 可直接转诊治疗 (000 §二(四)6): any suitable
        # institution the patient is taken to is admissible, the nearest comes first.
        direct = rule.params.get("patient_chooses") or rule.params.get("direct_or_nearest")
        return _Draft(
            "exemption", ref, nearest,
            f"属于{flags_zh(hit)}情形，依据 {rule.source}，可就近转诊至最近的合适机构：{names}，"
            "转诊手续事后补办。最近按行政区划判断（数据中没有地理坐标）。",
            f"The case is {flags_en(hit)}, so under {rule.source} ({rule.id}) the patient may go "
            f"straight to the nearest suitable institution ({len(nearest)} found), with the "
            "paperwork afterwards. Nearest is judged by administrative division: the data holds "
            "no coordinates.",
            pooled=(*_suitable_picked(ctx, req), ref) if direct else None,
        )  # fmt: skip
    return None


def _readmission(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if req.readmission_of is None:
        return None
    target = ctx.institutions.get(req.readmission_of)
    for rule in by_kind[RuleKind.READMISSION]:
        if target is None:
            raise InvalidInputError.one(f"no institution {req.readmission_of!r} to return to")
        return _Draft(
            "readmission", RuleRef.of(rule), [target],
            f"同一疾病再次住院，依据 {rule.source}，可直接回到原就治机构{target.name}。",
            f"A readmission for the same disease may return directly to {target.name}, the "
            f"institution that treated it, under {rule.source} ({rule.id}).",
        )  # fmt: skip
    return None


def acts_as_first_contact(ctx: RouteContext, req: RouteRequest) -> bool:
    """The origin is this patient's first-contact institution (a role, or the policy's types)."""
    origin, on = ctx.origin, req.on or date.today()
    for g in origin.roles:
        if g.role is ReferralRole.FIRST_CONTACT and g.holds(
            on=on, review_passed_on=origin.review_passed_on, employer=req.employer,
            condition_id=req.condition,
        ):  # fmt: skip
            return True
    types, levels = _first_contact_kinds(ctx)
    return origin.type in types or origin.level in levels  # a StrEnum hashes as its value


def _first_contact_kinds(ctx: RouteContext) -> tuple[frozenset[str], frozenset[str]]:
    """The institution types and levels the policy makes first-contact: kept per policy."""
    policy = ctx.policy

    def make() -> tuple[frozenset[str], frozenset[str]]:
        rules = [r for r in policy.rules if r.kind is RuleKind.FIRST_CONTACT] if policy else []
        return (
            frozenset(t for r in rules for t in r.params.get("first_contact_types", ())),
            frozenset(v for r in rules for v in r.params.get("first_contact_levels", ())),
        )

    return kept(ctx.pool, ("first-contact", policy.id if policy else None), make)


def _first_contact_refusal(ctx: RouteContext, req: RouteRequest) -> Route | None:
    """A conditional first-contact institution cannot start the route for other patients."""
    origin = ctx.origin
    if req.direction is not Direction.UP or not origin.roles:
        return None
    grants = [g for g in origin.roles if g.role is ReferralRole.FIRST_CONTACT]
    if not grants or acts_as_first_contact(ctx, req):
        return None
    g = grants[0]
    sources = "; ".join(sorted({x.source for x in grants if x.source}))
    cond_zh = ROLE_CONDITION_ZH.get(g.condition.value, "")
    value = g.condition_value
    if g.condition.value == "for_condition":
        value = condition_names(ctx, value)[0]
    zh = (
        f"{origin.name}仅在条件“{cond_zh}：{value}”下负责首诊（{sources}），"
        "本患者不符合，不能以其为首诊机构发起转诊；应在居住地基层医疗卫生机构首诊（003 §二(一)）。"
    )
    en = (
        f"{origin.name} is a first-contact institution only under the condition "
        f"'{g.condition.value} {g.condition_value}' ({sources}); this patient does not meet it, "
        "so no referral may start here. The patient should first attend a primary institution "
        "where they live."
    )
    o = InstitutionRef.of(origin)
    return Route(REFUSED, o, (), (), zh, en, ctx.policy.id if ctx.policy else None, reason=en)


def _down(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    """Down to the lower institutions the policy names, the agreed counterparts first."""
    if req.direction is not Direction.DOWN:
        return None
    counterparts = _unique(ctx.institutions[link.lower] for link in ctx.down_links)
    counterpart_ref = _counterpart_rule(ctx, req, by_kind)
    policy_rules = [r for r in ctx.policy.rules if r.kind is RuleKind.DOWN_REFERRAL] if ctx.policy \
        else []  # fmt: skip
    matched = [
        r for r in by_kind[RuleKind.DOWN_REFERRAL]
        if not r.params.get("from_levels") or ctx.origin.level.value in r.params["from_levels"]
    ]  # fmt: skip
    phase_zh = PHASE_ZH.get(req.phase or "", "")
    if not policy_rules:
        # No clause restricts the way down: the agreed counterparts, then the jurisdiction.
        ref = counterpart_ref or _agreed(ctx.down_links)
        lower = [c.institution for c in ctx.lower]
        return _Draft(
            "down", ref, counterparts,
            f"本地区政策未规定下转的接收机构；下转回本医联体的对接机构：{_inames(counterparts)}。",
            "The region's policy names no receiving institutions for a down-referral; the "
            f"patient goes back to the agreed counterparts ({len(counterparts)}).",
            also=[(i, ref) for i in lower],
        )  # fmt: skip
    if not matched:
        cites = "；".join(sorted({r.source for r in policy_rules}))
        phases = sorted({p for r in policy_rules for p in r.match.phases})
        return _Draft(
            "down", RuleRef.of(policy_rules[0]), [],
            f"{phase_zh or '该患者'}不属于下转情形（{cites} 列明："
            f"{'、'.join(PHASE_ZH[p] for p in phases)}）。",
            f"The patient's phase ({PHASE_EN.get(req.phase or '', 'not stated')}) is not one "
            f"{cites} names for a down-referral "
            f"({', '.join(PHASE_EN[p] for p in phases)}).",
        )  # fmt: skip
    levels_of = {r.id: _down_levels(ctx, r) for r in matched}
    admitted = [
        (c.institution, RuleRef.of(r)) for r in matched for c in ctx.lower
        if c.institution.level.value in levels_of[r.id]
    ]  # fmt: skip
    admitted_ids = {i.id for i, _ in admitted}
    # Where a clause prefers the counterparts (000 §二(四)3), those at an admitted level
    # come first and the rest stay admissible; otherwise every admitted one is a first choice.
    first = [i for i in counterparts if i.id in admitted_ids] if counterpart_ref else []
    prefer = counterpart_ref if first else None
    if prefer:
        admitted = [(i, r) for i, r in admitted if i.id not in {f.id for f in first}]
    else:
        first, admitted = [i for i, _ in admitted], []
    rule = RuleRef.of(matched[0])
    levels = tuple(sorted({v for lv in levels_of.values() for v in lv}, key=_level_rank))
    cites = "；".join(sorted({r.source for r in matched}))
    who = "、".join(i.name for i in first) or "（数据中无该级别的机构）"
    head_zh = f"{phase_zh}患者" if phase_zh else "康复期、病情稳定的患者"
    return _Draft(
        "down", prefer or rule, first,
        f"{head_zh}依据 {cites} {'应' if rule.modality == 'must' else '可'}转至辖区内的"
        f"{levels_zh(levels)}医疗机构：{who}"
        + (f"（医联体对接单位优先，{prefer.source}）。" if prefer else "。"),
        f"Under {cites} the patient {'is to' if rule.modality == 'must' else 'may'} go down "
        f"to a {' or '.join(levels)} institution of the referring institution's jurisdiction "
        f"({len(first) + len(admitted)} found)"
        + (f"; the alliance counterparts come first ({prefer.source})." if prefer else "."),
        levels=() if prefer else levels,
        also=admitted,
    )  # fmt: skip


def _agreed(links: tuple[Link, ...]) -> RuleRef:
    """The agreed pairing or channel a rule-less down-referral follows, with its clause."""
    for link in links:
        if link.source:
            kind = "pairing" if link.pairing else "channel"
            sources = "; ".join(sorted({c for x in links for c in x.source.split("; ") if c}))
            return RuleRef(f"{kind}:{link.alliance.id if link.alliance else ''}", kind, sources)
    return RuleRef("no-down-referral-rule", "down_referral", "")


def _down_levels(ctx: RouteContext, rule: Rule) -> tuple[str, ...]:
    """The levels a down-referral rule sends to: named, or the next lower one present."""
    if rule.params.get("levels"):
        return tuple(rule.params["levels"])
    present = sorted({c.institution.level.rank for c in ctx.lower}, reverse=True)
    if not present:
        return ()
    rank = present[0]
    return tuple(v.value for v in Level if v.rank == rank)


def _counterpart_rule(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> RuleRef | None:
    """A rule that prefers the alliance counterpart (000 §二(四)3), when the origin has one."""
    if not ctx.down_links and req.direction is Direction.DOWN:
        return None
    for r in by_kind[RuleKind.CHANNEL]:
        if r.params.get("target") == "alliance_counterpart":
            return RuleRef.of(r)
    return None


def _gateway(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if not req.out_of_region:
        return None
    gateways = by_kind[RuleKind.GATEWAY]
    required = [r for r in gateways if r.params.get("default")]
    named = [r for r in gateways if not r.params.get("default")]
    rule = required[0] if required else named[0] if named else None
    if rule is None:
        return None
    targets = [ctx.institutions[t] for t in rule.designates]
    names = "、".join(t.name for t in targets)
    onward = rule.params.get("destination", "")
    alternatives = [r for r in named if r is not rule]
    also = [(ctx.institutions[t], RuleRef.of(r)) for r in alternatives for t in r.designates]
    verb_zh, verb_en = ("必须经", "must go out through") if rule.modality and \
        rule.modality.value == "must" else ("可经", "may go out through")  # fmt: skip
    zh = f"本地区不能诊治的病例{verb_zh}{names}转出（{rule.source}）" + (
        f"，再转至{onward}。" if onward else "。"
    )
    en = f"Care the region cannot provide {verb_en} {names} under {rule.source} ({rule.id})" + (
        f", which refers on to {onward}." if onward else "."
    )
    if alternatives:
        alt = "、".join(ctx.institutions[t].name for r in alternatives for t in r.designates)
        zh += f"该病种也可经{alt}转诊（{'；'.join(sorted({r.source for r in alternatives}))}）。"
        en += f" For this condition the patient may also go via {alt}."
    return _Draft("gateway", RuleRef.of(rule), targets, zh, en, also=also)


def _designation(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if req.direction is not Direction.UP:
        return None
    matched = [r for r in by_kind[RuleKind.DESIGNATION] if r.match.conditions]
    if not matched:
        return None
    rule = matched[0]
    targets = [ctx.institutions[t] for r in matched for t in r.designates]
    names = "、".join(t.name for t in _unique(targets))
    severe = req.severity is Severity.SEVERE
    zh_name, en_name = condition_names(ctx, req.condition)
    verb_zh, verb_en = ("须转入", "must go to") if rule.modality is Modality.MUST else \
        ("可转入", "may go to")  # fmt: skip
    return _Draft(
        "designation", RuleRef.of(rule), targets,
        f"该病种（{zh_name}，{'重症' if severe else '一般病情'}）按 {rule.source} {verb_zh}"
        f"指定机构：{names}。",
        f"For this condition ({en_name}, {req.severity.value}) the patient {verb_en} the "
        f"designated {names} ({rule.id}, {rule.source}).",
    )  # fmt: skip


def _alliance(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if req.direction is not Direction.UP or not ctx.up_links:
        return None
    origin = ctx.origin.id
    first = tuple([x.upper for x in ctx.up_links if x.lower == origin])
    if not first:
        return None
    # Its words and what it admits beyond the chain read the origin only through its level
    # and its first counterparts: kept per those; the chain is the origin's own.
    key = ("alliance-draft", ctx.origin.level.rank, first)
    t = kept(by_kind, key, lambda: _alliance_draft(
        ctx, req, by_kind, [ctx.institutions[i] for i in first]))  # fmt: skip
    chain = list(ctx.up_links)
    return _Draft(t.via, t.rule, t.targets, t.zh, t.en, (), chain, [], t.pooled,
                  (key, tuple([x.upper for x in chain])))  # fmt: skip


def _alliance_draft(
    ctx: RouteContext, req: RouteRequest, by_kind: ByKind, first: list[Institution]
) -> _Draft:
    """The alliance draft without its chain."""
    pref = by_kind[RuleKind.ALLIANCE_PREFERENCE]
    channel = by_kind[RuleKind.CHANNEL]
    exempt = pref and req.condition in pref[0].params.get("exempt_conditions", ())
    names = "、".join(i.name for i in _unique(first))
    zh_name, en_name = condition_names(ctx, req.condition)
    if exempt:
        exemption = RuleRef.of(pref[0])
        counterpart = next((RuleRef.of(r) for r in channel
                            if r.params.get("target") == "alliance_counterpart"), None)  # fmt: skip
        outside = (*_suitable_picked(ctx, req), exemption)
        return _Draft(
            "alliance", counterpart or exemption, first if counterpart else [],
            f"{zh_name}属于 {exemption.source} 列明的专科疾病，不受“优先转往本医联体”的限制，"
            f"可转往医联体外的专科机构；本医联体内的上级对接机构为{names}"
            + (f"，在尊重患者意愿的前提下优先（{counterpart.source}）。" if counterpart else "。"),
            f"{en_name} is one of the specialist conditions {exemption.source} exempts from the "
            f"in-alliance preference ({exemption.id}), so the patient may also leave the "
            f"alliance; inside it the upper counterpart is {names}"
            + (f", preferred with the patient's consent ({counterpart.source})." if counterpart
               else "."),
            pooled=outside,
        )  # fmt: skip
    rule_obj = pref[0] if pref else channel[0] if channel else None
    rule = RuleRef.of(rule_obj) if rule_obj else RuleRef("alliance-channel", "channel", "")
    cite = f"（{rule_obj.source}）" if rule_obj else ""
    prefer = rule_obj is not None and rule_obj.modality is Modality.PREFER
    also = (*_suitable_picked(ctx, req), rule) if prefer else None
    verb_zh = "优先转往" if prefer else "可按协议转往"
    return _Draft(
        "alliance", rule, first,
        f"向上转诊{verb_zh}本医联体内的上级对接机构{cite}：{names}，逐级上转"
        + ("；在尊重患者意愿的前提下，其他上级机构也可接收。" if prefer else "。"),
        f"Upward referral goes {'preferably' if prefer else 'by agreement'} to the upper "
        f"counterpart in the patient's own alliance ({rule.id}"
        f"{', ' + rule_obj.source if rule_obj else ''}): {names}, one level at a time"
        + ("; with the patient's consent other higher institutions stay admissible." if prefer
           else "."),
        pooled=also,
    )  # fmt: skip


def _level(ctx: RouteContext, req: RouteRequest, by_kind: ByKind) -> _Draft | None:
    if req.direction is not Direction.UP:
        return None
    choices = by_kind[RuleKind.LEVEL_CHOICE]
    levels, nearest = kept(by_kind, ("level-choices",), lambda: _level_choices(choices))
    # A first-contact institution refers to the levels the clause names (003 §三(二)2(1):
    # 二级或三级), whatever its own level; anyone else refers above its own level.
    literal = bool(levels) and acts_as_first_contact(ctx, req)
    # The draft reads the request through its rules and the patient, the origin through
    # its level (and its own id or divisions only when the pool holds it or a rule names
    # the nearest): every such origin of the region shares one draft.
    near = ctx.ancestry if nearest else None
    key = ("level-draft", literal, ctx.origin.level.rank, _held_origin(ctx), near)

    def make() -> _Draft:
        draft = _level_draft(ctx, req, choices, levels, literal)
        draft.memo_key = key  # before it is kept and shared
        return draft

    return kept(by_kind, key, make)


def _level_choices(choices: tuple[Rule, ...]) -> tuple[tuple[str, ...], bool]:
    """The levels the request's level rules name (the last that names any), and whether
    one of them names the nearest institution."""
    levels: tuple[str, ...] = ()
    for r in choices:
        levels = tuple(r.params.get("levels", ())) or levels
    return levels, any(r.params.get("nearest") for r in choices)


def _level_draft(
    ctx: RouteContext,
    req: RouteRequest,
    choices: tuple[Rule, ...],
    levels: tuple[str, ...],
    literal: bool,
) -> _Draft:
    rank = ctx.origin.level.rank
    key = ("level", rank, literal, levels, *_patient(req))
    picked: tuple[Institution, ...] = kept(ctx.pool, key, lambda: tuple(
        c.institution for c in ctx.pool
        if _accepts(c.institution, req)
        and (c.institution.level.rank > rank or literal)
        and (not levels or c.institution.level.value in levels)
    ))  # fmt: skip
    targets = _without(picked, ctx.origin.id)
    if not literal:
        levels = tuple(v for v in levels if Level(v).rank > rank)
    levels = levels or tuple(sorted({t.level.value for t in targets}, key=_level_rank))
    level_names = levels_zh(levels) if levels else "更高级别"
    nearest_rule = next((r for r in choices if r.params.get("nearest")), None)
    form = next((r for r in choices if r.params.get("patient_chooses_institution")), None)
    rule_obj = nearest_rule or form or (choices[0] if choices else None)
    if rule_obj is None:
        none = "no-regional-policy" if ctx.policy is None else "no-level-rule"
        rule = RuleRef(none, "level_choice", "")
        what_zh = "未载入该地区的转诊政策" if ctx.policy is None else "该地区政策未规定转诊级别"
        what_en = (
            "No referral policy is loaded for this region"
            if ctx.policy is None
            else "The region's policy names no level for this referral"
        )
        return _Draft(
            "level", rule, [],
            f"{what_zh}；没有条款限制，可转往更高级别的机构（{level_names}），共{len(targets)}家。",
            f"{what_en}; no clause restricts the choice, so the patient may go to any "
            f"higher-level institution ({len(targets)} found).",
            levels=levels, pooled=(key, picked, rule),
        )  # fmt: skip
    ref = RuleRef.of(rule_obj)
    nearest = _nearest_of(ctx, targets) if nearest_rule else []
    cites = "；".join(sorted({r.source for r in choices}))
    return _Draft(
        "level", ref, nearest,
        f"可根据病情就近转至{level_names}医疗机构；转诊书只填写转入医院等级，具体医院由患者"
        f"自行选择（{cites}），共{len(targets)}家可选"
        + (f"，最近的是{_inames(nearest)}。" if nearest else "。"),
        f"The patient may go to a {' or '.join(levels)} institution, the nearest first; the "
        f"referral form names a level, not a hospital, and the patient chooses among "
        f"{len(targets)} admissible institutions ({cites}).",
        levels=levels, pooled=(key, picked, ref),
    )  # fmt: skip


# Tried in this order (docs/domain.md §5); a rule that says must ends the list.
_STEPS: tuple[Callable[[RouteContext, RouteRequest, ByKind], _Draft | None], ...] = (
    _exemption, _readmission, _down, _gateway, _designation, _alliance, _level,
)  # fmt: skip


# ---- helpers ---------------------------------------------------------------------------------


def _accepts(i: Institution, req: RouteRequest) -> bool:
    """Accepts referrals for this patient; an institution with no role data is not excluded."""
    if not i.roles:
        return True
    on = req.on or date.today()
    return any(
        g.role is ReferralRole.ACCEPTS_REFERRALS
        and g.holds(on=on, review_passed_on=i.review_passed_on, employer=req.employer,
                    condition_id=req.condition)
        for g in i.roles
    )  # fmt: skip


def _patient(req: RouteRequest) -> tuple[Any, ...]:
    """What `_accepts` reads of a request: part of the key of any filter of the pool."""
    return (req.on or date.today(), req.employer, req.condition)


def _suitable_picked(
    ctx: RouteContext, req: RouteRequest
) -> tuple[tuple[Any, ...], tuple[Institution, ...]]:
    """`_suitable` with the origin not yet left out, and its key: kept on the pool."""
    rank = ctx.origin.level.rank
    key = ("suitable", rank, *_patient(req))
    return key, kept(ctx.pool, key, lambda: tuple(
        c.institution for c in ctx.pool
        if c.institution.level.rank > rank and _accepts(c.institution, req)
    ))  # fmt: skip


def _suitable(ctx: RouteContext, req: RouteRequest) -> list[Institution]:
    """Higher-level institutions of the pool that accept this patient's referral."""
    return _without(_suitable_picked(ctx, req)[1], ctx.origin.id)


def _without(among: tuple[Institution, ...], origin: str) -> list[Institution]:
    return [i for i in among if i.id != origin]


def _nearest(ctx: RouteContext, req: RouteRequest) -> list[Institution]:
    """Suitable institutions in the smallest division around the origin that has any."""
    return _nearest_of(ctx, _suitable(ctx, req))


def _nearest_of(ctx: RouteContext, among: list[Institution]) -> list[Institution]:
    wanted = {i.id for i in among}
    best: list[Institution] = []
    best_rank = len(ctx.ancestry) + 1
    for c in ctx.pool:
        if c.institution.id not in wanted:
            continue
        rank = next((k for k, d in enumerate(ctx.ancestry) if d in c.ancestry), best_rank)
        if rank < best_rank:
            best, best_rank = [c.institution], rank
        elif rank == best_rank:
            best.append(c.institution)
    return best


def _inames(items: Iterable[Institution]) -> str:
    return "、".join(i.name for i in items)


def _level_rank(level: str) -> tuple[int, int]:
    """Lower levels first; levels of one rank (primary, unrated) in the enum's order, so a
    sentence naming both reads the same in every process (a set's order of strings moves
    with PYTHONHASHSEED)."""
    return Level(level).rank, _DECLARED[level]


_DECLARED = {v.value: i for i, v in enumerate(Level)}


def _unique(items: Iterable[Institution]) -> list[Institution]:
    seen: dict[str, Institution] = {}
    for i in items:
        seen.setdefault(i.id, i)
    return sorted(seen.values(), key=lambda i: (-i.level.rank, i.id))
