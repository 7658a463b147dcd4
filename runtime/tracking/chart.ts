/**
 * A line chart of one metric over steps, one line per run, as standalone SVG that replab
 * draws itself (no script, no network), so `runs compare --format html` shows curves offline.
 * The same input gives the same bytes.
 */
import { escapeXml } from "../lineage/render/svg.js";
import { num } from "./compare.js";

/** One run's points. */
export interface Series {
  label: string;
  points: { step: number; value: number | null }[];
}

const WIDTH = 560;
const HEIGHT = 260;
const PAD = { left: 56, right: 16, top: 28, bottom: 48 };
/** Colour-blind-safe (Okabe-Ito), in run order. */
const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];

/** An SVG line chart of `series` titled `title`; points with a null value break the line. */
export function metricChart(title: string, series: readonly Series[]): string {
  const points = series.flatMap((s) => s.points.filter((p) => p.value !== null));
  const steps = points.map((p) => p.step);
  const values = points.map((p) => p.value as number);
  const x = scale(Math.min(...steps, 0), Math.max(...steps, 1), PAD.left, WIDTH - PAD.right);
  const y = scale(Math.min(...values, 0), Math.max(...values, 1e-12), HEIGHT - PAD.bottom, PAD.top);
  const lines = series.map((s, i) => line(s, COLOURS[i % COLOURS.length] as string, x, y));
  const legend = series.map((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const ly = HEIGHT - 14;
    const lx = PAD.left + i * 170;
    return `<rect x="${lx}" y="${ly - 8}" width="10" height="10" fill="${colour}"/><text x="${lx + 14}" y="${ly}" font-size="11">${escapeXml(s.label)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" role="img" aria-label="${escapeXml(title)} over steps">`,
    `<text x="${PAD.left}" y="16" font-size="13" font-weight="bold">${escapeXml(title)}</text>`,
    axes(x, y),
    ...lines,
    ...legend,
    "</svg>",
  ].join("\n");
}

interface Scale {
  (v: number): number;
  lo: number;
  hi: number;
}

function scale(lo: number, hi: number, from: number, to: number): Scale {
  const span = hi - lo === 0 ? 1 : hi - lo;
  const f = ((v: number) => round(from + ((v - lo) / span) * (to - from))) as Scale;
  f.lo = lo;
  f.hi = hi;
  return f;
}

const round = (v: number): number => Math.round(v * 10) / 10;

function axes(x: Scale, y: Scale): string {
  const left = PAD.left;
  const bottom = HEIGHT - PAD.bottom;
  const parts = [
    `<path d="M${left} ${PAD.top}V${bottom}H${WIDTH - PAD.right}" fill="none" stroke="#444"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = y.lo + ((y.hi - y.lo) * i) / 4;
    const py = y(v);
    parts.push(
      `<path d="M${left - 4} ${py}H${WIDTH - PAD.right}" stroke="#ddd"/><text x="${left - 6}" y="${py + 4}" font-size="10" text-anchor="end">${escapeXml(num(v))}</text>`,
    );
    const s = x.lo + ((x.hi - x.lo) * i) / 4;
    parts.push(
      `<text x="${x(s)}" y="${bottom + 14}" font-size="10" text-anchor="middle">${escapeXml(num(s))}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + WIDTH - PAD.right) / 2}" y="${bottom + 28}" font-size="11" text-anchor="middle">step</text>`,
  );
  return parts.join("\n");
}

function line(series: Series, colour: string, x: Scale, y: Scale): string {
  const sorted = [...series.points].sort((a, b) => a.step - b.step);
  let d = "";
  let pen = "M";
  for (const p of sorted) {
    if (p.value === null) {
      pen = "M";
      continue;
    }
    d += `${pen}${x(p.step)} ${y(p.value)}`;
    pen = "L";
  }
  const dots = sorted
    .filter((p) => p.value !== null)
    .map(
      (p) => `<circle cx="${x(p.step)}" cy="${y(p.value as number)}" r="2.5" fill="${colour}"/>`,
    );
  return `<g class="series" data-run="${escapeXml(series.label)}"><path d="${d}" fill="none" stroke="${colour}" stroke-width="2"/>${dots.join("")}</g>`;
}
