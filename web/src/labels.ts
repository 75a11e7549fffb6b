// Which node labels a graph can show without any two overlapping. ECharts draws a
// `layout: "none"` graph by fitting the nodes' bounding box into the series' box, aspect
// kept, so a node's place on screen is known before drawing; a label's box is estimated a
// little wider than drawn (a CJK character a full em, other characters 0.65 em). Labels are
// placed greedily, most important first; one that would touch a placed label stays hidden,
// and shows on hover (emphasis) or once the planner zooms in far enough.

export const LABEL_FONT = 11;
const LABEL_HEIGHT = LABEL_FONT + 5;
const GAP = 4;

/** The estimated width in pixels of a one-line label. */
export function labelWidth(text: string, fontSize = LABEL_FONT): number {
  let w = 0;
  for (const ch of text) w += /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/.test(ch) ? fontSize : fontSize * 0.65;
  return Math.ceil(w) + 6;
}

export interface Placed {
  id: string;
  x: number;
  y: number;
  /** The symbol's size in pixels; the label sits below it. */
  size: number;
  text: string;
  /** Lower is placed first. */
  rank: number;
}

/** The series box the graph options use, in pixels from the chart's edges. */
export const SERIES_BOX = { left: 40, right: 40, top: 56, bottom: 36 };

/** The scale ECharts applies to layout units (the bounding box fitted into the box). */
export function fitScale(items: Placed[], width: number, height: number): number {
  if (items.length < 2) return 1;
  const xs = items.map((i) => i.x);
  const ys = items.map((i) => i.y);
  const bw = Math.max(...xs) - Math.min(...xs) || 1;
  const bh = Math.max(...ys) - Math.min(...ys) || 1;
  const vw = Math.max(width - SERIES_BOX.left - SERIES_BOX.right, 1);
  const vh = Math.max(height - SERIES_BOX.top - SERIES_BOX.bottom, 1);
  // A line of nodes (no height) is fitted by its width alone, and the other way round.
  if (Math.max(...ys) === Math.min(...ys)) return vw / bw;
  if (Math.max(...xs) === Math.min(...xs)) return vh / bh;
  return Math.min(vw / bw, vh / bh);
}

/** Where the series is drawn: the nodes' bounding box at the fitted scale, centred in the
 * box, so ECharts scales both axes alike (a fixed box of another shape would stretch the
 * drawing, and then the estimates would be wrong). */
export function seriesBox(items: Placed[], width: number, height: number): Record<string, number> {
  const xs = items.map((i) => i.x);
  const ys = items.map((i) => i.y);
  const bw = Math.max(...xs) - Math.min(...xs);
  const bh = Math.max(...ys) - Math.min(...ys);
  if (!(bw > 0 && bh > 0)) return { ...SERIES_BOX };
  const s = fitScale(items, width, height);
  const vw = width - SERIES_BOX.left - SERIES_BOX.right;
  const vh = height - SERIES_BOX.top - SERIES_BOX.bottom;
  return { left: SERIES_BOX.left + (vw - bw * s) / 2, top: SERIES_BOX.top + (vh - bh * s) / 2, width: bw * s, height: bh * s };
}

/** The ids whose labels can show at this zoom without overlapping one another, nor
 * another node's symbol. */
export function visibleLabels(items: Placed[], width: number, height: number, zoom = 1): Set<string> {
  const s = fitScale(items, width, height) * zoom;
  type Box = [number, number, number, number];
  const boxes: Box[] = items.map((i) => {
    const r = i.size / 2;
    return [i.x * s - r, i.y * s - r, i.x * s + r, i.y * s + r];
  });
  const hits = (a: Box, b: Box) => a[0] < b[2] + GAP && b[0] < a[2] + GAP && a[1] < b[3] + GAP && b[1] < a[3] + GAP;
  const shown = new Set<string>();
  const placed: Box[] = [];
  for (const i of [...items].sort((a, b) => a.rank - b.rank || a.x - b.x)) {
    const w = labelWidth(i.text);
    const top = i.y * s + i.size / 2 + 2;
    const box: Box = [i.x * s - w / 2, top, i.x * s + w / 2, top + LABEL_HEIGHT];
    if (placed.some((p) => hits(p, box))) continue;
    if (boxes.some((b, k) => items[k].id !== i.id && hits(b, box))) continue;
    placed.push(box);
    shown.add(i.id);
  }
  return shown;
}
