// A date control in the page's language, whatever the browser's locale: 2026年12月2日 in
// Chinese, 2026-12-02 (ISO 8601) in English. Three native fields (a year, a month and a
// day list), each labelled, so it is usable by keyboard and screen reader without a widget
// library; the value is an ISO date or "" (none: the server's today).
import { h } from "./dom";
import { lang, t } from "./i18n";

export interface DateField {
  element: HTMLElement;
  value(): string;
  set(iso: string): void;
  onChange(listener: (iso: string) => void): void;
}

const pad = (n: number) => String(n).padStart(2, "0");

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year || 2000, month, 0)).getUTCDate();
}

export function dateField(id: string, caption: string): DateField {
  const zh = lang === "zh";
  const year = h("input", { id: `${id}-year`, type: "text", inputmode: "numeric", pattern: "[0-9]{4}", maxlength: 4, size: 4,
    "aria-label": t("year"), placeholder: zh ? "" : "YYYY", class: "date-year" });
  const month = h("select", { id: `${id}-month`, "aria-label": t("month"), class: "date-month" },
    h("option", { value: "" }, zh ? "—" : "MM"), ...Array.from({ length: 12 }, (_, i) => h("option", { value: pad(i + 1) }, zh ? String(i + 1) : pad(i + 1))));
  const day = h("select", { id: `${id}-day`, "aria-label": t("day"), class: "date-day" });
  const clearButton = h("button", { type: "button", class: "date-clear", id: `${id}-clear`, "aria-label": t("today") }, t("today"));
  const listeners: ((iso: string) => void)[] = [];
  let current = "";

  const fillDays = () => {
    const keep = day.value;
    const n = daysIn(Number(year.value), Number(month.value) || 1);
    day.replaceChildren(h("option", { value: "" }, zh ? "—" : "DD"),
      ...Array.from({ length: n }, (_, i) => h("option", { value: pad(i + 1) }, zh ? String(i + 1) : pad(i + 1))));
    day.value = Number(keep) <= n ? keep : "";
  };
  const read = (): string => {
    if (!/^\d{4}$/.test(year.value) || !month.value || !day.value) return "";
    return `${year.value}-${month.value}-${day.value}`;
  };
  const changed = () => {
    const next = read();
    const complete = next !== "";
    const empty = !year.value && !month.value && !day.value;
    group.dataset.value = next;
    group.setAttribute("aria-invalid", String(!complete && !empty));
    if ((complete || empty) && next !== current) {
      current = next;
      for (const l of listeners) l(current);
    }
  };
  year.addEventListener("change", () => {
    fillDays();
    changed();
  });
  month.addEventListener("change", () => {
    fillDays();
    changed();
  });
  day.addEventListener("change", changed);
  clearButton.addEventListener("click", () => {
    year.value = "";
    month.value = "";
    fillDays();
    changed();
  });
  const sep = (text: string) => h("span", { class: "date-sep", "aria-hidden": "true" }, text);
  const group = h("span", { class: "date-field", role: "group", id, "aria-labelledby": `${id}-caption`, "data-value": "", lang: zh ? "zh-CN" : "en" },
    h("span", { id: `${id}-caption`, class: "date-caption" }, caption), " ",
    year, sep(zh ? "年" : "-"), month, sep(zh ? "月" : "-"), day, zh ? sep("日") : null, " ", clearButton);
  fillDays();

  const set = (iso: string) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
    year.value = m ? m[1] : "";
    month.value = m ? m[2] : "";
    fillDays();
    day.value = m ? m[3] : "";
    current = read();
    group.dataset.value = current;
  };
  return { element: group, value: () => current, set, onChange: (l) => listeners.push(l) };
}
