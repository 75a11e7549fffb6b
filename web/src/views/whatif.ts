// "What if…?" beside the alliance graph, and the fragility overlay on it (issue 14).
//
// The panel collects changes picked from the graph: a click on an institution ends its
// membership of the alliance shown, a click on a pairing ends that pairing. "Run" asks
// whatIf for the difference (computed on a copy on the server; nothing is written) and
// lists the new and resolved findings, coverage changes and changed routes. The overlay
// asks networkAnalysis for the alliance's single points of failure and rings them in red,
// labelled with how many institutions depend on each. graph.ts calls `attachWhatIf` once
// the alliance is drawn; everything else lives here.
import type * as echarts from "echarts";
import { clear, h } from "../dom";
import { gql } from "../gql";
import { label, lang, t } from "../i18n";
import { showError, type ViewContext } from "../ui";

const WHAT_IF = `query WhatIf($scenario: ScenarioInput!) {
  whatIf(scenario: $scenario) {
    scenario on origins
    newFindings { ruleId severity subjectId subjectName messageZh messageEn source }
    resolvedFindings { ruleId severity subjectId subjectName messageZh messageEn source }
    coverage { grid { id name } before after }
    unaffiliated { institution { id name } becomes reason }
    routes {
      origin { id name } condition
      before { verdict hops { to via rule source } }
      after { verdict hops { to via rule source } }
    }
  }
}`;
const FRAGILITY = `query Fragility($division: String, $on: Date) {
  networkAnalysis(division: $division, on: $on) {
    singlePoints { institution { id name } alliance { id } dependents dependentCount articulation }
  }
}`;

interface ChangeRow {
  op: "END";
  target: "MEMBERSHIP" | "PAIRING";
  institution?: string;
  alliance: string;
  upper?: string;
  lower?: string;
  text: string;
}
interface FindingRow { ruleId: string; severity: string; subjectId: string; subjectName: string; messageZh: string; messageEn: string; source: string }
interface Step { to: string; via: string; rule: string; source: string }
interface WhatIfData {
  scenario: string;
  on: string;
  origins: number;
  newFindings: FindingRow[];
  resolvedFindings: FindingRow[];
  coverage: { grid: { id: string; name: string }; before: string; after: string }[];
  unaffiliated: { institution: { id: string; name: string }; becomes: boolean; reason: string }[];
  routes: { origin: { id: string; name: string }; condition: string; before: { verdict: string; hops: Step[] }; after: { verdict: string; hops: Step[] } }[];
}
interface SinglePoint { institution: { id: string; name: string }; alliance: { id: string }; dependents: string[]; dependentCount: number; articulation: boolean }

export interface Drawn {
  allianceId: string;
  divisionCode: string | null;
  names: Map<string, string>;
}

/** The what-if panel and the fragility toggle under the alliance graph `instance`. */
export function attachWhatIf(host: HTMLElement, instance: echarts.ECharts, chartEl: HTMLElement, drawn: Drawn, ctx: ViewContext): void {
  const changes: ChangeRow[] = [];
  const list = h("ol", { id: "whatif-changes", class: "links" });
  const result = h("div", { id: "whatif-result" });
  const picking = h("input", { type: "checkbox", id: "whatif-pick" }) as HTMLInputElement;
  const name = (id: string) => drawn.names.get(id) ?? id;
  const refresh = () => {
    clear(list);
    list.append(...changes.map((c, n) =>
      h("li", {}, c.text, " ", h("button", { type: "button", class: "link", "aria-label": t("whatIfRemove"), onclick: () => { changes.splice(n, 1); refresh(); } }, "×"))));
    run.disabled = changes.length === 0;
    list.dataset.count = String(changes.length);
  };
  const add = (c: ChangeRow) => {
    if (!changes.some((x) => x.text === c.text)) changes.push(c);
    refresh();
  };
  instance.on("click", (p) => {
    if (!picking.checked) return;
    const d = p.data as { id?: string; source?: string; target?: string; kind?: string } | undefined;
    if (p.dataType === "node" && d?.id) {
      add({ op: "END", target: "MEMBERSHIP", institution: d.id, alliance: drawn.allianceId, text: t("whatIfLeaves", { name: name(d.id) }) });
    } else if (p.dataType === "edge" && d?.kind === "pairing" && d.source && d.target) {
      add({ op: "END", target: "PAIRING", alliance: drawn.allianceId, upper: d.source, lower: d.target,
        text: t("whatIfUnpair", { upper: name(d.source), lower: name(d.target) }) });
    }
  });
  const run = h("button", { type: "button", id: "whatif-run", disabled: true, onclick: () => void ask() }, t("whatIfRun")) as HTMLButtonElement;
  const ask = async () => {
    clear(result);
    result.dataset.state = "loading";
    const scenario = {
      name: changes.map((c) => c.text).join("；"),
      on: ctx.on,
      changes: changes.map(({ text: _text, ...c }) => c),
    };
    try {
      const { whatIf } = await gql<{ whatIf: WhatIfData }>(WHAT_IF, { scenario });
      if (!ctx.current()) return;
      showDiff(result, whatIf, name);
      result.dataset.state = "ready";
    } catch (err) {
      showError(result, err, ctx);
      result.dataset.state = "error";
    }
  };
  const fragile = h("input", { type: "checkbox", id: "fragility-toggle", onchange: () => void overlay() }) as HTMLInputElement;
  const fragileNote = h("p", { class: "note", id: "fragility-note" });
  const overlay = async () => {
    if (!fragile.checked) {
      paint(instance, new Map());
      chartEl.dataset.fragile = "";
      fragileNote.textContent = "";
      return;
    }
    const { networkAnalysis } = await gql<{ networkAnalysis: { singlePoints: SinglePoint[] } }>(FRAGILITY, { division: drawn.divisionCode, on: ctx.on });
    const mine = networkAnalysis.singlePoints.filter((p) => p.alliance.id === drawn.allianceId);
    paint(instance, new Map(mine.map((p) => [p.institution.id, p.dependentCount])));
    chartEl.dataset.fragile = mine.map((p) => `${p.institution.id}:${p.dependentCount}`).join(" ");
    fragileNote.textContent = mine.length
      ? t("fragileSome", { list: mine.map((p) => t("fragileOne", { name: p.institution.name, n: p.dependentCount })).join("；") })
      : t("fragileNone");
  };
  host.append(
    h("section", { class: "panel", id: "fragility" },
      h("label", {}, fragile, " ", t("fragileShow")), fragileNote),
    h("section", { class: "panel", id: "whatif" },
      h("h3", {}, t("whatIf")),
      h("p", { class: "muted" }, t("whatIfHelp")),
      h("label", {}, picking, " ", t("whatIfPick")),
      list,
      h("p", {}, run),
      result),
  );
  refresh();
}

/** Red rings, and the dependants' count as a label, on the single points of failure. */
function paint(instance: echarts.ECharts, points: Map<string, number>): void {
  const option = instance.getOption() as { series: { data: Record<string, unknown>[] }[] };
  const data = option.series[0].data.map((d) => {
    const n = points.get(String(d.id));
    const style = { ...(d.itemStyle as Record<string, unknown>) };
    delete style.borderColor;
    delete style.borderWidth;
    const base = { ...d, itemStyle: style, label: undefined, fragile: n ?? 0 };
    if (n === undefined) return base;
    return { ...base, itemStyle: { ...style, borderColor: "#d62728", borderWidth: 4 },
      label: { show: true, formatter: `{b}\n${t("fragileDependents", { n })}`, color: "#d62728", fontWeight: "bold" } };
  });
  instance.setOption({ series: [{ data }] });
}

function hops(steps: Step[], verdict: string, name: (id: string) => string): string {
  const to = (s: Step) => (s.via === "level" ? t("anyAt", { level: label("level", s.to.toUpperCase()) }) : name(s.to));
  const path = steps.map((s) => `${to(s)}（${s.via}${s.source ? ` · ${s.source}` : ""}）`).join(" → ");
  const word = verdict === "closed" ? t("whatIfClosed") : label("verdict", verdict.toUpperCase());
  return `${word}${path ? `：${path}` : ""}`;
}

function showDiff(root: HTMLElement, d: WhatIfData, name: (id: string) => string): void {
  const findings = (rows: FindingRow[], id: string) =>
    h("ul", { id, class: "links" }, ...rows.map((f) =>
      h("li", { "data-rule": f.ruleId }, h("strong", {}, label("severity", f.severity.toUpperCase())), ` ${f.ruleId} · ${f.subjectName} · `,
        lang === "en" ? f.messageEn : f.messageZh, h("span", { class: "muted" }, ` [${f.source}]`))));
  root.append(
    h("h4", {}, t("whatIfNew", { n: d.newFindings.length })), findings(d.newFindings, "whatif-new"),
    h("h4", {}, t("whatIfResolved", { n: d.resolvedFindings.length })), findings(d.resolvedFindings, "whatif-resolved"),
    h("h4", {}, t("whatIfCoverage", { n: d.coverage.length })),
    h("ul", { id: "whatif-coverage" }, ...d.coverage.map((c) => h("li", {}, `${c.grid.name}：${t(c.before)} → ${t(c.after)}`))),
    h("h4", {}, t("whatIfUnaffiliated", { n: d.unaffiliated.length })),
    h("ul", { id: "whatif-unaffiliated" }, ...d.unaffiliated.map((u) => h("li", {}, `${u.institution.name}：${t(u.becomes ? "whatIfBecomes" : "whatIfNoLonger")}`))),
    h("h4", {}, t("whatIfRoutes", { n: d.routes.length, origins: d.origins })),
    h("table", { id: "whatif-routes", class: "grid" },
      h("thead", {}, h("tr", {}, h("th", {}, t("origin")), h("th", {}, t("condition")), h("th", {}, t("whatIfBefore")), h("th", {}, t("whatIfAfter")))),
      h("tbody", {}, ...d.routes.map((r) => h("tr", { "data-origin": r.origin.id },
        h("td", {}, r.origin.name), h("td", {}, r.condition),
        h("td", {}, hops(r.before.hops, r.before.verdict, name)), h("td", {}, hops(r.after.hops, r.after.verdict, name)))))),
  );
}
