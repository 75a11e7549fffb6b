// Route explorer: pick an origin and a patient context; the route is drawn on the origin's
// alliance network, hop by hop, with the rule and clause of each hop and the admissible
// destinations.
import { chart, LEVEL_COLOURS, typeSymbol } from "../charts";
import { clear, esc, h } from "../dom";
import { gql } from "../gql";
import { enumValues, label, lang, t } from "../i18n";
import type { ViewContext } from "../ui";
import { EDGE_COLOURS, type Inst, Network, showDetails } from "./graph";

interface Ref {
  id: string | null;
  name: string;
  level: string;
}
interface Hop {
  from: Ref;
  to: Ref;
  via: string;
  rule: { id: string; kind: string; source: string; text: string; modality: string | null };
  alliance: { id: string; name: string; kind: string } | null;
}
interface Destination extends Ref {
  preferred: boolean;
  basis: { rule: string; kind: string; modality: string | null; source: string };
}
interface Consequence {
  rule: string;
  source: string;
  applies: string;
  holds: boolean;
  messageZh: string;
  messageEn: string;
}
interface Route {
  allowed: boolean;
  verdict: "PREFERRED" | "ADMISSIBLE" | "REFUSED";
  origin: Ref;
  hops: Hop[];
  destinations: Destination[];
  explanationZh: string;
  explanationEn: string;
  policy: string | null;
  reason: string | null;
  alternatives: Destination[];
  consequences: Consequence[];
}

const ROUTE = `query Route($input: RouteInput!) {
  referralRoute(input: $input) {
    allowed verdict policy reason explanationZh explanationEn
    origin { id name level }
    hops { from { id name level } to { id name level } via rule { id kind source text modality } alliance { id name kind } }
    destinations { id name level preferred basis { rule kind modality source } }
    alternatives { id name level preferred basis { rule kind modality source } }
    consequences { rule source applies holds messageZh messageEn }
  }
}`;
const CONTEXT = `query RouteContext($id: ID!, $on: Date) {
  institution(id: $id) {
    id name level type
    alliances(on: $on) {
      id
      members(on: $on) { role institution { id name level type } }
      pairs(on: $on) { upperId lowerId }
    }
  }
}`;
const SEARCH = `query Search($q: String!) {
  institutions(filter: { name: $q }, first: 20) { edges { node { id name level division { name } } } pageInfo { hasNextPage endCursor } }
}`;

// Condition ids the bundled policies use (docs/data-format.md); any other id may be typed.
const CONDITIONS = ["general", "infectious", "tuberculosis", "hepatitis", "psychiatric", "pediatric", "obstetric", "oncology", "cardiovascular", "burn", "tcm-brain", "tcm-liver", "tcm-kidney"];
const CONTEXT_CAP = 150;

// Preferred destinations first; the others say on which rule (and how strongly) they are admissible.
function destinationItem(d: Destination): HTMLElement {
  const mod = d.basis.modality ? `${label("modality", d.basis.modality)} · ` : "";
  return h("li", { "data-id": d.id ?? "", "data-preferred": String(d.preferred), class: d.preferred ? "preferred" : "also" },
    `${d.name} · ${label("level", d.level)}`,
    d.preferred ? h("span", { class: "tag" }, ` ${t("preferredDest")}`) : h("span", { class: "muted" }, ` ${t("alsoAdmissible")}`),
    h("div", { class: "clause" }, `${mod}${d.basis.source || d.basis.rule}`));
}
const HOP_DELAY = 350;

function form(ctx: ViewContext): HTMLFormElement {
  const p = ctx.params;
  const input = (name: string, attrs: Record<string, string> = {}) => h("input", { name, id: `route-${name}`, value: p.get(name) ?? "", ...attrs });
  const origin = input("origin", { list: "origin-options", required: "true", autocomplete: "off", placeholder: t("pickOrigin") });
  const options = h("datalist", { id: "origin-options" });
  let timer = 0;
  origin.addEventListener("input", () => {
    clearTimeout(timer);
    const q = origin.value.trim();
    if (q.length < 1) return;
    timer = window.setTimeout(async () => {
      const d = await gql<{ institutions: { edges: { node: { id: string; name: string; division: { name: string } | null } }[] } }>(SEARCH, { q });
      clear(options);
      for (const { node } of d.institutions.edges) options.append(h("option", { value: node.id }, `${node.name}${node.division ? ` · ${node.division.name}` : ""}`));
    }, 250);
  });
  const checkbox = (name: string, text: string, value = "1") =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name, value, checked: p.getAll(name).includes(value) }), text);
  const f = h("form", { class: "panel route-form", id: "route-form" },
    h("label", {}, t("origin"), " ", origin, options),
    h("label", {}, t("condition"), " ", input("condition", { list: "condition-options", placeholder: "general" }),
      h("datalist", { id: "condition-options" }, ...CONDITIONS.map((c) => h("option", { value: c })))),
    checkbox("severe", t("severe")),
    h("label", {}, t("direction"), " ", h("select", { name: "direction" },
      ...enumValues("direction").map((d) => h("option", { value: d, selected: (p.get("direction") ?? "UP") === d }, label("direction", d))))),
    checkbox("outOfRegion", t("outOfRegion")),
    h("fieldset", {}, h("legend", {}, t("flags")), ...enumValues("flag").map((fl) => checkbox("flag", label("flag", fl), fl))),
    h("label", {}, t("phase"), " ", h("select", { name: "phase", id: "route-phase" },
      h("option", { value: "" }, t("choose")),
      ...enumValues("phase").map((v) => h("option", { value: v, selected: p.get("phase") === v }, label("phase", v))))),
    h("label", {}, t("employeeOf"), " ", input("employeeOf")),
    h("label", {}, t("readmissionOf"), " ", input("readmissionOf")),
    h("label", {}, t("to"), " ", input("to")),
    h("button", { type: "submit", id: "route-submit" }, t("findRoute")),
  );
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(f);
    // The route's inputs go into the URL (flags repeat), so a route can be linked to.
    const query = new URLSearchParams();
    for (const [k, v] of data.entries()) if (String(v).trim()) query.append(k, String(v).trim());
    const hash = `#/route?${query.toString()}`;
    if (location.hash === hash) ctx.rerender();
    else location.hash = hash;
  });
  return f;
}

export async function renderRoute(root: HTMLElement, ctx: ViewContext): Promise<void> {
  root.append(form(ctx));
  const p = ctx.params;
  const origin = p.get("origin");
  if (!origin) return;
  const input: Record<string, unknown> = {
    origin,
    condition: p.get("condition") || "general",
    severe: p.has("severe"),
    flags: p.getAll("flag"),
    outOfRegion: p.has("outOfRegion"),
    direction: p.get("direction") || "UP",
    on: ctx.on,
  };
  for (const k of ["employeeOf", "readmissionOf", "to", "phase"]) if (p.get(k)) input[k] = p.get(k);
  const [{ referralRoute: route }, context] = await Promise.all([
    gql<{ referralRoute: Route | null }>(ROUTE, { input }),
    gql<{ institution: (Inst & { alliances: { id: string; members: { role: string; institution: Inst }[]; pairs: { upperId: string; lowerId: string }[] }[] }) | null }>(
      CONTEXT, { id: origin, on: ctx.on }),
  ]);
  if (!ctx.current() || !route) return;

  const chartEl = h("div", { class: "chart", id: "route-chart" });
  const hopList = h("ol", { class: "hops", id: "route-hops" });
  const details = h("div", { id: "details", class: "sub-details" }, h("p", { class: "muted" }, t("clickNode")));
  root.append(
    h("section", { class: `panel verdict ${route.allowed ? "ok" : "refused"}`, id: "route-verdict", "data-allowed": String(route.allowed), "data-verdict": route.verdict },
      h("strong", {}, label("verdict", route.verdict)),
      route.policy ? ` · ${t("policy")}: ${route.policy}` : "",
      h("p", {}, lang === "zh" ? route.explanationZh : route.explanationEn),
      route.reason ? h("p", { class: "muted" }, route.reason) : null),
    h("div", { class: "split" },
      h("section", { class: "panel grow" }, chartEl),
      h("aside", { class: "details" },
        h("h3", {}, t("hops")), hopList,
        h("h3", {}, t("destinations")),
        h("ul", { id: "route-destinations", class: "links" }, ...route.destinations.map(destinationItem)),
        route.alternatives.length ? h("div", {}, h("h3", {}, t("alternatives")),
          h("ul", { class: "links", id: "route-alternatives" }, ...route.alternatives.map(destinationItem))) : null,
        route.consequences.length ? h("div", {}, h("h3", {}, t("consequences")),
          h("ul", { class: "links", id: "route-consequences" }, ...route.consequences.map((c) => h("li", { "data-rule": c.rule, "data-applies": c.applies },
            h("b", {}, c.applies === "off_route" ? t("offRoute") : t("onRoute")), c.holds ? "" : t("ifCondition"), " ",
            lang === "zh" ? c.messageZh : c.messageEn, " ", h("span", { class: "clause" }, c.source))))) : null,
        details)),
  );

  // The network: the origin's alliances (faded), then the route over it.
  const net = new Network();
  const originId = context.institution?.id ?? route.origin.id ?? origin;
  if (context.institution) {
    net.node(context.institution, "LEAD");
    for (const a of context.institution.alliances) {
      for (const m of a.members) if (net.nodes.size < CONTEXT_CAP) net.node(m.institution, m.role, true);
      for (const pr of a.pairs) if (net.nodes.has(pr.upperId) && net.nodes.has(pr.lowerId)) net.edge(pr.upperId, pr.lowerId, "pairing");
    }
    const me = net.nodes.get(originId);
    if (me) me.outside = false;
  }
  const refNode = (r: Ref): string => {
    const id = r.id ?? `level:${r.level}`;
    if (!net.nodes.has(id)) net.node({ id, name: r.name || t("anyAt", { level: label("level", r.level) }), level: r.level, type: r.id ? "HOSPITAL" : "NONE" }, r.id ? "MEMBER" : "HUB");
    const n = net.nodes.get(id);
    if (n) n.outside = false;
    return id;
  };
  const hopEdges: { source: string; target: string; hop: Hop; n: number }[] = [];
  route.hops.forEach((hop, i) => hopEdges.push({ source: refNode(hop.from), target: refNode(hop.to), hop, n: i + 1 }));
  const last = route.hops.at(-1);
  const lastTarget = last ? (last.to.id ?? `level:${last.to.level}`) : originId;
  const destIds = route.destinations.map((d) => refNode(d));
  // Where the last hop names a level (003 §三(三)1), it fans out to the admissible institutions.
  const destEdges = last && last.to.id === null ? destIds.filter((d) => d !== lastTarget).map((d) => ({ source: lastTarget, target: d })) : [];
  const pos = net.layout();

  const nodes = [...net.nodes.values()].map((i) => {
    const [x, y] = pos.get(i.id) ?? [0, 0];
    const dest = destIds.includes(i.id);
    return {
      id: i.id, name: i.name, x, y, level: i.level, type: i.type,
      symbol: i.type === "NONE" ? "roundRect" : typeSymbol(i.type),
      symbolSize: i.id === originId ? 36 : i.outside ? 16 : 26,
      itemStyle: {
        color: i.type === "NONE" ? "#fff" : (LEVEL_COLOURS[i.level] ?? LEVEL_COLOURS.UNRATED),
        opacity: i.outside ? 0.35 : 1,
        borderColor: dest ? EDGE_COLOURS.destination : i.id === originId ? "#000" : i.type === "NONE" ? "#555" : undefined,
        borderWidth: dest || i.id === originId || i.type === "NONE" ? 3 : 0,
      },
      label: { show: !i.outside || net.nodes.size <= 40, fontWeight: i.outside ? "normal" : "bold" },
      destination: dest,
      onRoute: !i.outside,
    };
  });
  const context_links = [...net.edges.values()].map((e) => ({
    source: e.source, target: e.target, kind: e.kind,
    lineStyle: { color: EDGE_COLOURS.membership, width: 1, type: "solid", opacity: 0.6 },
  }));
  const instance = chart("route", chartEl);
  instance.on("click", (ev) => {
    const d = ev.data as { id?: string } | undefined;
    if (ev.dataType === "node" && d?.id && !d.id.startsWith("level:")) void showDetails(details, d.id, ctx);
  });
  const draw = (shown: number) => {
    const hops = hopEdges.slice(0, shown).map((e) => ({
      source: e.source, target: e.target, kind: "hop", n: e.n, rule: e.hop.rule.id, clause: e.hop.rule.source,
      symbol: ["none", "arrow"], symbolSize: 12,
      lineStyle: { color: EDGE_COLOURS.hop, width: 4, curveness: 0.15, opacity: 1 },
      label: { show: true, formatter: `${e.n}`, fontSize: 13, fontWeight: "bold", color: EDGE_COLOURS.hop },
    }));
    const dests = shown >= hopEdges.length ? destEdges.map((e) => ({
      ...e, kind: "destination", symbol: ["none", "arrow"],
      lineStyle: { color: EDGE_COLOURS.destination, width: 2, type: "dashed", opacity: 1 },
    })) : [];
    instance.setOption({
      tooltip: {
        formatter: (p: { dataType: string; data: Record<string, unknown> }) => {
          const d = p.data;
          if (p.dataType === "edge" && d.kind === "hop") return `${esc(d.n)}. ${esc(d.rule)}<br/>${esc(d.clause)}`;
          if (p.dataType === "edge") return "";
          return `<b>${esc(d.name)}</b><br/>${esc(label("level", String(d.level)))}`;
        },
      },
      animationDurationUpdate: 200,
      series: [{
        type: "graph", layout: "none", roam: true, data: nodes, links: [...context_links, ...hops, ...dests],
        edgeSymbolSize: 10, label: { position: "bottom", fontSize: 11, formatter: "{b}" },
        labelLayout: { hideOverlap: true }, emphasis: { focus: "adjacency" },
      }],
    }, { notMerge: true });
    chartEl.dataset.hopsDrawn = String(shown);
    for (const li of hopList.children) li.classList.toggle("drawn", Number((li as HTMLElement).dataset.n) <= shown);
  };

  route.hops.forEach((hop, i) => hopList.append(h("li", { "data-n": i + 1, "data-rule": hop.rule.id },
    h("div", {}, h("b", {}, `${hop.from.name} → ${hop.to.name}`), ` · ${t("via")}: ${hop.via}`, hop.alliance ? ` · ${hop.alliance.name}` : ""),
    h("div", {}, h("code", {}, hop.rule.id), ` [${hop.rule.kind}] `, h("span", { class: "clause" }, hop.rule.source)),
    hop.rule.text ? h("blockquote", {}, hop.rule.text) : null)));

  chartEl.dataset.hops = String(route.hops.length);
  chartEl.dataset.destinations = String(route.destinations.length);
  draw(0);
  for (let i = 1; i <= hopEdges.length; i++) {
    await new Promise((r) => setTimeout(r, HOP_DELAY));
    if (!ctx.current()) return;
    draw(i);
  }
  if (!hopEdges.length) draw(0);
  chartEl.dataset.ready = "true";
}
