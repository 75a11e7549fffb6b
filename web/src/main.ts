// The planner's page: four views over the GraphQL API, chosen by the URL's hash
// (#/coverage, #/graph?alliance=…, #/findings, #/route?origin=…, #/report?division=…),
// Chinese by default.
import "./style.css";
import { disposeAll } from "./charts";
import { dateField } from "./datefield";
import { clear, h } from "./dom";
import { lang, setLang, t } from "./i18n";
import { renderCoverage } from "./views/coverage";
import { renderFindings } from "./views/findings";
import { renderGraph } from "./views/graph";
import { renderReport } from "./views/report";
import { renderRoute } from "./views/route";
import { showError, type ViewContext } from "./ui";

type View = (root: HTMLElement, ctx: ViewContext) => Promise<void>;

const VIEWS: Record<string, View> = {
  coverage: renderCoverage,
  graph: renderGraph,
  findings: renderFindings,
  route: renderRoute,
  report: renderReport,
};

const viewEl = document.getElementById("view") as HTMLElement;
const onSlot = document.getElementById("on-slot") as HTMLElement;
// The "as of" date, kept across the date control's rebuild in the other language.
let asOf = "";
const langEl = document.getElementById("lang") as HTMLButtonElement;
let generation = 0;

function parseHash(): { view: string; params: URLSearchParams } {
  const raw = location.hash.replace(/^#\/?/, "");
  const [name, query = ""] = raw.split("?");
  return { view: name in VIEWS ? name : "coverage", params: new URLSearchParams(query) };
}

function go(view: string, params: Record<string, string> = {}): void {
  const query = new URLSearchParams(params).toString();
  location.hash = `#/${view}${query ? `?${query}` : ""}`;
}

function shell(): void {
  setLang(lang);
  document.title = `${t("title")} · alliancegraph`;
  (document.getElementById("title") as HTMLElement).textContent = t("title");
  for (const el of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n ?? "");
  }
  langEl.textContent = t("switchLang");
  if (onSlot.dataset.lang !== lang) {
    // Rebuilt only when the language changes, so the focus stays where a keyboard put it.
    const on = dateField("on", t("asOf"));
    on.set(asOf);
    on.onChange((iso) => {
      asOf = iso;
      render();
    });
    onSlot.replaceChildren(on.element);
    onSlot.dataset.lang = lang;
  }
  const tabs = document.getElementById("tabs") as HTMLElement;
  clear(tabs);
  const { view } = parseHash();
  for (const name of Object.keys(VIEWS)) {
    tabs.append(h("a", { href: `#/${name}`, class: name === view ? "active" : "", "data-tab": name }, t(name)));
  }
}

async function render(): Promise<void> {
  const mine = ++generation;
  shell();
  disposeAll();
  clear(viewEl);
  const { view, params } = parseHash();
  viewEl.dataset.view = view;
  viewEl.dataset.state = "loading";
  const ctx: ViewContext = {
    on: asOf || null,
    params,
    go,
    current: () => mine === generation,
    rerender: () => void render(),
  };
  try {
    await VIEWS[view](viewEl, ctx);
    if (ctx.current()) viewEl.dataset.state = "ready";
  } catch (err) {
    if (!ctx.current()) return;
    console.error(err);
    showError(viewEl, err, ctx);
    viewEl.dataset.state = "error";
  }
}

langEl.addEventListener("click", () => {
  setLang(lang === "zh" ? "en" : "zh");
  render();
});
addEventListener("hashchange", () => render());
render();
