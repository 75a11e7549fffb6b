"""Where may this patient be referred from here, by which route, under which rule?

The decision is made here, once, on a `RouteContext` that each store gathers in one round
trip (`queries/referral_route.py`): the origin, the region's policy, the origin's alliance
chains and channels, and the pool of institutions a level-named referral may reach. The
rules come from the region's policy data (docs/domain.md §11); the order they are tried in
follows docs/domain.md §5: exemptions, readmission, direction down, out-of-region
gateways, designations, the own alliance's agreed channels, and finally a level.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from graphmodel.alliance import Alliance
from graphmodel.counterpart import Pairing
from graphmodel.enums import Direction, Level, ReferralRole, RuleKind, Severity
from graphmodel.errors import InvalidInputError
from graphmodel.institution import Institution
from graphmodel.policy import Policy, Rule
from graphmodel.referral import Channel

MAX_HOPS = 6

# Condition ids used wherever the seeds name them; the fallback when no policy is loaded.
STANDARD_CONDITIONS = (
    "general", "infectious", "tuberculosis", "hepatitis", "psychiatric", "pediatric",
    "obstetric", "oncology", "cardiovascular", "burn", "tcm-brain", "tcm-liver", "tcm-kidney",
)  # fmt: skip

FLAGS = (
    "emergency", "critical", "special_population", "infectious_notifiable", "ambulance_120",
    "mass_casualty", "travelling",
)  # fmt: skip

LEVEL_ZH = {"tertiary": "三级", "secondary": "二级", "primary": "一级", "unrated": "未定级"}


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


@dataclass(frozen=True)
class Candidate:
    """An institution a level-named or nearest-first referral may reach."""

    institution: Institution
    ancestry: tuple[str, ...]  # its divisions, nearest first


@dataclass(frozen=True)
class RouteContext:
    origin: Institution
    ancestry: tuple[str, ...]  # the origin's divisions, nearest first
    policy: Policy | None
    institutions: dict[str, Institution] = field(compare=True)  # every one referenced below
    up_links: tuple[Link, ...] = ()  # upward pairings reachable in one alliance, and channels
    down_links: tuple[Link, ...] = ()
    pool: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class InstitutionRef:
    id: str | None
    name: str
    level: str

    @classmethod
    def of(cls, i: Institution) -> InstitutionRef:
        return cls(i.id, i.name, i.level.value)


@dataclass(frozen=True)
class RuleRef:
    id: str
    kind: str
    source: str
    text: str = ""

    @classmethod
    def of(cls, r: Rule) -> RuleRef:
        return cls(r.id, r.kind.value, r.source, r.text)


@dataclass(frozen=True)
class AllianceRef:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Hop:
    source: InstitutionRef
    to: InstitutionRef  # id None when the hop names a level, not a hospital (003 §三(三)1)
    via: str  # alliance | channel | designation | gateway | exemption | readmission | level | down
    rule: RuleRef
    alliance: AllianceRef | None = None


@dataclass(frozen=True)
class Route:
    allowed: bool
    origin: InstitutionRef
    hops: tuple[Hop, ...]
    destinations: tuple[InstitutionRef, ...]
    explanation_zh: str
    explanation_en: str
    policy: str | None = None
    reason: str | None = None
    alternatives: tuple[InstitutionRef, ...] = ()

    @property
    def explanation(self) -> str:
        return f"{self.explanation_zh}\n{self.explanation_en}"


@dataclass
class _Draft:
    """A route being decided: what the applicable rule sends the patient to."""

    via: str
    rule: RuleRef
    targets: list[Institution]
    zh: str
    en: str
    levels: tuple[str, ...] = ()
    chain: list[Link] = field(default_factory=list)
    choose_any: list[Institution] = field(default_factory=list)


def conditions_of(policy: Policy | None) -> tuple[str, ...]:
    return tuple(c.id for c in policy.conditions) if policy else STANDARD_CONDITIONS


def condition_name(ctx: RouteContext, condition: str) -> str:
    """The policy's own name for a condition, with its id: `结核病 (tuberculosis)`."""
    names = {c.id: c.name for c in ctx.policy.conditions} if ctx.policy else {}
    return f"{names[condition]} ({condition})" if condition in names else condition


def check_request(ctx: RouteContext, req: RouteRequest) -> None:
    allowed = conditions_of(ctx.policy)
    if req.condition not in allowed:
        region = f"policy {ctx.policy.id}" if ctx.policy else "the standard list"
        raise InvalidInputError.one(
            f"unknown condition {req.condition!r}; the categories of {region} are: "
            + ", ".join(allowed),
            column="condition",
        )
    unknown = sorted(set(req.flags) - set(FLAGS))
    if unknown:
        raise InvalidInputError.one(f"unknown flag(s) {unknown}; expected some of {FLAGS}")


def decide(ctx: RouteContext, req: RouteRequest) -> Route:
    """Decide the route; see the module docstring for the order of the rules."""
    check_request(ctx, req)
    origin = ctx.origin
    rules = ctx.policy.rules if ctx.policy else ()
    draft = (
        _exemption(ctx, req, rules)
        or _readmission(ctx, req, rules)
        or _first_contact_refusal(ctx, req)
        or (_down(ctx, req, rules) if req.direction is Direction.DOWN else None)
        or (_gateway(ctx, req, rules) if req.out_of_region else None)
        or _designation(ctx, req, rules)
        or _alliance(ctx, req, rules)
        or _level(ctx, req, rules)
    )
    policy_id = ctx.policy.id if ctx.policy else None
    if isinstance(draft, Route):
        return draft
    return _finish(ctx, req, draft, policy_id, origin)


def _finish(
    ctx: RouteContext, req: RouteRequest, d: _Draft, policy_id: str | None, origin: Institution
) -> Route:
    o = InstitutionRef.of(origin)
    targets = _unique(d.targets)
    destinations = tuple(InstitutionRef.of(t) for t in targets)
    hops = _hops(ctx, d, o, targets)
    if req.destination is None:
        return Route(True, o, hops, destinations, d.zh, d.en, policy_id)
    dest = ctx.institutions.get(req.destination)
    name = dest.name if dest else req.destination
    reachable = {t.id for t in targets} | {t.id for t in d.choose_any}
    reachable |= {link.upper for link in d.chain}
    if dest is not None and dest.id in reachable:
        path = _path_to(d.chain, origin.id, dest.id)
        if path:
            hops = tuple(_link_hop(ctx, link, d.rule) for link in path)
        else:
            hops = (Hop(o, InstitutionRef.of(dest), d.via, d.rule),)
        zh = f"{d.zh} 所选目的地{name}符合该路径。"
        en = f"{d.en} The chosen destination {name} is on this route."
        return Route(True, o, hops, (InstitutionRef.of(dest),), zh, en, policy_id)
    why_zh = f"{name}不在允许的接收机构之列（依据 {d.rule.source or d.rule.id}）。"
    why_en = f"{name} is not among the admissible receiving institutions (per {d.rule.id}"
    why_en += f", {d.rule.source})." if d.rule.source else ")."
    return Route(
        False, o, hops, destinations, f"{d.zh} {why_zh}", f"{d.en} {why_en}", policy_id,
        reason=why_en, alternatives=destinations,
    )  # fmt: skip


def _hops(
    ctx: RouteContext, d: _Draft, o: InstitutionRef, targets: list[Institution]
) -> tuple[Hop, ...]:
    if d.chain:
        return tuple(
            _link_hop(ctx, link, d.rule) for link in _ordered_chain(d.chain, ctx.origin.id)
        )
    if len(targets) == 1 and not d.levels:
        return (Hop(o, InstitutionRef.of(targets[0]), d.via, d.rule),)
    levels = d.levels or tuple(sorted({t.level.value for t in targets}, key=_level_rank))
    name = "或".join(LEVEL_ZH[v] for v in levels) + "医疗机构（由患者选择）"
    lowest = levels[0] if levels else ""
    return (Hop(o, InstitutionRef(None, name, lowest), d.via, d.rule),)


def _link_hop(ctx: RouteContext, link: Link, fallback: RuleRef) -> Hop:
    lower = ctx.institutions[link.lower]
    upper = ctx.institutions[link.upper]
    a = link.alliance
    # Agreed channels are facts of their own: the hop cites the pairing or channel's clause.
    rule = fallback
    if link.source and fallback.kind != RuleKind.ALLIANCE_PREFERENCE.value:
        kind = "pairing" if link.pairing else "channel"
        rule = RuleRef(f"{kind}:{link.alliance.id if link.alliance else ''}", kind, link.source)
    return Hop(
        InstitutionRef.of(lower),
        InstitutionRef.of(upper),
        "alliance" if link.pairing else "channel",
        rule,
        AllianceRef(a.id, a.name, a.kind.value) if a else None,
    )


def _ordered_chain(chain: list[Link], origin: str) -> list[Link]:
    """Breadth-first from the origin, so hops read one level up at a time."""
    out, seen, queue = [], set(), deque([origin])
    while queue:
        node = queue.popleft()
        for link in sorted(
            (x for x in chain if x.lower == node),
            key=lambda x: (x.alliance.id if x.alliance else "", x.upper),
        ):
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


def _matching(rules: Iterable[Rule], kind: RuleKind, req: RouteRequest) -> list[Rule]:
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
        out.append(r)
    return out


def _exemption(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft | None:
    if not req.flags:
        return None
    for rule in _matching(rules, RuleKind.EXEMPTION, req):
        hit = sorted(set(rule.match.flags) & req.flags)
        if not hit:
            continue
        nearest = _nearest(ctx, req)
        names = "、".join(i.name for i in nearest) or "（数据中无更近的接收机构）"
        return _Draft(
            "exemption",
            RuleRef.of(rule),
            nearest,
            f"属于{'、'.join(hit)}情形，依据 {rule.source}，可直接就近转诊至最近的合适机构："
            f"{names}，转诊手续事后补办。最近按行政区划判断（数据中没有地理坐标）。",
            f"The case is {', '.join(hit)}, so under {rule.source} ({rule.id}) the patient may go "
            f"straight to the nearest suitable institution ({len(nearest)} found), with the "
            "paperwork afterwards. Nearest is judged by administrative division: the data holds "
            "no coordinates.",
            choose_any=_suitable(ctx, req) if rule.params.get("patient_chooses") else [],
        )
    return None


def _readmission(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft | None:
    if req.readmission_of is None:
        return None
    target = ctx.institutions.get(req.readmission_of)
    for rule in _matching(rules, RuleKind.READMISSION, req):
        if target is None:
            raise InvalidInputError.one(f"no institution {req.readmission_of!r} to return to")
        return _Draft(
            "readmission", RuleRef.of(rule), [target],
            f"同一疾病再次住院，依据 {rule.source}，可直接回到原就治机构{target.name}。",
            f"A readmission for the same disease may return directly to {target.name}, the "
            f"institution that treated it, under {rule.source} ({rule.id}).",
        )  # fmt: skip
    return None


def _first_contact_refusal(ctx: RouteContext, req: RouteRequest) -> Route | None:
    """A conditional first-contact institution cannot start the route for other patients."""
    origin = ctx.origin
    grants = [g for g in origin.roles if g.role is ReferralRole.FIRST_CONTACT]
    if req.direction is not Direction.UP or not grants:
        return None
    on = req.on or date.today()
    if any(
        g.holds(on=on, review_passed_on=origin.review_passed_on, employer=req.employer,
                condition_id=req.condition)
        for g in grants
    ):  # fmt: skip
        return None
    g = grants[0]
    sources = "; ".join(sorted({x.source for x in grants if x.source}))
    zh = (
        f"{origin.name}仅在条件“{g.condition.value} {g.condition_value}”下负责首诊（{sources}），"
        "本患者不符合，不能以其为首诊机构发起转诊；应在居住地基层医疗卫生机构首诊（003 §二(一)）。"
    )
    en = (
        f"{origin.name} is a first-contact institution only under the condition "
        f"'{g.condition.value} {g.condition_value}' ({sources}); this patient does not meet it, "
        "so no referral may start here. The patient should first attend a primary institution "
        "where they live."
    )
    o = InstitutionRef.of(origin)
    return Route(False, o, (), (), zh, en, ctx.policy.id if ctx.policy else None, reason=en)


def _down(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft:
    matched = _matching(rules, RuleKind.DOWN_REFERRAL, req)
    targets = [ctx.institutions[link.lower] for link in ctx.down_links]
    if matched:
        rule = RuleRef.of(matched[0])
    elif ctx.down_links:
        link = ctx.down_links[0]
        rule = RuleRef(f"pairing:{link.alliance.id if link.alliance else ''}", "pairing",
                       link.source)  # fmt: skip
    else:
        rule = RuleRef("none", "none", "")
    names = "、".join(t.name for t in _unique(targets)) or "（无对接的下级机构）"
    return _Draft(
        "down", rule, targets,
        f"康复期、病情稳定的患者下转回本医联体或辖区内的下级机构：{names}。",
        f"A recovering or stable patient goes back down to the lower institution of their own "
        f"alliance or area: {len(_unique(targets))} counterpart(s).",
        levels=() if targets else ("primary",),
    )  # fmt: skip


def _gateway(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft | None:
    gateways = _matching(rules, RuleKind.GATEWAY, req)
    specific = [r for r in gateways if r.match.conditions]
    chosen = specific or [r for r in gateways if r.params.get("default")]
    if not chosen:
        return None
    rule = chosen[0]
    targets = [ctx.institutions[t] for r in chosen for t in r.designates]
    names = "、".join(t.name for t in targets)
    onward = rule.params.get("destination", "")
    return _Draft(
        "gateway", RuleRef.of(rule), targets,
        f"本地区不能诊治的病例须经{names}转出（{rule.source}）"
        + (f"，再转至{onward}。" if onward else "。"),
        f"Care the region cannot provide goes out through {names} under {rule.source} "
        f"({rule.id})" + (f", which refers on to {onward}." if onward else "."),
    )  # fmt: skip


def _designation(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft | None:
    if req.direction is not Direction.UP:
        return None
    matched = [r for r in _matching(rules, RuleKind.DESIGNATION, req) if r.match.conditions]
    if not matched:
        return None
    rule = matched[0]
    targets = [ctx.institutions[t] for r in matched for t in r.designates]
    names = "、".join(t.name for t in _unique(targets))
    severe = req.severity is Severity.SEVERE
    return _Draft(
        "designation", RuleRef.of(rule), targets,
        f"该病种（{condition_name(ctx, req.condition)}，{'重症' if severe else '一般'}）"
        f"按 {rule.source} 转入指定机构：{names}。",
        f"For this condition ({condition_name(ctx, req.condition)}, {req.severity.value}) the "
        "policy designates "
        f"{names} ({rule.id}, {rule.source}).",
    )  # fmt: skip


def _alliance(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft | None:
    if req.direction is not Direction.UP or not ctx.up_links:
        return None
    first = [ctx.institutions[x.upper] for x in ctx.up_links if x.lower == ctx.origin.id]
    if not first:
        return None
    pref = _matching(rules, RuleKind.ALLIANCE_PREFERENCE, req)
    channel = _matching(rules, RuleKind.CHANNEL, req)
    exempt = pref and req.condition in pref[0].params.get("exempt_conditions", ())
    names = "、".join(i.name for i in _unique(first))
    if exempt:
        exemption = pref[0]
        label = condition_name(ctx, req.condition)
        outside = _suitable(ctx, req)
        return _Draft(
            "level", RuleRef.of(exemption), first + outside,
            f"{label}属于 {exemption.source} 列明的专科疾病，可转往医联体外的专科机构；"
            f"本医联体内的上级机构为{names}。",
            f"{label} is one of the specialist conditions {exemption.source} exempts from the "
            f"in-alliance preference ({exemption.id}), so the patient may also leave the alliance; "
            f"inside it the upper institution is {names}.",
            levels=tuple(sorted({i.level.value for i in first + outside}, key=_level_rank)),
        )  # fmt: skip
    rule_obj = pref[0] if pref else channel[0] if channel else None
    rule = RuleRef.of(rule_obj) if rule_obj else RuleRef("alliance-channel", "channel", "")
    cite = f"（{rule_obj.source}）" if rule_obj else ""
    return _Draft(
        "alliance", rule, first,
        f"向上转诊优先转往本医联体内的上级对接机构{cite}：{names}，逐级上转。",
        f"Upward referral goes first to the upper counterpart in the patient's own alliance "
        f"({rule.id}{', ' + rule_obj.source if rule_obj else ''}): {names}, one level at a time.",
        chain=list(ctx.up_links),
    )  # fmt: skip


def _level(ctx: RouteContext, req: RouteRequest, rules: tuple[Rule, ...]) -> _Draft:
    choices = _matching(rules, RuleKind.LEVEL_CHOICE, req)
    levels: tuple[str, ...] = ()
    for r in choices:
        levels = tuple(r.params.get("levels", ())) or levels
    form = next((r for r in choices if r.params.get("patient_chooses_institution")), None)
    rule_obj = form or (choices[0] if choices else None)
    targets = [
        c.institution for c in ctx.pool
        if _accepts(c.institution, req) and c.institution.id != ctx.origin.id
        and c.institution.level.rank > ctx.origin.level.rank
        and (not levels or c.institution.level.value in levels)
    ]  # fmt: skip
    # An upward referral goes above the origin's own level, whatever levels the rule lists.
    levels = tuple(v for v in levels if Level(v).rank > ctx.origin.level.rank)
    levels = levels or tuple(sorted({t.level.value for t in targets}, key=_level_rank))
    level_names = "或".join(LEVEL_ZH[v] for v in levels)
    if rule_obj is None:
        rule = RuleRef("no-regional-policy", "level_choice", "")
        return _Draft(
            "level", rule, targets,
            f"未载入该地区的转诊政策；可转往更高级别的机构（{level_names}），共{len(targets)}家。",
            f"No referral policy is loaded for this region; the patient may go to any "
            f"higher-level institution ({len(targets)} found).",
            levels=levels,
        )  # fmt: skip
    cites = "；".join(sorted({r.source for r in choices}))
    return _Draft(
        "level", RuleRef.of(rule_obj), targets,
        f"转诊书只填写转入医院等级（{level_names}），具体医院由患者自行选择（{cites}），"
        f"共{len(targets)}家可选。",
        f"The referral form names a level ({', '.join(levels)}), not a hospital; the patient "
        f"chooses among {len(targets)} admissible institutions ({cites}).",
        levels=levels,
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


def _suitable(ctx: RouteContext, req: RouteRequest) -> list[Institution]:
    """Higher-level institutions of the pool that accept this patient's referral."""
    rank = ctx.origin.level.rank
    return [
        c.institution for c in ctx.pool
        if c.institution.id != ctx.origin.id and c.institution.level.rank > rank
        and _accepts(c.institution, req)
    ]  # fmt: skip


def _nearest(ctx: RouteContext, req: RouteRequest) -> list[Institution]:
    """Suitable institutions in the smallest division around the origin that has any."""
    suitable = {i.id for i in _suitable(ctx, req)}
    best: list[Institution] = []
    best_rank = len(ctx.ancestry) + 1
    for c in ctx.pool:
        if c.institution.id not in suitable:
            continue
        rank = next((k for k, d in enumerate(ctx.ancestry) if d in c.ancestry), best_rank)
        if rank < best_rank:
            best, best_rank = [c.institution], rank
        elif rank == best_rank:
            best.append(c.institution)
    return best


def _level_rank(level: str) -> int:
    return Level(level).rank


def _unique(items: Iterable[Institution]) -> list[Institution]:
    seen: dict[str, Institution] = {}
    for i in items:
        seen.setdefault(i.id, i)
    return sorted(seen.values(), key=lambda i: (-i.level.rank, i.id))
