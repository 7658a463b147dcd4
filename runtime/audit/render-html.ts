/**
 * The audit report as one self-contained HTML file: inline CSS and SVG, no script that runs,
 * no external resource, so it opens offline and can be archived as it is. The lineage drawing
 * is `%lineage`'s SVG (runtime/lineage/render/svg.ts); the report's data is embedded as JSON.
 */
import { escapeXml, renderSvg } from "../lineage/render/svg.js";
import type { DataCard, ModelCard, Prompt } from "./cards.js";
import type { ColumnProfile } from "../tracking/record.js";
import type { AuditReport, CellRow, FileRow } from "./report-model.js";

const esc = escapeXml;
const code = (text: string): string => `<code>${esc(text)}</code>`;
const list = (items: string[]): string => items.map(esc).join(", ");

/** A table; cells are HTML already escaped by the caller. */
function table(id: string, headers: string[], rows: string[][]): string {
  if (rows.length === 0) return `<p class="none" id="${id}">none</p>`;
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const CSS = `body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#202124;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #dadce0;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;width:100%}th,td{border:1px solid #dadce0;padding:4px 8px;text-align:left;font-size:13px;vertical-align:top}
th{background:#f1f3f4}code{font-family:Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
pre{background:#f8f9fa;border:1px solid #dadce0;padding:8px;overflow-x:auto;font-size:12px}
.verdict{padding:1em 1.2em;border-radius:6px;border:2px solid}.verdict h2{border:0;margin:0 0 .3em 0}
.verified{background:#e6f4ea;border-color:#1e8e3e}.consistent,.unknown{background:#fef7e0;border-color:#f9ab00}.not-reproducible{background:#fce8e6;border-color:#d93025}
.prompt{color:#b06000;font-style:italic}.none{color:#5f6368}.lineage svg{max-width:100%;height:auto}`;

/** Render the report. */
export function renderReportHtml(report: AuditReport): string {
  const data = JSON.stringify(report).replace(/</g, "\\u003c");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>replab audit: ${esc(report.notebookName)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Audit of ${esc(report.notebookName)}</h1>
${verdictHtml(report)}
${environmentHtml(report)}
${inputsHtml(report)}
${outputsHtml(report)}
<h2 id="lineage">Lineage</h2>
<p>Cells (blue), files (yellow) and data frames (green); arrows are the variables, reads, writes and frames of the run.</p>
<div class="lineage">${renderSvg(report.lineage)}</div>
${cellsHtml(report)}
${verifyHtml(report)}
<h2 id="data-cards">Data cards</h2>
${report.dataCards.length === 0 ? '<p class="none">no input files</p>' : report.dataCards.map(dataCardHtml).join("\n")}
<h2 id="model-cards">Model cards</h2>
${report.modelCards.length === 0 ? '<p class="none">no @tensorflow/tfjs model held by a cell at the end of the run</p>' : report.modelCards.map(modelCardHtml).join("\n")}
<script type="application/json" id="audit-data">
${data}
</script>
</body>
</html>
`;
}

function verdictHtml({ verdict }: AuditReport): string {
  const reasons = verdict.reasons.slice(1).map((r) => `<li>${esc(r)}</li>`);
  return `<section class="verdict ${verdict.kind}" id="verdict">
<h2>${esc(verdict.headline)}</h2>
${reasons.length > 0 ? `<ul>${reasons.join("")}</ul>` : ""}
</section>`;
}

function environmentHtml(r: AuditReport): string {
  const rt = r.runtime;
  const runtime: string[][] = rt
    ? [
        ["Node.js", rt.node],
        ["replab", rt.replab],
        ["TypeScript", rt.typescript],
        ["platform", rt.platform],
        ["time zone", r.timeZone ?? "not recorded"],
        ["locale", r.locale ?? "not recorded"],
      ].map(([k, v]) => [esc(k ?? ""), code(v ?? "")])
    : [];
  const env = Object.entries(r.determinismVariables).map(([k, v]) => [code(k), code(v)]);
  const pkgs = r.packages.map((p) => [
    code(p.name),
    p.version === null
      ? '<span class="prompt">not pinned by a package-lock.json</span>'
      : code(p.version),
    p.integrity === null ? "" : code(p.integrity),
    String(p.closure),
  ]);
  return `<h2 id="environment">Environment and seed</h2>
<p>Seed <strong id="seed">${r.seed}</strong>: before every execution, <code>Math.random</code> is
<code>seedrandom("replab:${r.seed}:" + sha256(cell source))</code>, so each cell draws the same numbers on every run.</p>
${table("runtime", ["", "version"], runtime)}
<h3>Variables replab set for determinism</h3>
${table("determinism-variables", ["variable", "value"], env)}
<h3>Packages the cells import</h3>
${table("packages", ["package", "version", "integrity (package-lock.json)", "packages installed with it"], pkgs)}`;
}

const DISK = {
  matches: "same sha256 as recorded",
  differs: "CHANGED since the run",
  missing: "MISSING",
};

function fileCells(f: FileRow): string[] {
  return [code(f.path), code(f.sha256), String(f.bytes)];
}

function inputsHtml(r: AuditReport): string {
  const rows = r.inputs.map((f) => [
    ...fileCells(f),
    list(f.readBy),
    f.onDisk === undefined ? "" : esc(DISK[f.onDisk]),
  ]);
  return `<h2 id="inputs">Input files</h2>
${table("inputs-table", ["path", "sha256", "bytes", "read by cells", "on disk now"], rows)}`;
}

function outputsHtml(r: AuditReport): string {
  const files = r.outputs.map((f) => [...fileCells(f), list(f.writtenBy), list(f.readBy)]);
  const frames = r.frames.map((f) => [
    list(f.variables),
    list(f.madeBy),
    String(f.rows),
    f.profile === undefined ? list(f.columns) : f.profile.columns.map(columnText).join("<br>"),
    code(f.sha256),
  ]);
  const prov = r.provenance.map((p) => [
    `${esc(p.kind)} ${code(p.name)}`,
    p.mimes === undefined
      ? code(p.sha256)
      : p.mimes.map((m) => `${esc(m.mime)}: ${code(m.sha256)}`).join("<br>"),
    esc(p.producedBy),
    list(p.cells),
    p.inputs.map((i) => `${code(i.path)} ${code(i.sha256)}`).join("<br>") ||
      '<span class="none">none</span>',
  ]);
  return `<h2 id="outputs">Output files</h2>
${table("outputs-table", ["path", "sha256", "bytes", "written by", "read again by"], files)}
<h2 id="dataframes">Data frames</h2>
${table("frames-table", ["variable", "made by", "rows", "schema (dtype, missing values)", "canonical sha256"], frames)}
<h2 id="provenance">What produced each output</h2>
<p>Every output with the cell that made it, the cells it depends on by lineage (their code is under Cells) and the input files they read; all under the seed and environment above. What a cell showed in the notebook (its stdout, each chart or table it displayed) is hashed as <code>repro.lock.json</code> records it, per MIME type.</p>
${table("provenance-table", ["output", "sha256", "made by", "depends on cells", "input files read (content sha256)"], prov)}`;
}

/** "Body Mass (g): number (2 missing), 2700 to 6300, mean 4202" */
function columnText(c: ColumnProfile): string {
  const missing = c.nulls > 0 ? ` (${c.nulls} missing)` : "";
  const mean = typeof c.mean === "number" ? `, mean ${Number(c.mean.toPrecision(6))}` : "";
  const range =
    typeof c.min === "number" && typeof c.max === "number"
      ? `, ${c.min} to ${c.max}${mean}`
      : c.distinct !== undefined
        ? `, ${c.distinct} distinct`
        : "";
  return `${esc(c.name)}: ${esc(c.dtype)}${missing}${esc(range)}`;
}

function cellsHtml(r: AuditReport): string {
  const rows = r.cells.map((c) => [
    esc(c.id),
    c.executionCount === null ? "" : String(c.executionCount),
    esc(statusText(c)),
    list(c.defines),
    list(c.uses),
    c.nondeterminism.map((n) => `${esc(n.source)}, in ${esc(n.origin)}`).join("<br>"),
    code(c.sourceSha256),
  ]);
  const nondet = r.cells.flatMap((c) =>
    c.nondeterminism.map((n) => [esc(c.id), esc(n.source), esc(n.origin), code(n.label)]),
  );
  const bad = r.cells
    .filter((c) => c.status !== "ok" || c.stale)
    .map((c) => [esc(c.id), esc(statusText(c))]);
  const loads = r.cells
    .filter((c) => c.loadTime.length > 0)
    .map((c) => [esc(c.id), list(c.loadTime)]);
  return `<h2 id="cells">Cells</h2>
${table("cells-table", ["cell", "execution", "status", "defines", "uses", "nondeterminism", "source sha256"], rows)}
<h3 id="nondeterminism">Nondeterminism per cell</h3>
${table("nondeterminism-table", ["cell", "what", "where it came from", "label"], nondet)}
<p>Reads packages made while they loaded (once per process, not part of a cell's result):</p>
${table("load-time-table", ["cell", "load-time reads"], loads)}
<h3 id="stale-errored">Stale or errored cells</h3>
${table("stale-table", ["cell", "state"], bad)}
<h3 id="code">Code</h3>
${r.cells.map(codeHtml).join("\n")}`;
}

function statusText(c: CellRow): string {
  if (c.status === "error")
    return c.error === undefined ? "error" : `error: ${c.error.ename}: ${c.error.evalue}`;
  if (c.status === "not-run") return "not run";
  if (c.stale)
    return `stale${c.staleBecause.length > 0 ? ` (${c.staleBecause.join(", ")} changed later)` : ""}`;
  return "ok";
}

function codeHtml(c: CellRow): string {
  const source =
    c.source === undefined
      ? '<p class="none">source not available</p>'
      : `<pre>${esc(c.source)}</pre>`;
  const output =
    c.output === undefined || c.output === "" ? "" : `<p>output:</p><pre>${esc(c.output)}</pre>`;
  return `<details open id="code-${esc(c.id)}"><summary>cell ${esc(c.id)} (sha256 ${esc(c.sourceSha256.slice(0, 12))})</summary>${source}${output}</details>`;
}

function verifyHtml({ verify }: AuditReport): string {
  if (verify === undefined) {
    return `<h2 id="verify">Verify</h2>
<p class="none">No verify in this report. <code>replab export NB.ipynb -o DIR</code> then
<code>replab report NB.ipynb --verify DIR</code> re-runs the export in a fresh process and compares every hash.</p>`;
  }
  const rows = [
    ["export", code(verify.dir)],
    ["ran", esc(verify.at)],
    [
      "result",
      verify.ok
        ? `passed: ${verify.cells} cells and ${verify.files} data files with the recorded hashes`
        : `failed: ${esc(verify.message)}`,
    ],
    [
      "export made from this run",
      verify.mismatches.length === 0 ? "yes" : verify.mismatches.map(esc).join("<br>"),
    ],
  ];
  return `<h2 id="verify">Verify</h2>\n${table("verify-table", ["", ""], rows)}`;
}

function promptsHtml(prompts: Prompt[]): string {
  return prompts
    .map(
      (p) =>
        `<tr><th>${esc(p.field)}</th><td class="prompt">[author: ${esc(p.question)}]</td></tr>`,
    )
    .join("");
}

function dataCardHtml(card: DataCard): string {
  const f = card.file;
  const schema = card.frames.map((fr) =>
    fr.profile === undefined
      ? `${list(fr.variables)}: ${fr.rows} rows; ${list(fr.columns)}`
      : `${list(fr.variables)}: ${fr.rows} rows; ${fr.profile.columns.map((c) => `${esc(c.name)} ${esc(c.dtype)}, ${c.nulls} missing`).join("; ")}`,
  );
  return `<section class="card" id="data-card-${esc(f.path)}"><h3>${esc(f.path)}</h3><table>
<tr><th>Source path</th><td>${code(f.path)}</td></tr>
<tr><th>sha256</th><td>${code(f.sha256)}</td></tr>
<tr><th>Size</th><td>${f.bytes} bytes</td></tr>
<tr><th>Schema and missing values</th><td>${schema.join("<br>") || '<span class="prompt">[author: not read into a data frame; describe its fields]</span>'}</td></tr>
<tr><th>Read by</th><td>${list(f.readBy)}</td></tr>
<tr><th>Transformed by</th><td>${list(card.transformedBy) || '<span class="none">no later cell</span>'}</td></tr>
${promptsHtml(card.prompts)}</table></section>`;
}

function modelCardHtml(card: ModelCard): string {
  const m = card.model;
  const layers = m.layers
    .map((l) => `${esc(l.name)} (${esc(l.type)}) ${esc(l.outputShape)}, ${l.params} params`)
    .join("<br>");
  const kv = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .map(([k, v]) => `${esc(k)}: ${esc(String(v))}`)
      .join("<br>");
  const optimizer =
    m.optimizer === null ? "not compiled" : `${esc(m.optimizer.name)} ${kv(m.optimizer.config)}`;
  return `<section class="card" id="model-card-${esc(m.variable)}"><h3>${esc(m.variable)} (cell ${esc(m.cellId)})</h3><table>
<tr><th>Architecture</th><td>${esc(m.className)}<br>${layers}</td></tr>
<tr><th>Parameters</th><td>${m.params} (${m.trainableParams} trainable)</td></tr>
<tr><th>Optimizer</th><td>${optimizer}</td></tr>
<tr><th>Loss</th><td>${list(m.loss)}${m.metrics.length > 0 ? `; metrics ${list(m.metrics)}` : ""}</td></tr>
<tr><th>Training parameters</th><td>${kv(card.training) || '<span class="none">never fit</span>'} <span class="none">(from ${esc(card.factsFrom)})</span></td></tr>
<tr><th>Final metrics</th><td>${kv(card.metrics) || '<span class="none">none recorded</span>'}</td></tr>
<tr><th>Weights sha256</th><td>${code(m.weightsSha256)}</td></tr>
<tr><th>Fit on (by lineage)</th><td>files: ${list(card.trainedOn.files) || "none"}<br>frames: ${list(card.trainedOn.frames) || "none"}<br>cells: ${list(card.trainedOn.cells)}</td></tr>
${promptsHtml(card.prompts)}</table></section>`;
}
