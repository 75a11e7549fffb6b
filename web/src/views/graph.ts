// Alliance graph: one alliance, or one division, at a time as a network. Institutions are
// coloured by level and shaped by type; the lead, hubs and base are sized by role; lines are
// counterpart pairs, agreed referral channels (up, down) and membership. Nodes sit in rows by
// level, so a county-sized network lays out at once (no force simulation) and the legend
// hides or shows a level; a division's institutions arrive a page at a time and are drawn
// as they come.
import { chart, LEVEL_COLOURS, SHAPE_GROUPS, typeSymbol } from "../charts";
import { clear, esc, h } from "../dom";
import { allPages, gql } from "../gql";
import { label, t } from "../i18n";
import type { ViewContext } from "../ui";
import { attachWhatIf } from "./whatif";

export interface Inst {
  id: string;
  name: string;
  level: string;
  type: string;
}
interface ChannelRow {
  fromId: string;
  toId: string;
  direction: string;
  allianceId: string | null;
  conditions: string[];
  source?: string;
}
interface Div {
  code: string;
  name: string;
  level: string;
  children?: Div[];
}

export const LEVELS = ["TERTIARY", "SECONDARY", "PRIMARY", "UNRATED"];
const ROLE_RANK: Record<string, number> = { LEAD: 0, TRUSTEE: 1, HUB: 2, MEMBER: 3, MANAGED: 3, BASE: 4 };
const ROLE_SIZE: Record<string, number> = { LEAD: 44, TRUSTEE: 36, HUB: 28, MEMBER: 24, MANAGED: 24, BASE: 16 };
export const EDGE_COLOURS = { pairing: "#4a4f57", up: "#8e44ad", down: "#16a085", membership: "#b8c0cc", hop: "#d62728", destination: "#2ca02c" };
export type EdgeKind = keyof typeof EDGE_COLOURS;
const LARGE = 300; // above this many institutions, the lower levels start hidden
const DIVISION_CAP = 3000;

const DIV = "code name level";
const PICKERS = `query Pickers($first: Int!, $after: String, $on: Date) {
  alliances(first: $first, after: $after, on: $on) {
    edges { node { id name kind } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const DIVISIONS = `query Divisions { rootDivisions { ${DIV} children { ${DIV} children { ${DIV} children { ${DIV} children { ${DIV} } } } } } }`;
const ALLIANCE = `query AllianceGraph($id: ID!, $on: Date) {
  alliance(id: $id) {
    id name kind integration specialty source assumption
    division { code name }
    members(on: $on) {
      role
      institution { id name level type channels(on: $on) { fromId toId direction allianceId conditions source } }
    }
    pairs(on: $on) { upperId lowerId upperDepartment specialty responsibleUpper responsibleLower source }
  }
}`;
const DIVISION = `query DivisionGraph($code: String!, $first: Int!, $after: String, $on: Date) {
  division(code: $code) {
    code name level
    institutions(first: $first, after: $after) {
      edges { node {
        id name level type
        memberships(on: $on) { role alliance { id name kind } }
        counterparts(on: $on) { direction department alliance { id } institution { id name level type } }
        channels(on: $on) { fromId toId direction allianceId conditions }
      } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const DETAILS = `query InstitutionDetails($id: ID!, $on: Date) {
  institution(id: $id) {
    id name namesAlt level levelText type ownership note source assumption
    division { code name }
    roles { role condition conditionValue source }
    memberships(on: $on) { role alliance { id name kind lead(on: $on) { id name } } }
    counterparts(on: $on) { direction department specialty responsiblePerson institution { id name } alliance { id name } }
    channels(on: $on) { fromId toId direction conditions source }
  }
}`;

/** The network being drawn; the division view adds to it page by page. */
export class Network {
  nodes = new Map<string, Inst & { role: string; outside: boolean }>();
  edges = new Map<string, { source: string; target: string; kind: EdgeKind; notes: Set<string> }>();

  node(i: Inst, role: string, outside = false): void {
    const seen = this.nodes.get(i.id);
    if (!seen) {
      this.nodes.set(i.id, { ...i, role, outside });
      return;
    }
    if ((ROLE_RANK[role] ?? 9) < (ROLE_RANK[seen.role] ?? 9)) seen.role = role;
    if (!outside) seen.outside = false;
  }

  edge(source: string, target: string, kind: EdgeKind, note = ""): void {
    const key = `${kind}:${source}>${target}`;
    const e = this.edges.get(key) ?? { source, target, kind, notes: new Set<string>() };
    if (note) e.notes.add(note);
    this.edges.set(key, e);
  }

  channel(c: ChannelRow): void {
    if (!this.nodes.has(c.fromId) || !this.nodes.has(c.toId)) return;
    const note = c.conditions.length ? c.conditions.join(", ") : "";
    this.edge(c.fromId, c.toId, c.direction === "DOWN" ? "down" : "up", note);
  }

  /** Rows by level (base one row lower), each ordered under its upper partners. */
  layout(): Map<string, [number, number]> {
    const row = (n: Inst & { role: string }) => {
      const r = LEVELS.indexOf(n.level);
      const base = n.role === "BASE" || n.type === "VILLAGE_CLINIC" || n.type === "COMMUNITY_STATION";
      return (r < 0 ? 3 : r) * 2 + (base ? 1 : 0);
    };
    const rows = new Map<number, string[]>();
    for (const n of this.nodes.values()) rows.set(row(n), [...(rows.get(row(n)) ?? []), n.id]);
    const uppers = new Map<string, string[]>();
    for (const e of this.edges.values()) {
      if (e.kind !== "up" && e.kind !== "down") uppers.set(e.target, [...(uppers.get(e.target) ?? []), e.source]);
    }
    // A long row wraps into lines (in order, so the villages of one township stay together),
    // keeping the drawing about as wide as it is tall.
    const pos = new Map<string, [number, number]>();
    const perLine = Math.max(12, Math.ceil(Math.sqrt(this.nodes.size) * 2));
    const width = Math.min(perLine, Math.max(...[...rows.values()].map((r) => r.length), 1));
    let y = 0;
    for (const r of [...rows.keys()].sort((a, b) => a - b)) {
      const ids = rows.get(r) ?? [];
      const key = (id: string) => {
        const ups = (uppers.get(id) ?? []).map((u) => pos.get(u)?.[0]).filter((x): x is number => x !== undefined);
        return ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : Number.MAX_SAFE_INTEGER;
      };
      ids.sort((a, b) => key(a) - key(b) || (this.nodes.get(a)?.name ?? "").localeCompare(this.nodes.get(b)?.name ?? ""));
      for (let start = 0; start < ids.length; start += perLine) {
        const line = ids.slice(start, start + perLine);
        const step = (width * 100) / (line.length + 1);
        line.forEach((id, i) => pos.set(id, [step * (i + 1), y]));
        y += 110;
      }
      y += 200;
    }
    return pos;
  }
}

function option(net: Network, title: string, hiddenLevels: Set<string>) {
  const pos = net.layout();
  const n = net.nodes.size;
  const scale = n > 150 ? 0.6 : n > 60 ? 0.8 : 1;
  const categories = LEVELS.map((l) => ({ name: label("level", l), itemStyle: { color: LEVEL_COLOURS[l] } }));
  const nodes = [...net.nodes.values()].map((i) => {
    const [x, y] = pos.get(i.id) ?? [0, 0];
    return {
      id: i.id,
      name: i.name,
      x,
      y,
      category: Math.max(LEVELS.indexOf(i.level), 0),
      symbol: typeSymbol(i.type),
      symbolSize: (ROLE_SIZE[i.role] ?? 20) * scale,
      itemStyle: { color: LEVEL_COLOURS[i.level] ?? LEVEL_COLOURS.UNRATED, opacity: i.outside ? 0.45 : 1 },
      // Our own fields, for the tooltip and the tests.
      level: i.level,
      type: i.type,
      role: i.role,
      outside: i.outside,
    };
  });
  const links = [...net.edges.values()].map((e) => ({
    source: e.source,
    target: e.target,
    kind: e.kind,
    notes: [...e.notes],
    lineStyle: {
      color: EDGE_COLOURS[e.kind],
      width: e.kind === "membership" ? 1 : 2,
      type: e.kind === "pairing" ? "solid" : e.kind === "membership" ? "dotted" : "dashed",
      // Same sign both ways: a channel up and one down between two institutions curve apart.
      curveness: e.kind === "up" || e.kind === "down" ? 0.25 : 0,
    },
    symbol: e.kind === "membership" ? ["none", "none"] : ["none", "arrow"],
  }));
  const selected = Object.fromEntries(LEVELS.map((l) => [label("level", l), !hiddenLevels.has(l)]));
  return {
    title: { text: title, left: 8, top: 4, textStyle: { fontSize: 14 } },
    legend: { data: categories.map((c) => c.name), selected, top: 4, right: 8 },
    tooltip: {
      formatter: (p: { dataType: string; data: Record<string, unknown> }) => {
        const d = p.data;
        if (p.dataType === "edge") {
          const kind = String(d.kind);
          const words = kind === "pairing" ? t("pairing") : kind === "up" ? t("channelUp") : kind === "down" ? t("channelDown") : t("membership");
          const notes = (d.notes as string[]).map(esc).join("<br/>");
          return `${esc(words)}${notes ? `<br/>${notes}` : ""}`;
        }
        return `<b>${esc(d.name)}</b><br/>${esc(label("level", String(d.level)))} · ${esc(label("type", String(d.type)))}` +
          (d.role ? `<br/>${esc(label("role", String(d.role)))}` : "");
      },
    },
    animation: n <= 200,
    series: [
      {
        type: "graph",
        layout: "none",
        roam: true,
        draggable: n <= 200,
        categories,
        data: nodes,
        links,
        edgeSymbolSize: 7,
        label: { show: n <= 80, position: "bottom", fontSize: 11, formatter: "{b}" },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: "adjacency", label: { show: true } },
        lineStyle: { opacity: 0.85 },
      },
    ],
  };
}

function flatten(divs: Div[], depth = 0, out: { code: string; text: string }[] = []) {
  for (const d of divs) {
    out.push({ code: d.code, text: `${"　".repeat(depth)}${d.name}` });
    flatten(d.children ?? [], depth + 1, out);
  }
  return out;
}

export async function renderGraph(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const [alliances, divisions] = await Promise.all([
    allPages<{ id: string; name: string; kind: string }>((after) =>
      gql<{ alliances: { edges: { node: { id: string; name: string; kind: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>(
        PICKERS, { first: 100, after, on: ctx.on }).then((d) => d.alliances)),
    gql<{ rootDivisions: Div[] }>(DIVISIONS).then((d) => flatten(d.rootDivisions)),
  ]);
  if (!ctx.current()) return;
  let allianceId = ctx.params.get("alliance");
  const divisionCode = ctx.params.get("division");
  if (!allianceId && !divisionCode && alliances.length) allianceId = alliances[0].id;

  const allianceSel = h("select", { id: "pick-alliance", onchange: () => allianceSel.value && ctx.go("graph", { alliance: allianceSel.value }) },
    h("option", { value: "" }, t("choose")),
    ...alliances.map((a) => h("option", { value: a.id, selected: a.id === allianceId }, `${a.name}（${label("kind", a.kind)}）`)));
  const divisionSel = h("select", { id: "pick-division", onchange: () => divisionSel.value && ctx.go("graph", { division: divisionSel.value }) },
    h("option", { value: "" }, t("choose")),
    ...divisions.map((d) => h("option", { value: d.code, selected: !allianceId && d.code === divisionCode }, d.text)));
  const status = h("p", { class: "note", id: "graph-status" });
  const chartEl = h("div", { class: "chart tall", id: "graph-chart" });
  const details = h("aside", { class: "details", id: "details" }, h("p", { class: "muted" }, t("clickNode")));
  root.append(
    h("section", { class: "panel pickers" },
      h("label", {}, t("pickAlliance"), " ", allianceSel),
      h("label", {}, t("pickDivision"), " ", divisionSel)),
    h("div", { class: "split" },
      h("section", { class: "panel grow" }, chartEl, status, legendBlock()),
      details),
  );
  if (!allianceId && !divisionCode) return;

  const net = new Network();
  const instance = chart("graph", chartEl);
  instance.on("click", (p) => {
    const d = p.data as { id?: string } | undefined;
    if (p.dataType === "node" && d?.id) void showDetails(details, d.id, ctx);
  });
  const hidden = new Set<string>();
  const draw = (title: string) => {
    instance.setOption(option(net, title, hidden), { notMerge: true });
    chartEl.dataset.nodes = String(net.nodes.size);
    chartEl.dataset.edges = String(net.edges.size);
    status.textContent = `${net.nodes.size} ${t("nodes")} · ${net.edges.size} ${t("edges")}`;
  };
  // The legend toggles levels; remember the choice across redraws.
  instance.on("legendselectchanged", (p) => {
    const sel = (p as { selected: Record<string, boolean> }).selected;
    hidden.clear();
    for (const l of LEVELS) if (sel[label("level", l)] === false) hidden.add(l);
  });

  if (allianceId) {
    const data = await gql<{ alliance: AllianceData | null }>(ALLIANCE, { id: allianceId, on: ctx.on });
    if (!ctx.current()) return;
    const a = data.alliance;
    if (!a) {
      status.textContent = t("noData");
      return;
    }
    const lead = a.members.find((m) => m.role === "LEAD")?.institution.id;
    for (const m of a.members) net.node(m.institution, m.role);
    for (const p of a.pairs) {
      if (net.nodes.has(p.upperId) && net.nodes.has(p.lowerId)) net.edge(p.upperId, p.lowerId, "pairing", [p.upperDepartment, p.responsibleUpper && `${p.responsibleUpper} → ${p.responsibleLower}`].filter(Boolean).join(" · "));
    }
    const paired = new Set([...net.edges.values()].flatMap((e) => [e.source, e.target]));
    if (lead) for (const m of a.members) if (m.institution.id !== lead && !paired.has(m.institution.id)) net.edge(lead, m.institution.id, "membership");
    for (const m of a.members) for (const c of m.institution.channels) net.channel(c);
    if (net.nodes.size > LARGE) {
      hidden.add("PRIMARY");
      hidden.add("UNRATED");
      status.before(h("p", { class: "note" }, t("large")));
    }
    draw(`${a.name}（${label("kind", a.kind)}）`);
    chartEl.dataset.alliance = a.id;
    const names = new Map([...net.nodes.values()].map((n) => [n.id, n.name]));
    attachWhatIf(root, instance, chartEl, { allianceId: a.id, divisionCode: a.division?.code ?? null, names }, ctx);
  } else if (divisionCode) {
    const name = divisions.find((d) => d.code === divisionCode)?.text.trim() ?? divisionCode;
    const progress = h("p", { class: "note" }, t("progressive"));
    status.before(progress);
    const channels: ChannelRow[] = [];
    let pages = 0;
    await allPages<DivisionInst>(
      async (after) => {
        const d = await gql<{ division: { institutions: { edges: { node: DivisionInst }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } | null }>(
          DIVISION, { code: divisionCode, first: 100, after, on: ctx.on });
        if (!d.division || !ctx.current()) return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
        return d.division.institutions;
      },
      (page) => {
        pages += 1;
        for (const i of page) {
          const role = i.memberships.map((m) => m.role).sort((x, y) => (ROLE_RANK[x] ?? 9) - (ROLE_RANK[y] ?? 9))[0] ?? "MEMBER";
          net.node(i, role);
        }
        for (const i of page) {
          for (const c of i.counterparts) {
            net.node(c.institution, "MEMBER", true);
            const [up, low] = c.direction === "UPPER" ? [c.institution.id, i.id] : [i.id, c.institution.id];
            net.edge(up, low, "pairing", c.department ?? "");
          }
          channels.push(...i.channels);
        }
        for (const c of channels) net.channel(c);
        if (net.nodes.size > LARGE && pages === 1) {
          hidden.add("PRIMARY");
          hidden.add("UNRATED");
          progress.after(h("p", { class: "note" }, t("large")));
        }
        if (ctx.current()) draw(name);
      },
      DIVISION_CAP / 100,
    );
    progress.remove();
    if (!ctx.current()) return;
    draw(name);
    chartEl.dataset.division = divisionCode;
  }
  chartEl.dataset.ready = "true";
}

interface AllianceData {
  id: string;
  name: string;
  kind: string;
  division: { code: string } | null;
  members: { role: string; institution: Inst & { channels: ChannelRow[] } }[];
  pairs: { upperId: string; lowerId: string; upperDepartment: string; responsibleUpper: string; responsibleLower: string }[];
}
interface DivisionInst extends Inst {
  memberships: { role: string; alliance: { id: string } }[];
  counterparts: { direction: string; department: string | null; institution: Inst }[];
  channels: ChannelRow[];
}

function legendBlock(): HTMLElement {
  const glyph: Record<string, string> = { circle: "●", diamond: "◆", triangle: "▲", pin: "⬮", rect: "■", roundRect: "▢" };
  const shapes = SHAPE_GROUPS.map(([symbol, types]) =>
    h("span", { class: "legend-item" }, `${glyph[symbol] ?? (symbol.includes("M5,0") ? "⌂" : "⬢")} `, types.map((x) => label("type", x)).join(" / ")));
  const line = (colour: string, dash: string, text: string) =>
    h("span", { class: "legend-item" }, h("i", { class: "line", style: `border-top:2px ${dash} ${colour}` }), text);
  return h("div", { class: "legend small" },
    ...shapes,
    h("br"),
    line(EDGE_COLOURS.pairing, "solid", t("pairing")),
    line(EDGE_COLOURS.up, "dashed", t("channelUp")),
    line(EDGE_COLOURS.down, "dashed", t("channelDown")),
    line(EDGE_COLOURS.membership, "dotted", t("membership")),
  );
}

interface Details {
  id: string;
  name: string;
  namesAlt: string[];
  level: string;
  levelText: string;
  type: string;
  ownership: string;
  note: string;
  source: string;
  assumption: string;
  division: { code: string; name: string } | null;
  roles: { role: string; condition: string; conditionValue: string; source: string }[];
  memberships: { role: string; alliance: { id: string; name: string; kind: string; lead: { id: string; name: string } | null } }[];
  counterparts: { direction: string; department: string | null; specialty: string | null; responsiblePerson: string | null; institution: { id: string; name: string }; alliance: { id: string; name: string } }[];
  channels: ChannelRow[];
}

export async function showDetails(panel: HTMLElement, id: string, ctx: ViewContext): Promise<void> {
  panel.dataset.state = "loading";
  const { institution: i } = await gql<{ institution: Details | null }>(DETAILS, { id, on: ctx.on });
  if (!i) return;
  clear(panel);
  const row = (k: string, v: Node | string | null | undefined) => (v ? h("tr", {}, h("th", {}, k), h("td", {}, v)) : null);
  panel.append(
    h("h3", {}, i.name),
    h("table", { class: "kv" }, h("tbody", {},
      row("id", i.id),
      row(t("namesAlt"), i.namesAlt.join("、")),
      row(t("level"), `${label("level", i.level)}${i.levelText ? `（${i.levelText}）` : ""}`),
      row(t("type"), label("type", i.type)),
      row(t("ownership"), label("ownership", i.ownership)),
      row(t("division"), i.division?.name),
      row(t("roles"), i.roles.map((r) => `${label("referralRole", r.role)}${r.conditionValue ? `（${r.conditionValue}）` : ""}`).join("；")),
      row(t("source"), i.source),
      row(t("assumption"), i.assumption),
    )),
    h("h4", {}, t("alliances")),
    h("ul", { class: "links", id: "details-alliances" }, ...i.memberships.map((m) =>
      h("li", {}, h("a", { href: `#/graph?alliance=${encodeURIComponent(m.alliance.id)}` }, m.alliance.name),
        ` · ${label("kind", m.alliance.kind)} · ${label("role", m.role)}`))),
    h("h4", {}, t("counterparts")),
    h("ul", { class: "links" }, ...i.counterparts.map((c) =>
      h("li", {}, `${c.direction === "UPPER" ? "↑" : "↓"} `,
        h("a", { href: "#", onclick: (e: Event) => { e.preventDefault(); void showDetails(panel, c.institution.id, ctx); } }, c.institution.name),
        [c.department, c.responsiblePerson && `${t("responsible")}: ${c.responsiblePerson}`].filter(Boolean).map((x) => ` · ${x}`).join("")))),
    h("p", {}, h("a", { href: `#/route?origin=${encodeURIComponent(i.id)}`, class: "button" }, `${t("route")} →`)),
  );
  panel.dataset.state = "ready";
  panel.dataset.institution = i.id;
}
