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
import { LABEL_FONT, labelWidth, type Placed, SERIES_BOX, seriesBox, visibleLabels } from "../labels";
import { GROUP_PREFIX, grouped } from "./grouping";
import type { ViewContext } from "../ui";
import { attachWhatIf } from "./whatif";

export interface Inst {
  id: string;
  name: string;
  level: string;
  type: string;
  divisionCode?: string | null;
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
const LINE_PITCH = 70; // layout units (about pixels) from one line of nodes to the next
const ROW_GAP = 40; // and the extra between levels
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
      institution { id name level type divisionCode channels(on: $on) { fromId toId direction allianceId conditions source } }
    }
    pairs(on: $on) { upperId lowerId upperDepartment specialty responsibleUpper responsibleLower source }
  }
}`;
const DIVISION = `query DivisionGraph($code: String!, $first: Int!, $after: String, $on: Date) {
  division(code: $code) {
    code name level
    institutions(first: $first, after: $after) {
      edges { node {
        id name level type divisionCode
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
  // `members`: a folded group's size; `under`: the institution it is drawn under.
  nodes = new Map<string, Inst & { role: string; outside: boolean; members?: number; under?: string }>();
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

  /** Rows by level (base one row lower), each ordered under its upper partners. A row
   * wraps into lines at `width` pixels, each node given the room its label needs, so that
   * at the fitted scale (about 1) neighbours' labels stay apart (labels.ts). */
  layout(width = 880): Map<string, [number, number]> {
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
    const pos = new Map<string, [number, number]>();
    const slot = (id: string) => Math.max(labelWidth(this.nodes.get(id)?.name ?? "") + 14, 48);
    let y = 0;
    for (const r of [...rows.keys()].sort((a, b) => a - b)) {
      const ids = rows.get(r) ?? [];
      const key = (id: string) => {
        const under = this.nodes.get(id)?.under;
        const ups = (under ? [under] : uppers.get(id) ?? []).map((u) => pos.get(u)?.[0]).filter((x): x is number => x !== undefined);
        return ups.length ? ups.reduce((a, b) => a + b, 0) / ups.length : Number.MAX_SAFE_INTEGER;
      };
      ids.sort((a, b) => key(a) - key(b) || (this.nodes.get(a)?.name ?? "").localeCompare(this.nodes.get(b)?.name ?? ""));
      // Greedy lines, in order, so the villages of one township stay together.
      const lines: string[][] = [[]];
      let used = 0;
      for (const id of ids) {
        const w = slot(id);
        if (used + w > width && lines[lines.length - 1].length) {
          lines.push([]);
          used = 0;
        }
        lines[lines.length - 1].push(id);
        used += w;
      }
      for (const line of lines) {
        const total = line.reduce((sum, id) => sum + slot(id), 0);
        let x = (width - total) / 2;
        for (const id of line) {
          pos.set(id, [x + slot(id) / 2, y]);
          x += slot(id);
        }
        y += LINE_PITCH;
      }
      y += ROW_GAP;
    }
    return pos;
  }
}

/** The labels that fit (labels.ts) for nodes drawn at `pos` in a chart of `box` pixels. */
export function fittingLabels(
  nodes: { id: string; name: string; x: number; y: number; symbolSize: number; rank: number }[],
  box: { width: number; height: number }, zoom = 1,
): Set<string> {
  return visibleLabels(placedOf(nodes), box.width, box.height, zoom);
}

/** The series' own box for these nodes (labels.ts `seriesBox`). */
export function drawnBox(nodes: { id: string; name: string; x: number; y: number; symbolSize: number }[], box: { width: number; height: number }) {
  return seriesBox(placedOf(nodes.map((n) => ({ ...n, rank: 0 }))), box.width, box.height);
}

function placedOf(nodes: { id: string; name: string; x: number; y: number; symbolSize: number; rank: number }[]): Placed[] {
  return nodes.map((n) => ({ id: n.id, x: n.x, y: n.y, size: n.symbolSize, text: n.name, rank: n.rank }));
}

function option(net: Network, title: string, hiddenLevels: Set<string>, box: { width: number; height: number }, zoom = 1) {
  const pos = net.layout(box.width - SERIES_BOX.left - SERIES_BOX.right);
  const n = net.nodes.size;
  const scale = n > 150 ? 0.6 : n > 60 ? 0.8 : 1;
  const categories = LEVELS.map((l) => ({ name: label("level", l), itemStyle: { color: LEVEL_COLOURS[l] } }));
  const placed = [...net.nodes.values()].map((i) => {
    const [x, y] = pos.get(i.id) ?? [0, 0];
    const rank = (ROLE_RANK[i.role] ?? 9) * 10 + Math.max(LEVELS.indexOf(i.level), 0);
    return { ...i, x, y, symbolSize: (ROLE_SIZE[i.role] ?? 20) * scale, rank };
  });
  // Hidden levels take no room: their labels do not push others out.
  const fits = fittingLabels(placed.filter((i) => !hiddenLevels.has(i.level)), box, zoom);
  const nodes = placed.map((i) => ({
    id: i.id,
    name: i.name,
    x: i.x,
    y: i.y,
    category: Math.max(LEVELS.indexOf(i.level), 0),
    symbol: typeSymbol(i.type),
    symbolSize: i.symbolSize,
    itemStyle: { color: LEVEL_COLOURS[i.level] ?? LEVEL_COLOURS.UNRATED, opacity: i.outside ? 0.45 : 1,
      ...(i.members ? { borderColor: "#1d2733", borderWidth: 2, borderType: "dashed" } : {}) },
    label: { show: fits.has(i.id) },
    // Our own fields, for the tooltip and the tests.
    level: i.level,
    type: i.type,
    role: i.role,
    outside: i.outside,
    members: i.members ?? 0,
  }));
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
          (d.role ? `<br/>${esc(label("role", String(d.role)))}` : "") + (d.members ? `<br/>${esc(t("clickExpand"))}` : "");
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
        ...drawnBox(placed, box),
        label: { position: "bottom", fontSize: LABEL_FONT, formatter: "{b}" },
        labelLayout: { hideOverlap: true },
        // A label with no room shows on hover, over the others, on a background.
        emphasis: { focus: "adjacency", label: { show: true, backgroundColor: "#fff", padding: [1, 3], borderRadius: 3 } },
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
  const details = h("aside", { class: "details", id: "details", tabindex: 0, "aria-label": t("details") }, h("p", { class: "muted" }, t("clickNode")));
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
  const expanded = new Set<string>();
  const groupList = h("div", { class: "groups", id: "graph-groups" });
  chartEl.after(groupList);
  let title = "";
  const toggle = (upper: string) => {
    if (expanded.has(upper)) expanded.delete(upper);
    else expanded.add(upper);
    draw(title);
  };
  instance.on("click", (p) => {
    const d = p.data as { id?: string } | undefined;
    if (p.dataType !== "node" || !d?.id) return;
    if (d.id.startsWith(GROUP_PREFIX)) toggle(d.id.slice(GROUP_PREFIX.length));
    else void showDetails(details, d.id, ctx);
  });
  const hidden = new Set<string>();
  const box = () => ({ width: chartEl.clientWidth || 880, height: chartEl.clientHeight || 560 });
  let zoom = 1;
  const draw = (next: string) => {
    title = next;
    const drawn = grouped(net, expanded);
    instance.setOption(option(drawn, title, hidden, box(), zoom), { notMerge: true });
    chartEl.dataset.nodes = String(net.nodes.size);
    chartEl.dataset.edges = String(net.edges.size);
    chartEl.dataset.drawn = String(drawn.nodes.size);
    status.textContent = `${net.nodes.size} ${t("nodes")} · ${net.edges.size} ${t("edges")}`;
    groupButtons(groupList, net, drawn, expanded, toggle);
  };
  // Labels again for the zoom the planner chose, or the levels the legend shows.
  const relabel = () => {
    const series = (instance.getOption() as { series: { data: { id: string; name: string; x: number; y: number; symbolSize: number; level: string; role: string; label?: { show: boolean } }[]; zoom?: number }[] }).series[0];
    if (!series) return;
    zoom = series.zoom ?? 1;
    const rankOf = (d: { role: string; level: string }) => (ROLE_RANK[d.role] ?? 9) * 10 + Math.max(LEVELS.indexOf(d.level), 0);
    const fits = fittingLabels(series.data.filter((d) => !hidden.has(d.level)).map((d) => ({ ...d, rank: rankOf(d) })), box(), zoom);
    instance.setOption({ series: [{ data: series.data.map((d) => ({ ...d, label: { show: fits.has(d.id) } })) }] });
  };
  let roamTimer = 0;
  instance.on("graphroam", () => {
    clearTimeout(roamTimer);
    roamTimer = window.setTimeout(relabel, 120);
  });
  // The legend toggles levels; remember the choice across redraws.
  instance.on("legendselectchanged", (p) => {
    const sel = (p as { selected: Record<string, boolean> }).selected;
    hidden.clear();
    for (const l of LEVELS) if (sel[label("level", l)] === false) hidden.add(l);
    relabel();
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
    if (grouped(net, expanded).nodes.size > LARGE) {
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
        if (grouped(net, expanded).nodes.size > LARGE && pages === 1) {
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

/** The folded groups as buttons too: what a click on the chart does, by keyboard. */
function groupButtons(el: HTMLElement, net: Network, drawn: Network, expanded: Set<string>, toggle: (upper: string) => void): void {
  const groups = [...drawn.nodes.values()].filter((n) => n.members);
  const open = [...expanded].filter((u) => net.nodes.has(u));
  clear(el);
  if (!groups.length && !open.length) return;
  const button = (upper: string, text: string, isOpen: boolean) =>
    h("button", { type: "button", class: "group-toggle", "aria-expanded": String(isOpen), "data-upper": upper, onclick: () => toggle(upper) }, text);
  el.append(h("details", {},
    h("summary", {}, t("groupsSummary", { n: groups.length })),
    ...open.map((u) => button(u, `${net.nodes.get(u)?.name ?? u} · ${t("fold")}`, true)),
    ...groups.map((g) => {
      const upper = g.id.slice(GROUP_PREFIX.length);
      return button(upper, `${net.nodes.get(upper)?.name ?? upper} · ${g.name}`, false);
    })));
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
