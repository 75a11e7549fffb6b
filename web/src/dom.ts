// A few DOM helpers: build elements without innerHTML, escape what goes into tooltips.

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | ((e: Event) => void) | undefined> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (key === "class") el.className = String(value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return el;
}

export function esc(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

// A text cell that a spreadsheet would run as a formula (CSV injection): = + - @, their
// full-width forms, or a leading tab or carriage return.
const FORMULA_LEAD = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/** A text cell as exported: one that could run as a formula gets a leading `'`, which
 * spreadsheets show as text. Numbers stay numbers (a negative count is not a formula). */
export function safeCell(v: string | number): string {
  const s = String(v);
  return typeof v === "string" && FORMULA_LEAD.test(s) ? `'${s}` : s;
}

/** CSV per RFC 4180, with a byte-order mark so that Excel opens the Chinese correctly, and
 * every formula-leading text cell escaped (`safeCell`). */
export function csv(rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    const s = safeCell(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return "\ufeff" + rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function download(name: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
