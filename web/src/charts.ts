// ECharts, only the parts the page uses (keeps the bundle small), on the canvas renderer.
import { GraphChart, MapChart, TreemapChart } from "echarts/charts";
import { GeoComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([TreemapChart, GraphChart, MapChart, TooltipComponent, LegendComponent, TitleComponent, GeoComponent, CanvasRenderer]);

export { echarts };

export const STATUS_COLOURS: Record<string, string> = {
  uncovered: "#d9534f",
  covered: "#3ba272",
  overlap: "#f0a030",
};
export const NO_GRID_COLOUR = "#c9d3de";

export const LEVEL_COLOURS: Record<string, string> = {
  TERTIARY: "#1f4e9a",
  SECONDARY: "#3a9ad9",
  PRIMARY: "#3ba272",
  UNRATED: "#9a9a9a",
};

const HOUSE = "path://M5,0 L10,5 L10,10 L0,10 L0,5 Z";
const HEXAGON = "path://M3,0 L7,0 L10,5 L7,10 L3,10 L0,5 Z";

/** One shape per group of institution types. */
export function typeSymbol(type: string): string {
  switch (type) {
    case "GENERAL":
    case "HOSPITAL":
    case "STAFF_HOSPITAL":
      return "circle";
    case "TCM":
      return "diamond";
    case "MATERNAL_CHILD":
      return "triangle";
    case "PSYCHIATRIC":
    case "INFECTIOUS":
    case "SPECIALTY":
    case "REHABILITATION":
    case "NURSING":
      return "pin";
    case "TOWNSHIP_CENTRE":
    case "CENTRAL_TOWNSHIP_CENTRE":
    case "COUNTY_SUBCENTRE":
      return "rect";
    case "COMMUNITY_CENTRE":
    case "COMMUNITY_STATION":
      return "roundRect";
    case "VILLAGE_CLINIC":
      return HOUSE;
    default:
      return HEXAGON;
  }
}

/** Type groups with their shape, for the legend under the graph. */
export const SHAPE_GROUPS: [string, string[]][] = [
  ["circle", ["GENERAL", "HOSPITAL", "STAFF_HOSPITAL"]],
  ["diamond", ["TCM"]],
  ["triangle", ["MATERNAL_CHILD"]],
  ["pin", ["PSYCHIATRIC", "INFECTIOUS", "SPECIALTY", "REHABILITATION", "NURSING"]],
  ["rect", ["TOWNSHIP_CENTRE", "CENTRAL_TOWNSHIP_CENTRE", "COUNTY_SUBCENTRE"]],
  ["roundRect", ["COMMUNITY_CENTRE", "COMMUNITY_STATION"]],
  [HOUSE, ["VILLAGE_CLINIC"]],
  [HEXAGON, ["INDEPENDENT_LAB", "INDEPENDENT_IMAGING", "INDEPENDENT_PATHOLOGY", "DIALYSIS_CENTRE"]],
];

// Charts by name, so the browser tests can read what was drawn (`getOption()`).
const registry: Record<string, echarts.ECharts> = {};
declare global {
  interface Window {
    alliancegraph: { chart(name: string): echarts.ECharts | undefined; charts(): string[] };
  }
}
window.alliancegraph = {
  chart: (name) => registry[name],
  charts: () => Object.keys(registry),
};

export function chart(name: string, el: HTMLElement): echarts.ECharts {
  registry[name]?.dispose();
  const instance = echarts.init(el, undefined, { renderer: "canvas" });
  registry[name] = instance;
  return instance;
}

export function disposeAll(): void {
  for (const [name, instance] of Object.entries(registry)) {
    instance.dispose();
    delete registry[name];
  }
}

addEventListener("resize", () => {
  for (const instance of Object.values(registry)) instance.resize();
});
