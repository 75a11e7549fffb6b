// A dense alliance drawn readable: past `GROUP_OVER` base members (village clinics,
// community stations), each upper partner's base members are drawn as one node, "12 个村卫生室"
// under their township centre, which a click expands (and a second click folds again).
import { label, t } from "../i18n";
import { Network } from "./graph";

export const GROUP_OVER = 40;
export const GROUP_PREFIX = "group:";

type Node = Network["nodes"] extends Map<string, infer V> ? V : never;

// Which institution of a division its base members are drawn under: a township centre
// before a hospital of the same division.
const LOCAL_RANK = (n: { type: string }) =>
  ["CENTRAL_TOWNSHIP_CENTRE", "TOWNSHIP_CENTRE", "COMMUNITY_CENTRE", "COUNTY_SUBCENTRE"].includes(n.type) ? 0 : 1;

export function isBase(n: { role: string; type: string } | undefined): boolean {
  return !!n && (n.role === "BASE" || n.type === "VILLAGE_CLINIC" || n.type === "COMMUNITY_STATION");
}

/** The network as drawn: `net` itself, or with the base members of each upper partner not
 * in `expanded` folded into one node whose `members` says how many it holds. */
export function grouped(net: Network, expanded: Set<string>): Network {
  const nodes = [...net.nodes.values()];
  if (nodes.filter(isBase).length <= GROUP_OVER) return net;
  // Each base member under its upper partner: the one it is paired with, else the
  // institution above it in its own division (a village clinic's township centre), else
  // the one it is a member under.
  const upperOf = new Map<string, string>();
  const local = new Map<string, string>();
  for (const n of nodes) {
    if (isBase(n) || !n.divisionCode) continue;
    const seen = net.nodes.get(local.get(n.divisionCode) ?? "");
    if (!seen || LOCAL_RANK(n) < LOCAL_RANK(seen)) local.set(n.divisionCode, n.id);
  }
  for (const e of net.edges.values()) {
    if (e.kind === "pairing" && !upperOf.has(e.target) && isBase(net.nodes.get(e.target)) && !isBase(net.nodes.get(e.source))) {
      upperOf.set(e.target, e.source);
    }
  }
  for (const n of nodes) {
    const here = n.divisionCode ? local.get(n.divisionCode) : undefined;
    if (isBase(n) && !upperOf.has(n.id) && here) upperOf.set(n.id, here);
  }
  for (const kind of ["membership"]) {
    for (const e of net.edges.values()) {
      if (e.kind !== kind || upperOf.has(e.target)) continue;
      if (isBase(net.nodes.get(e.target)) && !isBase(net.nodes.get(e.source))) upperOf.set(e.target, e.source);
    }
  }
  const out = new Network();
  const groupOf = new Map<string, string>();
  const folded = new Map<string, Node[]>();
  for (const n of nodes) {
    const up = upperOf.get(n.id);
    if (isBase(n) && up && !expanded.has(up)) {
      const g = `${GROUP_PREFIX}${up}`;
      groupOf.set(n.id, g);
      folded.set(g, [...(folded.get(g) ?? []), n]);
    } else {
      out.nodes.set(n.id, { ...n });
    }
  }
  for (const [g, members] of folded) {
    const types = new Set(members.map((m) => m.type));
    const what = types.size === 1 ? label("type", members[0].type) : t("baseMembers");
    out.nodes.set(g, {
      id: g, name: t("groupOf", { n: members.length, what }), level: members[0].level,
      type: types.size === 1 ? members[0].type : "VILLAGE_CLINIC", role: "BASE",
      outside: members.every((m) => m.outside), members: members.length, under: g.slice(GROUP_PREFIX.length),
    });
  }
  for (const e of net.edges.values()) {
    const source = groupOf.get(e.source) ?? e.source;
    const target = groupOf.get(e.target) ?? e.target;
    if (source === target) continue;
    for (const note of e.notes.size ? e.notes : [""]) out.edge(source, target, e.kind, note);
  }
  return out;
}
