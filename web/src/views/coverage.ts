// Coverage: the divisions as a treemap, each grid coloured by status (uncovered, covered
// once, covered more than once), the serving alliances on hover, a summary per division;
// and the same on a boundary map when the dataset ships boundaries.
import { chart, echarts, NO_GRID_COLOUR, STATUS_COLOURS } from "../charts";
import { esc, h } from "../dom";
import { gql, GraphQLError } from "../gql";
import { label, t } from "../i18n";
import type { ViewContext } from "../ui";
import { renderOutlines } from "./outlines";

interface Div {
  code: string;
  name: string;
  level: string;
  statisticalCode?: string | null;
  children?: Div[];
}
interface Serving {
  id: string;
  name: string;
  kind: string;
}
interface GridStatus {
  grid: { id: string; name: string; divisionCode: string };
  area: string;
  status: string;
  alliances: Serving[];
}
interface Area {
  division: string;
  name: string;
  level: string;
  grids: number;
  uncovered: number;
  coveredOnce: number;
  coveredMore: number;
  shareCovered: number | null;
}

const DIV = "code name level statisticalCode";
const TREE = `rootDivisions { ${DIV} children { ${DIV} children { ${DIV} children { ${DIV} children { ${DIV} children { ${DIV} } } } } } }`;
// The first view asks for three levels (province, city, county): at national scale the
// whole tree (~40,000 townships) would take seconds to send. A small tree is then fetched
// whole, down to townships and villages.
const SHALLOW = `rootDivisions { ${DIV} children { ${DIV} children { ${DIV} } } }`;
const DEEP = `query CoverageTree { ${TREE} }`;
const DEEP_BELOW = 2000;
const QUERY = `query Coverage($on: Date) {
  gridCoverage(on: $on) {
    grids { grid { id name divisionCode } area status alliances { id name kind } }
    areas { division name level grids uncovered coveredOnce coveredMore shareCovered }
  }
  ${SHALLOW}
}`;

// Proposed API field: GeoJSON boundaries of the loaded divisions and grids, when the dataset
// ships them (features carry `properties.id`, a grid id or division code). Until the server
// has it, the map is simply not shown.
const BOUNDARIES = `query Boundaries { boundaries }`;

type Counts = { uncovered: number; covered: number; overlap: number };

interface TreeNode {
  name: string;
  id: string;
  value: number;
  children?: TreeNode[];
  itemStyle?: { color?: string; borderColor?: string };
  // Our own, read back by the tooltip and the tests.
  kind: "division" | "grid";
  level?: string;
  status?: string;
  alliances?: Serving[];
  counts?: Counts;
}

function tree(roots: Div[], grids: GridStatus[]): { nodes: TreeNode[]; hasGrids: boolean } {
  const byDivision = new Map<string, GridStatus[]>();
  const known = new Set<string>();
  const walk = (d: Div) => {
    known.add(d.code);
    d.children?.forEach(walk);
  };
  roots.forEach(walk);
  const orphans: GridStatus[] = [];
  for (const g of grids) {
    const where = known.has(g.grid.divisionCode) ? g.grid.divisionCode : known.has(g.area) ? g.area : null;
    if (where === null) orphans.push(g);
    else byDivision.set(where, [...(byDivision.get(where) ?? []), g]);
  }
  const hasGrids = grids.length > 0;
  const leaf = (g: GridStatus): TreeNode => ({
    name: g.grid.name,
    id: `grid:${g.grid.id}`,
    value: 1,
    kind: "grid",
    status: g.status,
    alliances: g.alliances,
    itemStyle: { color: STATUS_COLOURS[g.status] ?? NO_GRID_COLOUR },
  });
  const build = (d: Div): TreeNode | null => {
    const kids = (d.children ?? []).map(build).filter((n): n is TreeNode => n !== null);
    const own = (byDivision.get(d.code) ?? []).map(leaf);
    const children = [...kids, ...own];
    const counts: Counts = { uncovered: 0, covered: 0, overlap: 0 };
    for (const c of children) {
      if (c.kind === "grid") counts[c.status as keyof Counts] += 1;
      else if (c.counts) for (const k of Object.keys(counts) as (keyof Counts)[]) counts[k] += c.counts[k];
    }
    const value = children.reduce((sum, c) => sum + c.value, 0);
    if (hasGrids && value === 0) return null;
    const node: TreeNode = {
      name: d.name,
      id: `division:${d.code}`,
      value: hasGrids ? value : Math.max(value, 1),
      kind: "division",
      level: d.level,
      counts,
    };
    if (children.length) node.children = children;
    else node.itemStyle = { color: NO_GRID_COLOUR };
    return node;
  };
  const nodes = roots.map(build).filter((n): n is TreeNode => n !== null);
  if (orphans.length) {
    nodes.push({ name: "—", id: "division:?", value: orphans.length, kind: "division", children: orphans.map(leaf) });
  }
  return { nodes, hasGrids };
}

function tooltip(node: TreeNode, areas: Map<string, Area>): string {
  if (node.kind === "grid") {
    const serving = node.alliances?.length
      ? node.alliances.map((a) => `${esc(a.name)} <span class="muted">(${esc(label("kind", a.kind))})</span>`).join("<br/>")
      : esc(t("none"));
    return `<b>${esc(node.name)}</b><br/>${esc(label("status", node.status))}<br/>${esc(t("servedBy"))}:<br/>${serving}`;
  }
  const c = node.counts ?? { uncovered: 0, covered: 0, overlap: 0 };
  const total = c.uncovered + c.covered + c.overlap;
  const area = areas.get(node.id.replace(/^division:/, ""));
  const share = area?.shareCovered ?? (total ? (c.covered + c.overlap) / total : 0);
  const lines = [
    `<b>${esc(node.name)}</b> <span class="muted">${esc(label("divisionLevel", node.level))}</span>`,
    `${esc(t("gridsCount"))}: ${total}`,
  ];
  if (total) {
    lines.push(
      `${esc(t("uncovered"))}: ${c.uncovered}`,
      `${esc(t("covered"))}: ${c.covered}`,
      `${esc(t("overlap"))}: ${c.overlap}`,
      `${esc(t("shareCovered"))}: ${(share * 100).toFixed(0)}%`,
    );
  }
  return lines.join("<br/>");
}

function countLeaves(nodes: TreeNode[]): number {
  return nodes.reduce((n, x) => n + (x.children ? countLeaves(x.children) : 1), 0);
}

export async function renderCoverage(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const data = await gql<{ gridCoverage: { grids: GridStatus[]; areas: Area[] }; rootDivisions: Div[] }>(QUERY, { on: ctx.on });
  if (!ctx.current()) return;
  const size = (ds: Div[]): number => ds.reduce((n, d) => n + 1 + size(d.children ?? []), 0);
  if (size(data.rootDivisions) < DEEP_BELOW) {
    data.rootDivisions = (await gql<{ rootDivisions: Div[] }>(DEEP)).rootDivisions;
    if (!ctx.current()) return;
  }
  const { grids, areas } = data.gridCoverage;
  const areaByCode = new Map(areas.map((a) => [a.division, a]));
  const { nodes, hasGrids } = tree(data.rootDivisions, grids);

  const totals: Counts = { uncovered: 0, covered: 0, overlap: 0 };
  for (const g of grids) if (g.status in totals) totals[g.status as keyof Counts] += 1;

  const legend = h(
    "div",
    { class: "legend", "data-testid": "status-legend" },
    ...(Object.keys(totals) as (keyof Counts)[]).map((s) =>
      h("span", { class: "swatch-item", "data-status": s, "data-count": totals[s] },
        h("i", { class: "swatch", style: `background:${STATUS_COLOURS[s]}` }), `${t(s)} ${totals[s]}`),
    ),
  );
  const chartEl = h("div", { class: "chart", id: "coverage-chart", "data-grids": grids.length, "data-leaves": countLeaves(nodes) });
  const mapEl = h("div", { class: "chart", id: "coverage-map", hidden: true });
  root.append(
    h("section", { class: "panel" },
      h("h2", {}, t("treemap")),
      hasGrids ? legend : h("p", { class: "note", "data-testid": "no-grids" }, t("noGrids")),
      chartEl),
    h("section", { class: "panel", id: "outline-panel", hidden: true }),
    h("section", { class: "panel", id: "map-panel", hidden: true }, h("h2", {}, t("map")), mapEl),
    summaryTable(areas),
  );

  const big = grids.length > 400 || countLeaves(nodes) > 400;
  const treemap = chart("coverage", chartEl);
  treemap.setOption({
    tooltip: {
      formatter: (p: unknown) => tooltip((p as { data: TreeNode }).data, areaByCode),
    },
    series: [
      {
        type: "treemap",
        name: t("coverage"),
        data: nodes,
        // A county-sized dataset opens two levels deep; click a block to drill down.
        leafDepth: big ? 2 : undefined,
        roam: false,
        nodeClick: big ? "zoomToNode" : false,
        breadcrumb: { show: big },
        animation: !big,
        label: { show: true, formatter: "{b}", overflow: "truncate" },
        upperLabel: { show: true, height: 22, color: "#223" },
        itemStyle: { borderColor: "#fff", gapWidth: 1 },
        levels: [
          { itemStyle: { borderColor: "#667", borderWidth: 2, gapWidth: 3 }, upperLabel: { show: false } },
          { itemStyle: { borderColor: "#8a96a8", borderWidth: 3, gapWidth: 2, color: "#dde3ea" } },
          { itemStyle: { borderColor: "#b5bfcc", borderWidth: 3, gapWidth: 1, color: "#e8ecf1" } },
          { itemStyle: { borderColor: "#d0d7e0", borderWidth: 2, gapWidth: 1 } },
        ],
      },
    ],
  });
  chartEl.dataset.ready = "true";

  const counts = new Map<string, Counts>();
  const collect = (n: TreeNode) => {
    if (n.kind === "division" && n.counts) counts.set(n.id.replace(/^division:/, ""), n.counts);
    n.children?.forEach(collect);
  };
  nodes.forEach(collect);
  renderOutlines(root.querySelector("#outline-panel") as HTMLElement, data.rootDivisions, counts, (code) => {
    chartEl.dataset.zoomed = code;
    chartEl.scrollIntoView();
    treemap.dispatchAction({ type: "treemapZoomToNode", seriesIndex: 0, targetNodeId: `division:${code}` });
  });

  // The boundary map, only where the server offers boundaries and the dataset has them.
  await renderMap(root, mapEl, grids, ctx);
}

function summaryTable(areas: Area[]): HTMLElement {
  const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
  const rows = areas.map((a) =>
    h("tr", { "data-division": a.division },
      h("td", {}, a.name),
      h("td", {}, label("divisionLevel", a.level)),
      h("td", { class: "num" }, String(a.grids)),
      h("td", { class: "num" }, String(a.uncovered)),
      h("td", { class: "num" }, String(a.coveredOnce)),
      h("td", { class: "num" }, String(a.coveredMore)),
      h("td", { class: "num" }, a.shareCovered === null ? "—" : pct(a.shareCovered)),
    ),
  );
  return h("section", { class: "panel" },
    h("h2", {}, t("summary")),
    h("table", { class: "data", id: "coverage-summary" },
      h("thead", {}, h("tr", {},
        ...[t("division"), t("level"), t("gridsCount"), t("uncovered"), t("covered"), t("overlap"), t("shareCovered")].map((c, i) => h("th", { class: i >= 2 ? "num" : "" }, c)))),
      h("tbody", {}, ...(rows.length ? rows : [h("tr", {}, h("td", { colspan: 7 }, t("noData")))])),
    ),
  );
}

async function renderMap(root: HTMLElement, mapEl: HTMLElement, grids: GridStatus[], ctx: ViewContext): Promise<void> {
  let text: string | null;
  try {
    text = (await gql<{ boundaries: string | null }>(BOUNDARIES)).boundaries;
  } catch (err) {
    // An unknown field: this server has no boundaries to offer.
    if (err instanceof GraphQLError && err.code === "GRAPHQL_VALIDATION_FAILED") return;
    throw err;
  }
  if (!text || !ctx.current()) return;
  const geo = JSON.parse(text) as { type: string; features: { properties: Record<string, unknown> }[] };
  if (!geo.features?.length) return;
  const byGrid = new Map(grids.map((g) => [g.grid.id, g]));
  // ECharts matches regions by `name`; we key them by id, and show the grid's own name.
  for (const f of geo.features) f.properties.name = String(f.properties.id ?? f.properties.name ?? "");
  echarts.registerMap("alliancegraph", geo as never);
  const data = geo.features.map((f) => {
    const id = String(f.properties.name);
    const g = byGrid.get(id);
    return {
      name: id,
      value: g ? 1 : 0,
      label: g?.grid.name ?? String(f.properties.label ?? id),
      status: g?.status ?? null,
      alliances: g?.alliances ?? [],
      itemStyle: { areaColor: g ? STATUS_COLOURS[g.status] : NO_GRID_COLOUR },
    };
  });
  (root.querySelector("#map-panel") as HTMLElement).hidden = false;
  mapEl.hidden = false;
  const map = chart("coverage-map", mapEl);
  map.setOption({
    tooltip: {
      formatter: (p: unknown) => {
        const d = (p as { data?: (typeof data)[number] }).data;
        if (!d) return "";
        const serving = d.alliances.length ? d.alliances.map((a) => esc(a.name)).join("<br/>") : esc(t("none"));
        return `<b>${esc(d.label)}</b><br/>${esc(label("status", d.status))}<br/>${esc(t("servedBy"))}:<br/>${serving}`;
      },
    },
    series: [
      {
        type: "map",
        map: "alliancegraph",
        roam: true,
        data,
        label: { show: true, formatter: (p: { data?: { label: string } }) => p.data?.label ?? "", fontSize: 12, color: "#fff", textBorderColor: "rgba(0,0,0,0.45)", textBorderWidth: 2 },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: undefined, borderColor: "#222", borderWidth: 2 } },
        select: { disabled: true },
      },
    ],
  });
  mapEl.dataset.ready = "true";
  mapEl.dataset.regions = String(data.length);
}
