// An institution picker: a combobox (WAI-ARIA 1.2 pattern) over the server's type-ahead,
// `institutionSuggestions`, which matches any name, own or alternative, in either script.
// Each option shows level and division, to tell equal names apart. What is chosen is the
// institution's id (a hidden field of the form); a text that matches nothing lists the
// closest names in place instead of failing.
import { clear, h } from "./dom";
import { gql } from "./gql";
import { label, t } from "./i18n";

interface Suggestion {
  id: string;
  name: string;
  namesAlt: string[];
  level: string;
  division: { name: string } | null;
}

const SUGGEST = `query Suggest($text: String!) {
  institutionSuggestions(text: $text, first: 12) {
    matches { id name namesAlt level division { name } }
    closest { id name namesAlt level division { name } }
  }
}`;
const NAMED = `query Named($id: ID!) { institution(id: $id) { id name namesAlt level division { name } } }`;

export interface Picker {
  /** The label, the combobox and its list; put it in a form. */
  element: HTMLElement;
  /** The chosen id; "" when nothing is chosen. */
  value(): string;
  /** Choose what was typed when it names one institution; otherwise show the candidates
   * and say so. True when an institution is chosen (or nothing was typed). */
  settle(): Promise<boolean>;
  onChange(listener: (id: string) => void): void;
}

let serial = 0;

export function institutionPicker(name: string, text: string, initial: string | null, required = false): Picker {
  const n = ++serial;
  const listId = `${name}-options-${n}`;
  const hidden = h("input", { type: "hidden", name, value: initial ?? "" });
  const input = h("input", {
    id: `route-${name}`, type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": listId, placeholder: t("pickInstitution"), "data-picker": name,
    required,
  });
  const list = h("ul", { id: listId, role: "listbox", class: "picker-list", "aria-label": text, hidden: true });
  const status = h("div", { class: "picker-status", role: "status", "aria-live": "polite", id: `${name}-status-${n}` });
  input.setAttribute("aria-describedby", status.id);
  const listeners: ((id: string) => void)[] = [];
  let options: Suggestion[] = [];
  let active = -1;
  let timer = 0;
  let asked = 0;

  const choose = (s: Suggestion | null) => {
    hidden.value = s?.id ?? "";
    input.value = s ? s.name : input.value;
    input.dataset.chosen = s?.id ?? "";
    status.textContent = s ? describe(s) : "";
    close();
    for (const l of listeners) l(hidden.value);
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (i: number) => {
    active = i;
    for (const [k, li] of [...list.children].entries()) li.setAttribute("aria-selected", String(k === i));
    const el = list.children[i] as HTMLElement | undefined;
    if (el) {
      input.setAttribute("aria-activedescendant", el.id);
      el.scrollIntoView({ block: "nearest" });
    }
  };
  const show = (found: Suggestion[], closest: boolean) => {
    options = found;
    clear(list);
    found.forEach((s, i) => {
      const li = h("li", { id: `${listId}-${i}`, role: "option", "aria-selected": "false", "data-id": s.id },
        h("span", { class: "picker-name" }, s.name),
        h("span", { class: "muted" }, ` · ${describe(s)}`));
      li.addEventListener("mousedown", (e) => {
        e.preventDefault(); // keep the focus in the input
        choose(s);
      });
      list.append(li);
    });
    list.hidden = !found.length;
    input.setAttribute("aria-expanded", String(!list.hidden));
    input.dataset.closest = String(closest);
    status.textContent = !found.length ? t("noMatch", { text: input.value.trim() })
      : closest ? t("closestNames", { text: input.value.trim() }) : t("matchCount", { n: found.length });
  };
  const lookup = async (): Promise<{ found: Suggestion[]; closest: boolean }> => {
    const q = input.value.trim();
    const mine = ++asked;
    const d = await gql<{ institutionSuggestions: { matches: Suggestion[]; closest: Suggestion[] } }>(SUGGEST, { text: q });
    const { matches, closest } = d.institutionSuggestions;
    const answer = { found: matches.length ? matches : closest, closest: !matches.length };
    if (mine === asked) show(answer.found, answer.closest);
    return answer;
  };

  input.addEventListener("input", () => {
    hidden.value = "";
    input.dataset.chosen = "";
    clearTimeout(timer);
    if (!input.value.trim()) {
      close();
      status.textContent = "";
      return;
    }
    timer = window.setTimeout(() => void lookup(), 200);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (list.hidden && options.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
      const step = e.key === "ArrowDown" ? 1 : -1;
      if (options.length) highlight((active + step + options.length) % options.length);
    } else if (e.key === "Enter" && !list.hidden && active >= 0) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));

  if (initial) {
    input.value = initial;
    void gql<{ institution: Suggestion | null }>(NAMED, { id: initial })
      .then((d) => {
        if (d.institution && hidden.value === initial) {
          input.value = d.institution.name;
          hidden.value = d.institution.id;
          input.dataset.chosen = d.institution.id;
          status.textContent = describe(d.institution);
        }
      })
      .catch(() => void lookup()); // not one institution: show the closest in place
  }

  return {
    element: h("div", { class: "picker" }, h("label", { for: input.id }, text), " ",
      h("span", { class: "picker-box" }, input, list), hidden, status),
    value: () => hidden.value,
    async settle() {
      if (hidden.value || !input.value.trim()) return true;
      const { found, closest } = await lookup();
      const typed = input.value.trim();
      const exact = found.filter((s) => !closest && (s.name === typed || s.namesAlt.includes(typed)));
      if (found.length === 1 && !closest) choose(found[0]);
      else if (exact.length === 1) choose(exact[0]);
      else {
        input.focus();
        return false;
      }
      return true;
    },
    onChange: (l) => listeners.push(l),
  };
}

function describe(s: Suggestion): string {
  const alt = s.namesAlt.length ? `（${s.namesAlt.join("、")}）` : "";
  return [label("level", s.level), s.division?.name].filter(Boolean).join(" · ") + alt;
}
