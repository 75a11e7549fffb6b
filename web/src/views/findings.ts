// Findings: the validator's findings and the unaffiliated institutions, each a filterable
// table with the source clause and policy of its rule, exportable to CSV; and the regions no
// policy covers, so that an empty table there is not read as compliance.
import { clear, csv, download, h } from "../dom";
import { gql } from "../gql";
import { label, lang, t } from "../i18n";
import type { ViewContext } from "../ui";

interface Finding {
  ruleId: string;
  severity: string;
  source: string;
  subjectKind: string;
  subjectId: string;
  subjectName: string;
  messageZh: string;
  messageEn: string;
  policy: string | null;
}
interface Unaffiliated {
  reason: string;
  policies: string[];
  institution: { id: string; name: string; level: string; type: string; ownership: string; division: { name: string } | null };
}

const QUERY = `query Findings($on: Date) {
  validation(on: $on) {
    on errors warnings infos
    findings { ruleId severity source subjectKind subjectId subjectName messageZh messageEn policy }
    regionsWithoutPolicy { division name institutions }
  }
  unaffiliated(on: $on, includeUnknown: true) {
    reason policies
    institution { id name level type ownership division { name } }
  }
}`;

// The check behind each reason; its clause is the validator's own finding for the
// institution (none where no policy's membership rule applies: reason no_obligation).
const REASON_RULE: Record<string, string> = {
  public_hospital: "membership.required",
  public_primary: "membership.required",
  ownership_unknown: "membership.ownership_unknown",
};

interface Column<R> {
  key: string;
  head: string;
  value: (r: R) => string;
}

/** A table with a text filter and select filters, and a CSV export of the rows shown. */
function filterable<R>(opts: {
  id: string;
  title: string;
  rows: R[];
  columns: Column<R>[];
  selects: { key: string; head: string }[];
  file: string;
  rowAttrs?: (r: R) => Record<string, string>;
}): HTMLElement {
  const { rows, columns } = opts;
  const tbody = h("tbody");
  const count = h("span", { class: "muted", "data-testid": `${opts.id}-count` });
  const search = h("input", { type: "search", placeholder: t("search"), "aria-label": t("search"), "data-filter": "text" });
  const selects = opts.selects.map(({ key, head }) => {
    const col = columns.find((c) => c.key === key) as Column<R>;
    const values = [...new Set(rows.map(col.value))].sort();
    return {
      col,
      el: h("select", { "aria-label": head, "data-filter": key, id: `${opts.id}-${key}` },
        h("option", { value: "" }, `${head}: ${t("all")}`),
        ...values.map((v) => h("option", { value: v }, v))),
    };
  });
  let shown: R[] = rows;
  const apply = () => {
    const q = search.value.trim().toLowerCase();
    shown = rows.filter((r) =>
      selects.every(({ col, el }) => !el.value || col.value(r) === el.value) &&
      (!q || columns.some((c) => c.value(r).toLowerCase().includes(q))));
    clear(tbody);
    for (const r of shown) tbody.append(h("tr", opts.rowAttrs?.(r) ?? {}, ...columns.map((c) => h("td", { "data-col": c.key }, c.value(r)))));
    if (!shown.length) tbody.append(h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, t("noData"))));
    count.textContent = t("rows", { n: shown.length });
    table.dataset.rows = String(shown.length);
  };
  search.addEventListener("input", apply);
  for (const s of selects) s.el.addEventListener("change", apply);
  const exportCsv = () => download(opts.file, csv([columns.map((c) => c.head), ...shown.map((r) => columns.map((c) => c.value(r)))]));
  const table = h("table", { class: "data", id: opts.id },
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", {}, c.head)))), tbody);
  apply();
  return h("section", { class: "panel" },
    h("h2", {}, opts.title, " ", count),
    h("div", { class: "filters" }, search, ...selects.map((s) => s.el),
      h("button", { type: "button", onclick: exportCsv, "data-export": opts.id }, t("exportCsv"))),
    // Focusable, so a keyboard can scroll a long table too.
    h("div", { class: "scroll", tabindex: 0, role: "region", "aria-label": opts.title }, table));
}

export async function renderFindings(root: HTMLElement, ctx: ViewContext): Promise<void> {
  const data = await gql<{ validation: { on: string; errors: number; warnings: number; infos: number; findings: Finding[]; regionsWithoutPolicy: { division: string; name: string; institutions: number }[] }; unaffiliated: Unaffiliated[] }>(QUERY, { on: ctx.on });
  if (!ctx.current()) return;
  const { validation, unaffiliated } = data;
  const clauseOf = new Map(validation.findings.map((f) => [`${f.ruleId} ${f.subjectId}`, f.source]));
  const day = validation.on;
  root.append(h("p", { class: "summary", "data-testid": "finding-counts" },
    `${t("asOf")} ${day} · `, t("counts", { e: validation.errors, w: validation.warnings, i: validation.infos })));
  if (validation.regionsWithoutPolicy.length) {
    root.append(h("p", { class: "summary", "data-testid": "regions-without-policy" },
      t("regionsWithoutPolicy", {
        list: validation.regionsWithoutPolicy.map((r) => t("regionCount", { name: r.name, n: r.institutions })).join(lang === "zh" ? "、" : ", "),
      })));
  }
  root.append(filterable<Finding>({
    id: "findings-table",
    title: t("validatorFindings"),
    rows: validation.findings,
    file: `findings-${day}.csv`,
    selects: [{ key: "severity", head: t("severity") }, { key: "rule", head: t("rule") }, { key: "kind", head: t("subjectKind") }],
    rowAttrs: (f) => ({ "data-rule": f.ruleId, "data-severity": f.severity.toLowerCase() }),
    columns: [
      { key: "severity", head: t("severity"), value: (f) => label("severity", f.severity) },
      { key: "rule", head: t("rule"), value: (f) => f.ruleId },
      { key: "clause", head: t("clause"), value: (f) => f.source },
      { key: "policy", head: t("policy"), value: (f) => f.policy ?? t("dataIntegrity") },
      { key: "kind", head: t("subjectKind"), value: (f) => label("subjectKind", f.subjectKind) },
      { key: "name", head: t("subject"), value: (f) => f.subjectName },
      { key: "id", head: "id", value: (f) => f.subjectId },
      { key: "message", head: t("message"), value: (f) => (lang === "zh" ? f.messageZh : f.messageEn) },
    ],
  }));
  const ruleOf = (u: Unaffiliated) => REASON_RULE[u.reason.toLowerCase()] ?? "";
  root.append(filterable<Unaffiliated>({
    id: "unaffiliated-table",
    title: t("unaffiliated"),
    rows: unaffiliated,
    file: `unaffiliated-${day}.csv`,
    selects: [{ key: "reason", head: t("reason") }, { key: "level", head: t("level") }, { key: "type", head: t("type") }],
    rowAttrs: (u) => ({ "data-institution": u.institution.id, "data-reason": u.reason.toLowerCase() }),
    columns: [
      { key: "name", head: t("institution"), value: (u) => u.institution.name },
      { key: "id", head: "id", value: (u) => u.institution.id },
      { key: "level", head: t("level"), value: (u) => label("level", u.institution.level) },
      { key: "type", head: t("type"), value: (u) => label("type", u.institution.type) },
      { key: "ownership", head: t("ownership"), value: (u) => label("ownership", u.institution.ownership) },
      { key: "division", head: t("division"), value: (u) => u.institution.division?.name ?? "" },
      { key: "reason", head: t("reason"), value: (u) => label("reason", u.reason) },
      { key: "rule", head: t("rule"), value: (u) => ruleOf(u) },
      { key: "clause", head: t("clause"), value: (u) => clauseOf.get(`${ruleOf(u)} ${u.institution.id}`) ?? "" },
      { key: "policy", head: t("policy"), value: (u) => u.policies.join(", ") || t("noPolicyRule") },
    ],
  }));
}
