/**
 * Charts without an extra package: `display.vegaLite(spec)` and `display.chart(data, ...)`.
 * JupyterLab and Notebook 7 render `application/vnd.vegalite.v5+json` themselves; every other
 * frontend (GitHub, nbviewer, a terminal client saving the notebook) gets an SVG that the kernel
 * renders with the vega packages, loaded on the first chart only.
 */
import { createRequire } from "node:module";
import { ReplabError } from "../errors.js";
import { frameTable } from "../hashing/frame.js";
import type { MimeBundle } from "../session/types.js";

/** The MIME type JupyterLab's built-in Vega-Lite renderer reads. */
export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";

/** A Vega-Lite specification, as JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/** What `display.chart` draws: which columns go on which axis, and how. */
export interface ChartOptions {
  /** Column on the x axis; the row number when left out. */
  x?: string;
  /** One column, or several drawn as series with a legend. */
  y: string | string[];
  mark?: "line" | "point" | "bar" | "area";
  title?: string;
  /** Rows drawn at most (a chart of a million points helps nobody and bloats the notebook). */
  maxRows?: number;
}

/** Turn a spec into the display bundle: the spec itself, an SVG rendering and a text line. */
export async function vegaLiteBundle(spec: VegaLiteSpec, baseDir: string): Promise<MimeBundle> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ReplabError("usage", "display.vegaLite(spec) needs a Vega-Lite spec object.");
  }
  const title = typeof spec["title"] === "string" ? `: ${spec["title"]}` : "";
  const bundle: MimeBundle = {
    [VEGALITE_MIME]: spec,
    "text/plain": `<Vega-Lite chart${title}>`,
  };
  const svg = await renderSvg(spec, baseDir);
  if (svg !== undefined) bundle["image/svg+xml"] = svg;
  return bundle;
}

/** The SVG of a spec, or undefined when the vega packages cannot be loaded. */
async function renderSvg(spec: VegaLiteSpec, baseDir: string): Promise<string | undefined> {
  let vega: typeof import("vega");
  let vegaLite: typeof import("vega-lite");
  try {
    // Both ship CommonJS builds: require() loads them in ~70 ms, where import() first runs
    // Node's CommonJS export lexer over every module they re-export (~130 ms in all).
    const load = createRequire(import.meta.url);
    vega = load("vega") as typeof import("vega");
    vegaLite = load("vega-lite") as typeof import("vega-lite");
  } catch {
    return undefined;
  }
  let compiled;
  try {
    // Vega parses and tags the rows it ingests in place; the spec the notebook stores must not change.
    compiled = vegaLite.compile(structuredClone(spec) as never).spec;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ReplabError("usage", `display.vegaLite: the spec is not valid Vega-Lite: ${why}`);
  }
  // Data URLs in a spec are files beside the notebook, never the network.
  const loader = vega.loader({ mode: "file", baseURL: `${baseDir}/` });
  const view = new vega.View(vega.parse(compiled), { renderer: "none", loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A Vega-Lite spec for columns of a danfo DataFrame or an array of plain objects. */
export function chartSpec(data: unknown, options: ChartOptions): VegaLiteSpec {
  const ys = typeof options.y === "string" ? [options.y] : options.y;
  if (!Array.isArray(ys) || ys.length === 0 || ys.some((y) => typeof y !== "string")) {
    throw new ReplabError(
      "usage",
      'display.chart(data, { y: "column" }) needs y: a column name or names.',
    );
  }
  const limit = options.maxRows ?? 5000;
  const records = toRecords(data).slice(0, limit);
  const columns = new Set(records.flatMap((r) => Object.keys(r)));
  const missing = [...ys, ...(options.x === undefined ? [] : [options.x])].filter(
    (c) => !columns.has(c),
  );
  if (records.length > 0 && missing.length > 0) {
    throw new ReplabError(
      "usage",
      `display.chart: no column ${missing.map((m) => `'${m}'`).join(", ")}; the data has ${[...columns].join(", ")}.`,
    );
  }
  const x = options.x ?? "row";
  // Only the columns drawn go into the spec: it is stored in the notebook with the output.
  const pick = (r: Record<string, unknown>, i: number): Record<string, unknown> => {
    const out: Record<string, unknown> = { [x]: options.x === undefined ? i : r[x] };
    for (const y of ys) out[y] = r[y];
    return out;
  };
  const values = records.map(pick);
  const xs = values.map((v) => v[x]);
  const xType = axisType(xs);
  const mark = options.mark ?? (xType === "nominal" ? "bar" : "line");
  const xEncoding = { field: x, type: xType, ...integerAxis(xs) };
  const spec: VegaLiteSpec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    ...(options.title === undefined ? {} : { title: options.title }),
    width: 400,
    height: 240,
    data: { values },
    mark: { type: mark, tooltip: true },
  };
  if (ys.length === 1) {
    spec["encoding"] = {
      x: xEncoding,
      y: { field: ys[0], type: "quantitative" },
    };
  } else {
    spec["transform"] = [{ fold: ys, as: ["series", "value"] }];
    spec["encoding"] = {
      x: xEncoding,
      y: { field: "value", type: "quantitative" },
      color: { field: "series", type: "nominal" },
    };
  }
  return spec;
}

/**
 * Whole-number x values (epochs, steps, the row number) get whole-number ticks: vega's default
 * for 0..3 is 0.0, 0.2, ... 3.0, which reads as if there were an epoch 0.2.
 */
function integerAxis(xs: unknown[]): { axis?: { tickMinStep: number; format: string } } {
  const whole = xs.length > 0 && xs.every((v) => typeof v === "number" && Number.isInteger(v));
  return whole ? { axis: { tickMinStep: 1, format: "d" } } : {};
}

/** Dates (ISO strings or Date objects) are a time axis, other strings categories, numbers a scale. */
function axisType(xs: unknown[]): "temporal" | "nominal" | "quantitative" {
  const isDate = (v: unknown): boolean =>
    v instanceof Date || (typeof v === "string" && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(v));
  if (xs.length > 0 && xs.every(isDate)) return "temporal";
  return xs.some((v) => typeof v === "string") ? "nominal" : "quantitative";
}

/** Rows as plain objects, from a frame (columns + values) or an array of objects. */
function toRecords(data: unknown): Record<string, unknown>[] {
  const table = frameTable(data);
  if (table !== undefined) {
    return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i]])));
  }
  if (Array.isArray(data) && data.every((r) => typeof r === "object" && r !== null)) {
    return data as Record<string, unknown>[];
  }
  throw new ReplabError(
    "usage",
    "display.chart(data, ...) draws a danfo DataFrame or an array of objects; got " +
      (Array.isArray(data) ? "an array of non-objects" : typeof data) +
      ".",
  );
}
