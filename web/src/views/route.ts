// Route explorer: pick an origin and a patient context; the route is drawn on the origin's
// alliance network, hop by hop, with the rule and clause of each hop and the admissible
// destinations.
import { chart, LEVEL_COLOURS, typeSymbol } from "../charts";
import { clear, esc, h } from "../dom";
import { GraphQLError, gql } from "../gql";
import { enumValues, label, lang, t } from "../i18n";
import { institutionPicker } from "../picker";
import type { ViewContext } from "../ui";
import { LABEL_FONT, SERIES_BOX } from "../labels";
import { drawnBox, EDGE_COLOURS, fittingLabels, type Inst, Network, showDetails } from "./graph";

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
const CONDITIONS = `query Conditions($origin: String!, $id: ID!, $on: Date) {
  routeConditions(origin: $origin, on: $on) { policy conditions { id name nameEn } }
  institution(id: $id) { id roles { role condition conditionValue } }
}`;
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

// A name in the link that names no single institution: its closest candidates, each a link
// to the same route from that institution, in place of an error.
function candidatesPanel(err: GraphQLError, p: URLSearchParams): HTMLElement {
  const found = (err.extensions.candidates as { id: string; name: string }[] | undefined) ?? [];
  const key = ["to", "readmissionOf", "origin"].find((k) => p.get(k) && err.message.includes(p.get(k) ?? "")) ?? "origin";
  const link = (c: { id: string; name: string }) => {
    const q = new URLSearchParams(p);
    q.set(key, c.id);
    return h("li", { "data-id": c.id }, h("a", { href: `#/route?${q}` }, c.name), h("span", { class: "muted" }, ` · ${c.id}`));
  };
  return h("section", { class: "panel", id: "route-candidates", role: "status" },
    h("p", {}, t(err.code === "AMBIGUOUS" ? "ambiguousName" : "noMatch", { text: err.message })),
    found.length ? h("ul", { class: "links" }, ...found.map(link)) : null);
}

function form(ctx: ViewContext): HTMLFormElement {
  const p = ctx.params;
  const checkbox = (name: string, text: string, value = "1") =>
    h("label", { class: "check" }, h("input", { type: "checkbox", name, value, checked: p.getAll(name).includes(value) }), text);
  const origin = institutionPicker("origin", t("origin"), p.get("origin"), true);
  const readmission = institutionPicker("readmissionOf", t("readmissionOf"), p.get("readmissionOf"));
  const destination = institutionPicker("to", t("to"), p.get("to"));
  const condition = h("select", { name: "condition", id: "route-condition", disabled: true },
    h("option", { value: "" }, t("pickOriginFirst")));
  const employer = h("select", { name: "employeeOf", id: "route-employeeOf", disabled: true },
    h("option", { value: "" }, t("notEmployee")));
  const policyNote = h("span", { class: "muted small", id: "route-policy" });
  // The conditions and employers an origin's route may name: from its region's policy and
  // its own roles (a staff hospital's 本单位职工), so neither is typed as an id.
  const loadChoices = async (id: string) => {
    condition.disabled = employer.disabled = !id;
    if (!id) return;
    const d = await gql<{ routeConditions: { policy: string | null; conditions: { id: string; name: string; nameEn: string }[] };
      institution: { roles: { role: string; condition: string; conditionValue: string }[] } | null }>(CONDITIONS, { origin: id, id, on: ctx.on });
    const wanted = p.get("condition") || condition.value || "general";
    clear(condition);
    for (const c of d.routeConditions.conditions) {
      const name = (lang === "zh" ? c.name : c.nameEn || c.name) || c.id;
      condition.append(h("option", { value: c.id, selected: c.id === wanted }, name));
    }
    policyNote.textContent = d.routeConditions.policy ? `${t("policy")}: ${d.routeConditions.policy}` : t("noPolicy");
    const employers = [...new Set((d.institution?.roles ?? []).filter((r) => r.condition === "EMPLOYEES_ONLY").map((r) => r.conditionValue))];
    clear(employer);
    employer.append(h("option", { value: "" }, t("notEmployee")),
      ...employers.map((e) => h("option", { value: e, selected: p.get("employeeOf") === e }, e)));
    employer.disabled = !employers.length;
    condition.dataset.ready = "true";
  };
  origin.onChange((id) => void loadChoices(id));
  if (p.get("origin")) void loadChoices(p.get("origin") ?? "").catch(() => undefined);
  const f = h("form", { class: "panel route-form", id: "route-form", "aria-label": t("route") },
    origin.element,
    h("label", {}, t("condition"), " ", condition), policyNote,
    checkbox("severe", t("severe")),
    h("label", {}, t("direction"), " ", h("select", { name: "direction", id: "route-direction" },
      ...enumValues("direction").map((d) => h("option", { value: d, selected: (p.get("direction") ?? "UP") === d }, label("direction", d))))),
    checkbox("outOfRegion", t("outOfRegion")),
    h("fieldset", {}, h("legend", {}, t("flags")), ...enumValues("flag").map((fl) => checkbox("flag", label("flag", fl), fl))),
    h("label", {}, t("phase"), " ", h("select", { name: "phase", id: "route-phase" },
      h("option", { value: "" }, t("choose")),
      ...enumValues("phase").map((v) => h("option", { value: v, selected: p.get("phase") === v }, label("phase", v))))),
    h("label", {}, t("employeeOf"), " ", employer),
    readmission.element,
    destination.element,
    h("button", { type: "submit", id: "route-submit" }, t("findRoute")),
  );
  f.addEventListener("submit", async (e) => {
    e.preventDefault();
    // Each institution field must name one institution; otherwise its candidates show.
    for (const picker of [origin, readmission, destination]) if (!(await picker.settle())) return;
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
  type Context = { institution: (Inst & { alliances: { id: string; members: { role: string; institution: Inst }[]; pairs: { upperId: string; lowerId: string }[] }[] }) | null };
  let answers: [{ referralRoute: Route | null }, Context];
  try {
    answers = await Promise.all([gql<{ referralRoute: Route | null }>(ROUTE, { input }), gql<Context>(CONTEXT, { id: origin, on: ctx.on })]);
  } catch (err) {
    if (!(err instanceof GraphQLError) || !["NOT_FOUND", "AMBIGUOUS"].includes(err.code)) throw err;
    root.append(candidatesPanel(err, p));
    return;
  }
  const [{ referralRoute: route }, context] = answers;
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
      h("aside", { class: "details", tabindex: 0, "aria-label": t("hops") },
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
  const box = { width: chartEl.clientWidth || 880, height: chartEl.clientHeight || 520 };
  const pos = net.layout(box.width - SERIES_BOX.left - SERIES_BOX.right);
  const size = (i: { id: string; outside: boolean }) => (i.id === originId ? 36 : i.outside ? 16 : 26);
  // The route's own institutions are labelled first, then the destinations, then the rest.
  const placed = [...net.nodes.values()].map((i) => {
    const [x, y] = pos.get(i.id) ?? [0, 0];
    return { id: i.id, name: i.name, x, y, symbolSize: size(i), rank: i.id === originId ? 0 : !i.outside ? 1 : destIds.includes(i.id) ? 2 : 5 };
  });
  const fits = fittingLabels(placed, box);

  const nodes = [...net.nodes.values()].map((i) => {
    const [x, y] = pos.get(i.id) ?? [0, 0];
    const dest = destIds.includes(i.id);
    return {
      id: i.id, name: i.name, x, y, level: i.level, type: i.type,
      symbol: i.type === "NONE" ? "roundRect" : typeSymbol(i.type),
      symbolSize: size(i),
      itemStyle: {
        color: i.type === "NONE" ? "#fff" : (LEVEL_COLOURS[i.level] ?? LEVEL_COLOURS.UNRATED),
        opacity: i.outside ? 0.35 : 1,
        borderColor: dest ? EDGE_COLOURS.destination : i.id === originId ? "#000" : i.type === "NONE" ? "#555" : undefined,
        borderWidth: dest || i.id === originId || i.type === "NONE" ? 3 : 0,
      },
      label: { show: fits.has(i.id), fontWeight: i.outside ? "normal" : "bold" },
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
        type: "graph", layout: "none", roam: true, data: nodes, links: [...context_links, ...hops, ...dests], ...drawnBox(placed, box),
        edgeSymbolSize: 10, label: { position: "bottom", fontSize: LABEL_FONT, formatter: "{b}" },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: "adjacency", label: { show: true, backgroundColor: "#fff", padding: [1, 3], borderRadius: 3 } },
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
