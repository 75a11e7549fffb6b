// The county report: one division's picture on paper (the browser's print, or a PDF of it),
// for a planner who reports upward: its map and coverage, its alliances and members, the
// institutions in none, the findings with their clauses and severities, the referral
// figures against the caps, the "as of" date and the policies the checks used. Print
// styles (style.css, @media print) drop the page's own controls.
import { chart, echarts, NO_GRID_COLOUR, STATUS_COLOURS } from "../charts";
import { h } from "../dom";
import { allPages, gql } from "../gql";
import { label, lang, t } from "../i18n";
import type { ViewContext } from "../ui";

interface Div { code: string; name: string; level: string; children?: Div[] }
interface Finding { ruleId: string; severity: string; source: string; subjectKind: string; subjectId: string; subjectName: string; messageZh: string; messageEn: string; policy: string | null }
interface Figure { metric: string; value: number | null; limit: number | null; bound: string; status: string; source: string; unit: string }
interface Page<N> { edges: { node: N }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }

const D = "code name level";
const TREE = `rootDivisions { ${D} children { ${D} children { ${D} children { ${D} children { ${D} children { ${D} } } } } } }`;
const REPORT = `query Report($division: String!, $on: Date, $period: String!) {
  division(code: $division) { code name level parent { name } }
  gridCoverage(on: $on, division: $division) {
    on
    grids { grid { id name } status alliances { name } }
    areas { division name level grids uncovered coveredOnce coveredMore shareCovered }
  }
  unaffiliated(on: $on, division: $division, includeUnknown: true) { reason policies institution { id name level type division { name } } }
  validation(on: $on) {
    on
    findings { ruleId severity source subjectKind subjectId subjectName messageZh messageEn policy }
    policies { policy region regionName status obligations }
    regionsWithoutPolicy { division name institutions }
  }
  referralKpis(period: $period, division: $division) {
    period
    regions { policy regionName referrals figures { metric value limit bound status source unit } }
  }
  boundaries(division: $division)
}`;
const REPORT_TREE = `query ReportDivisions { ${TREE} }`;
const REPORT_INSTITUTIONS = `query ReportInstitutions($division: String!, $on: Date, $after: String) {
  division(code: $division) {
    institutions(first: 100, after: $after) {
      edges { node { id name memberships(on: $on) { role alliance { id name kind integration } } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface Local { id: string; name: string; memberships: { role: string; alliance: { id: string; name: string; kind: string; integration: string } }[] }

/** The codes of the divisions above `code`, nearest first. */
function ancestors(tree: Div[], code: string, path: string[] = []): string[] {
  for (const d of tree) {
    if (d.code === code) return [...path].reverse();
    const found = ancestors(d.children ?? [], code, [...path, d.code]);
    if (found.length) return found;
  }
  return [];
}

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };

function flatten(divs: Div[], depth = 0, out: { code: string; text: string; codes: string[] }[] = []): string[] {
  const codes: string[] = [];
  for (const d of divs) {
    const entry = { code: d.code, text: `${"　".repeat(depth)}${d.name}`, codes: [d.code] };
    out.push(entry);
    entry.codes.push(...flatten(d.children ?? [], depth + 1, out));
    codes.push(...entry.codes);
  }
  return codes;
}

const section = (id: string, title: string, ...body: (Node | string | null)[]) =>
  h("section", { class: "report-section", id, "aria-labelledby": `${id}-h` }, h("h2", { id: `${id}-h` }, title), ...body);

function table(id: string, heads: string[], rows: (string | Node)[][], attrs: (i: number) => Record<string, string> = () => ({})): HTMLElement {
  if (!rows.length) return h("p", { class: "muted", id }, t("noneFound"));
  return h("table", { class: "data", id },
    h("thead", {}, h("tr", {}, ...heads.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, ...rows.map((r, i) => h("tr", attrs(i), ...r.map((c) => h("td", {}, c))))));
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);

export async function renderReport(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const tree = (await gql<{ rootDivisions: Div[] }>(REPORT_TREE)).rootDivisions;
  const options: { code: string; text: string; codes: string[] }[] = [];
  flatten(tree, 0, options);
  const code = ctx.params.get("division") ?? options.find((o) => o.codes.length > 1)?.code ?? options[0]?.code;
  const on = ctx.on;
  const period = ctx.params.get("period") || (on ?? new Date().toISOString()).slice(0, 4);
  const picker = h("select", { id: "report-division", onchange: () => ctx.go("report", { division: picker.value, period }) },
    ...options.map((o) => h("option", { value: o.code, selected: o.code === code }, o.text)));
  root.append(h("div", { class: "panel report-toolbar no-print" },
    h("label", {}, t("division"), " ", picker), " ",
    h("button", { type: "button", id: "report-print", onclick: () => print() }, t("printReport"))));
  if (!code) return;
  const within = new Set(options.find((o) => o.code === code)?.codes ?? [code]);

  const [d, ids] = await Promise.all([
    gql<{
      division: { code: string; name: string; level: string; parent: { name: string } | null } | null;
      gridCoverage: { on: string; grids: { grid: { id: string; name: string }; status: string; alliances: { name: string }[] }[];
        areas: { division: string; name: string; level: string; grids: number; uncovered: number; coveredOnce: number; coveredMore: number; shareCovered: number | null }[] };
      unaffiliated: { reason: string; policies: string[]; institution: { id: string; name: string; level: string; type: string; division: { name: string } | null } }[];
      validation: { on: string; findings: Finding[]; policies: { policy: string; region: string; regionName: string; status: string; obligations: number }[]; regionsWithoutPolicy: { division: string; name: string; institutions: number }[] };
      referralKpis: { period: string; regions: { policy: string; regionName: string; referrals: number; figures: Figure[] }[] };
      boundaries: string | null;
    }>(REPORT, { division: code, on, period }),
    allPages<Local>((after) => gql<{ division: { institutions: Page<Local> } | null }>(REPORT_INSTITUTIONS, { division: code, on, after })
      .then((x) => x.division?.institutions ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } })),
  ]);
  if (!ctx.current()) return;
  if (!d.division) {
    root.append(h("p", { class: "note", role: "status" }, t("noData")));
    return;
  }
  const div = d.division;
  // The alliances with a member here, each with its members here (lead first).
  const alliances = new Map<string, { id: string; name: string; kind: string; integration: string; members: { role: string; name: string }[] }>();
  for (const i of ids) {
    for (const m of i.memberships) {
      const a = alliances.get(m.alliance.id) ?? { ...m.alliance, members: [] };
      a.members.push({ role: m.role, name: i.name });
      alliances.set(a.id, a);
    }
  }
  const ROLE_ORDER = ["LEAD", "TRUSTEE", "HUB", "MEMBER", "MANAGED", "BASE"];
  for (const a of alliances.values()) a.members.sort((x, y) => ROLE_ORDER.indexOf(x.role) - ROLE_ORDER.indexOf(y.role) || x.name.localeCompare(y.name));
  // The policies that bind here: of this division, of one above it, or of one within it.
  const around = new Set([...within, ...ancestors(tree, code)]);
  // The findings about this division: its institutions, alliances, grids and divisions.
  const subjects = new Set([...within, ...ids.map((i) => i.id), ...alliances.keys(), ...d.gridCoverage.grids.map((g) => g.grid.id)]);
  const findings = d.validation.findings.filter((f) => subjects.has(f.subjectId))
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.ruleId.localeCompare(b.ruleId));
  const asOf = d.validation.on;
  const mapEl = h("div", { class: "chart report-map", id: "report-map", role: "img", "aria-label": t("map") });

  const report = h("article", { class: "report", id: "report", "data-division": div.code, lang: lang === "zh" ? "zh-CN" : "en" },
    h("div", { class: "report-head", id: "report-head" },
      h("h1", {}, t("reportTitle", { name: div.name })),
      h("p", {}, `${label("divisionLevel", div.level)}${div.parent ? ` · ${div.parent.name}` : ""}`),
      h("p", { id: "report-as-of", "data-on": asOf }, `${t("asOf")}: ${formatDate(asOf)}`)),
    section("report-coverage", t("reportCoverage"),
      d.boundaries ? mapEl : h("p", { class: "muted" }, t("noOutlines")),
      d.gridCoverage.areas.length
        ? table("report-coverage-table", [t("division"), t("level"), t("gridsCount"), t("uncovered"), t("covered"), t("overlap"), t("shareCovered")],
          d.gridCoverage.areas.map((a) => [a.name, label("divisionLevel", a.level), String(a.grids), String(a.uncovered), String(a.coveredOnce), String(a.coveredMore), pct(a.shareCovered)]))
        : h("p", { class: "muted" }, t("noGrids"))),
    section("report-alliances", t("reportAlliances"),
      ...(alliances.size ? [...alliances.values()].map((a) => h("div", { class: "report-alliance", "data-id": a.id },
        h("h3", {}, `${a.name}（${label("kind", a.kind)}${a.integration ? ` · ${label("integration", a.integration)}` : ""}）`),
        h("p", {}, a.members.map((m) => `${m.name}（${label("role", m.role)}）`).join("、")))) : [h("p", { class: "muted" }, t("noneFound"))])),
    section("report-unaffiliated", t("unaffiliated"),
      table("report-unaffiliated-table", [t("institution"), t("level"), t("division"), t("reason"), t("policy")],
        d.unaffiliated.map((u) => [u.institution.name, label("level", u.institution.level), u.institution.division?.name ?? "", label("reason", u.reason), u.policies.join("、")]))),
    section("report-findings", t("validatorFindings"),
      h("p", {}, t("counts", { e: count(findings, "error"), w: count(findings, "warning"), i: count(findings, "info") })),
      table("report-findings-table", [t("severity"), t("subject"), t("message"), t("clause"), t("policy")],
        findings.map((f) => [label("severity", f.severity), f.subjectName || f.subjectId, lang === "zh" ? f.messageZh : f.messageEn, f.source, f.policy ?? t("dataIntegrity")]),
        (i) => ({ "data-severity": findings[i].severity }))),
    section("report-kpis", t("reportKpis", { period: d.referralKpis.period }),
      table("report-kpis-table", [t("region"), t("metric"), t("value"), t("cap"), t("status"), t("clause")],
        d.referralKpis.regions.flatMap((r) => r.figures.map((f) => [r.regionName, f.metric, figure(f.value, f.unit), `${f.bound} ${figure(f.limit, f.unit)}`, f.status, f.source])))),
    section("report-sources", t("reportSources"),
      h("ul", { class: "links" },
        ...d.validation.policies.filter((p) => around.has(p.region)).map((p) => h("li", { "data-policy": p.policy }, `${p.policy} · ${p.regionName} · ${p.status === "in_force" ? t("inForce") : p.status}`)),
        ...d.validation.regionsWithoutPolicy.filter((r) => around.has(r.division)).map((r) => h("li", { class: "muted" }, t("regionCount", { name: r.name, n: r.institutions }) + ` · ${t("noPolicy")}`))),
      h("p", { class: "muted" }, t("reportFootnote", { n: subjects.size }))),
  );
  root.append(report);
  if (d.boundaries) drawMap(mapEl, d.boundaries, d.gridCoverage.grids);
  report.dataset.ready = "true";
}

function count(findings: Finding[], severity: string): number {
  return findings.filter((f) => f.severity === severity).length;
}

function figure(x: number | null, unit: string): string {
  if (x === null) return "—";
  return unit === "days" ? `${x.toFixed(1)} ${t("days")}` : pct(x);
}

/** 2026年12月2日 in Chinese, 2026-12-02 in English: the page's language, not the browser's. */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return lang === "zh" ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : `${m[1]}-${m[2]}-${m[3]}`;
}

function drawMap(el: HTMLElement, text: string, grids: { grid: { id: string; name: string }; status: string }[]): void {
  const geo = JSON.parse(text) as { features: { properties: Record<string, unknown> }[] };
  for (const f of geo.features) f.properties.name = String(f.properties.id ?? "");
  echarts.registerMap("report", geo as never);
  const byGrid = new Map(grids.map((g) => [g.grid.id, g]));
  const map = chart("report-map", el);
  map.setOption({
    animation: false,
    series: [{
      type: "map", map: "report", roam: false, select: { disabled: true },
      data: geo.features.map((f) => {
        const g = byGrid.get(String(f.properties.name));
        return { name: String(f.properties.name), label: g?.grid.name ?? "", itemStyle: { areaColor: g ? STATUS_COLOURS[g.status] : NO_GRID_COLOUR } };
      }),
      label: { show: true, formatter: (p: { data?: { label: string } }) => p.data?.label ?? "", fontSize: 11 },
      itemStyle: { borderColor: "#fff", borderWidth: 1 },
    }],
  });
  el.dataset.ready = "true";
}
