/**
 * Text, Markdown and HTML for `replab runs` and `%repro runs`: the list of runs and the
 * comparison, with a chart of every metric over steps in HTML.
 */
import { shortHash } from "../lineage/render/labels.js";
import { escapeXml } from "../lineage/render/svg.js";
import { metricChart } from "./chart.js";
import { num, type Comparison, type PerRun } from "./compare.js";
import { pointValue, type JsonValue, type RunRecord } from "./record.js";

/** Rows of the run list: id, date, status, params, and the last value of each chosen metric. */
export function listRows(records: readonly RunRecord[], metrics: readonly string[]): string[][] {
  return records.map((r) => [
    r.id,
    r.startedAt.slice(0, 19).replace("T", " "),
    r.status,
    Object.entries(r.params)
      .map(([k, v]) => `${k}=${valueText(v)}`)
      .join(" "),
    ...metrics.map((m) => {
      const point = r.metrics[m]?.at(-1);
      return num(point === undefined ? undefined : pointValue(point));
    }),
  ]);
}

/** The headers for listRows. */
export function listHeaders(metrics: readonly string[]): string[] {
  return ["id", "started (UTC)", "status", "params", ...metrics];
}

/** Metrics to show in a list: those given, else every metric any run logged (sorted). */
export function listMetrics(records: readonly RunRecord[], chosen: readonly string[]): string[] {
  if (chosen.length > 0) return [...chosen];
  return [...new Set(records.flatMap((r) => Object.keys(r.metrics)))].sort();
}

/** A fixed-width text table. */
export function textTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cols: readonly string[]): string =>
    cols
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A Markdown table (pipes in cells escaped). */
export function markdownTable(headers: readonly string[], rows: readonly string[][]): string {
  const cell = (c: string): string => c.replace(/\|/g, "\\|").replace(/\n/g, " ");
  return [
    `| ${headers.map(cell).join(" | ")} |`,
    `| ${headers.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

/** An HTML table. */
export function htmlTable(headers: readonly string[], rows: readonly string[][]): string {
  const cells = (tag: string, cols: readonly string[]): string =>
    cols.map((c) => `<${tag}>${escapeXml(c)}</${tag}>`).join("");
  const body = rows.map((r) => `<tr>${cells("td", r)}</tr>`).join("\n");
  return `<table>\n<thead><tr>${cells("th", headers)}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function valueText(value: JsonValue | undefined): string {
  if (value === undefined) return "-";
  return typeof value === "string" ? value : JSON.stringify(value);
}

const perRun = <T>(values: PerRun<T>, text: (v: T) => string): string[] =>
  values.map((v) => (v === undefined ? "-" : text(v)));

const hash = (v: string): string => shortHash(v);

/** One sentence per difference: what changed and which cells it reaches. */
export function differenceLines(c: Comparison): string[] {
  const lines: string[] = [];
  const reach = (cells: string[]): string =>
    cells.length === 0
      ? ""
      : `; ${cells.length === 1 ? "cell" : "cells"} ${cells.join(", ")} ${cells.length === 1 ? "depends" : "depend"} on it`;
  for (const f of c.inputs)
    lines.push(
      `input ${f.path} changed (sha256 ${perRun(f.sha256, hash).join(" -> ")})${reach(f.reaches)}`,
    );
  for (const d of c.drift)
    lines.push(
      `column \`${d.column}\` of ${d.variable} (cell ${d.cellId}${d.sources.length > 0 ? `, from ${d.sources.join(", ")}` : ""}): ${d.changes.join(", ")}${c.runs.length > 2 ? ` in ${c.runs[d.run]?.id}` : ""}`,
    );
  for (const cell of c.cells) {
    const what = {
      code: "code changed",
      outputs: "outputs changed",
      "only-in-some": "ran in only some runs",
    }[cell.what];
    lines.push(`cell ${cell.id}: ${what}${reach(cell.reaches)}`);
  }
  for (const p of c.params)
    lines.push(`param ${p.name}: ${perRun(p.values, valueText).join(" -> ")}`);
  if (!c.seed.every((s) => s === c.seed[0]))
    lines.push(`seed: ${perRun(c.seed, String).join(" -> ")}`);
  for (const m of c.metrics)
    lines.push(
      `metric ${m.name}: last ${perRun(m.last, num).join(" -> ")}${m.history === "same-last" ? " (same last value, different history)" : ""}`,
    );
  for (const f of c.outputs)
    lines.push(`output ${f.path} differs (sha256 ${perRun(f.sha256, hash).join(" -> ")})`);
  return lines;
}

/** The comparison as Markdown: the runs, then one bullet per difference. */
export function comparisonMarkdown(c: Comparison): string {
  const runs = markdownTable(
    ["run", "started (UTC)", "status"],
    c.runs.map((r) => [r.id, r.startedAt.slice(0, 19).replace("T", " "), r.status]),
  );
  const lines = differenceLines(c);
  const body = lines.length === 0 ? "No differences." : lines.map((l) => `- ${l}`).join("\n");
  return `# Runs of ${c.runs[0]?.notebook ?? "a notebook"}\n\n${runs}\n\n## Differences\n\n${body}\n`;
}

/** The comparison as a standalone HTML page with a chart of every metric over steps. */
export function comparisonHtml(c: Comparison): string {
  const runs = htmlTable(
    ["run", "started (UTC)", "status"],
    c.runs.map((r) => [r.id, r.startedAt.slice(0, 19).replace("T", " "), r.status]),
  );
  const lines = differenceLines(c);
  const list =
    lines.length === 0
      ? "<p>No differences.</p>"
      : `<ul>\n${lines.map((l) => `<li>${escapeXml(l)}</li>`).join("\n")}\n</ul>`;
  const charts = c.histories
    .filter((h) => h.runs.some((points) => points.length > 0))
    .map((h) =>
      metricChart(
        h.name,
        h.runs.map((points, i) => ({ label: c.runs[i]?.id ?? String(i), points })),
      ),
    );
  const title = `Runs of ${escapeXml(c.runs[0]?.notebook ?? "a notebook")}`;
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}figure{margin:1em 0}</style>
</head>
<body>
<h1>${title}</h1>
${runs}
<h2>Differences</h2>
${list}
<h2>Metrics</h2>
${charts.map((svg) => `<figure>${svg}</figure>`).join("\n") || "<p>No metrics were logged.</p>"}
</body>
</html>
`;
}
