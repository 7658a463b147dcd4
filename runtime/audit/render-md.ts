/**
 * The audit report as Markdown (`replab report --format md`): the same sections and facts as
 * the HTML, with the lineage as a list of edges (Markdown viewers do not draw inline SVG;
 * `replab lineage NB --format svg` draws it).
 */
import type { DataCard, ModelCard, Prompt } from "./cards.js";
import type { AuditReport, CellRow } from "./report-model.js";

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string): string => (text === "" ? "" : `\`${text.replace(/`/g, "'")}\``);

function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return "none\n";
  const line = (cols: string[]): string => `| ${cols.map(cell).join(" | ")} |`;
  return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}

/** Render the report. */
export function renderReportMarkdown(r: AuditReport): string {
  return [
    `# Audit of ${r.notebookName}\n`,
    `**${r.verdict.headline}**\n`,
    ...r.verdict.reasons.slice(1).map((x) => `- ${x}`),
    "",
    environment(r),
    "## Input files\n",
    table(
      ["path", "sha256", "bytes", "read by", "on disk now"],
      r.inputs.map((f) => [
        code(f.path),
        code(f.sha256),
        String(f.bytes),
        f.readBy.join(", "),
        f.onDisk ?? "",
      ]),
    ),
    "## Output files\n",
    table(
      ["path", "sha256", "bytes", "written by", "read again by"],
      r.outputs.map((f) => [
        code(f.path),
        code(f.sha256),
        String(f.bytes),
        f.writtenBy.join(", "),
        f.readBy.join(", "),
      ]),
    ),
    "## Data frames\n",
    table(
      ["variable", "made by", "rows", "schema", "canonical sha256"],
      r.frames.map((f) => [
        f.variables.join(", "),
        f.madeBy.join(", "),
        String(f.rows),
        f.profile?.columns
          .map((c) => `${c.name}: ${c.dtype}${c.nulls > 0 ? ` (${c.nulls} missing)` : ""}`)
          .join("; ") ?? f.columns.join(", "),
        code(f.sha256),
      ]),
    ),
    "## What produced each output\n",
    table(
      ["output", "sha256", "made by", "depends on cells", "inputs read"],
      r.provenance.map((p) => [
        `${p.kind} ${code(p.name)}`,
        p.mimes === undefined
          ? code(p.sha256)
          : p.mimes.map((m) => `${m.mime}: ${code(m.sha256)}`).join("; "),
        p.producedBy,
        p.cells.join(", "),
        p.inputs.map((i) => `${code(i.path)} ${code(i.sha256)}`).join("; "),
      ]),
    ),
    "## Lineage\n",
    ...r.lineage.edges.map((e) => `- ${code(e.from)} ${e.kind} ${code(e.label)} → ${code(e.to)}`),
    "",
    cells(r),
    verify(r),
    "## Data cards\n",
    r.dataCards.length === 0 ? "no input files\n" : r.dataCards.map(dataCard).join("\n"),
    "## Model cards\n",
    r.modelCards.length === 0
      ? "no @tensorflow/tfjs model held by a cell at the end of the run\n"
      : r.modelCards.map(modelCard).join("\n"),
  ].join("\n");
}

function environment(r: AuditReport): string {
  const rt = r.runtime;
  return [
    "## Environment and seed\n",
    `Seed **${r.seed}**: before every execution \`Math.random\` is \`seedrandom("replab:${r.seed}:" + sha256(cell source))\`.\n`,
    rt === undefined
      ? "runtime not recorded\n"
      : table(
          ["Node.js", "replab", "TypeScript", "platform", "time zone", "locale"],
          [
            [
              rt.node,
              rt.replab,
              rt.typescript,
              rt.platform,
              r.timeZone ?? "not recorded",
              r.locale ?? "not recorded",
            ],
          ],
        ),
    table(["variable replab set", "value"], Object.entries(r.determinismVariables)),
    table(
      ["package", "version", "integrity", "packages installed with it"],
      r.packages.map((p) => [
        code(p.name),
        p.version ?? "not pinned",
        code(p.integrity ?? ""),
        String(p.closure),
      ]),
    ),
  ].join("\n");
}

function status(c: CellRow): string {
  if (c.status === "error")
    return c.error === undefined ? "error" : `error: ${c.error.ename}: ${c.error.evalue}`;
  if (c.status === "not-run") return "not run";
  return c.stale
    ? `stale${c.staleBecause.length > 0 ? ` (${c.staleBecause.join(", ")})` : ""}`
    : "ok";
}

function cells(r: AuditReport): string {
  return [
    "## Cells\n",
    table(
      ["cell", "execution", "status", "defines", "uses", "nondeterminism", "source sha256"],
      r.cells.map((c) => [
        c.id,
        c.executionCount === null ? "" : String(c.executionCount),
        status(c),
        c.defines.join(", "),
        c.uses.join(", "),
        c.nondeterminism.map((n) => `${n.source}, in ${n.origin}`).join("; "),
        code(c.sourceSha256),
      ]),
    ),
    "### Stale or errored cells\n",
    table(
      ["cell", "state"],
      r.cells.filter((c) => c.status !== "ok" || c.stale).map((c) => [c.id, status(c)]),
    ),
    "### Code\n",
    ...r.cells.map(
      (c) => `#### ${c.id}\n\n\`\`\`\n${c.source ?? "(source not available)"}\n\`\`\`\n`,
    ),
  ].join("\n");
}

function verify({ verify: v }: AuditReport): string {
  if (v === undefined)
    return "## Verify\n\nno verify in this report: `replab report NB.ipynb --verify DIR` re-runs an export\n";
  const result = v.ok ? `passed: ${v.cells} cells, ${v.files} data files` : `failed: ${v.message}`;
  const made = v.mismatches.length === 0 ? "yes" : v.mismatches.join("; ");
  return `## Verify\n\n${table(["export", "ran", "result", "made from this run"], [[code(v.dir), v.at, result, made]])}`;
}

function prompts(list: Prompt[]): string[][] {
  return list.map((p) => [p.field, `_[author: ${p.question}]_`]);
}

function dataCard(card: DataCard): string {
  const f = card.file;
  const schema = card.frames
    .map(
      (fr) =>
        `${fr.variables.join(", ")}: ${fr.rows} rows; ${fr.profile?.columns.map((c) => `${c.name} ${c.dtype}, ${c.nulls} missing`).join("; ") ?? fr.columns.join(", ")}`,
    )
    .join(" / ");
  return `### ${f.path}\n\n${table(
    ["field", "value"],
    [
      ["Source path", code(f.path)],
      ["sha256", code(f.sha256)],
      ["Size", `${f.bytes} bytes`],
      [
        "Schema and missing values",
        schema || "_[author: not read into a data frame; describe its fields]_",
      ],
      ["Read by", f.readBy.join(", ")],
      ["Transformed by", card.transformedBy.join(", ") || "no later cell"],
      ...prompts(card.prompts),
    ],
  )}`;
}

function modelCard(card: ModelCard): string {
  const m = card.model;
  const kv = (o: Record<string, unknown>): string =>
    Object.entries(o)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join(", ");
  return `### ${m.variable} (cell ${m.cellId})\n\n${table(
    ["field", "value"],
    [
      [
        "Architecture",
        `${m.className}: ${m.layers.map((l) => `${l.name} (${l.type}) ${l.outputShape}, ${l.params} params`).join("; ")}`,
      ],
      ["Parameters", `${m.params} (${m.trainableParams} trainable)`],
      [
        "Optimizer",
        m.optimizer === null ? "not compiled" : `${m.optimizer.name} ${kv(m.optimizer.config)}`,
      ],
      ["Loss", m.loss.join(", ")],
      ["Training parameters", `${kv(card.training) || "never fit"} (from ${card.factsFrom})`],
      ["Final metrics", kv(card.metrics) || "none recorded"],
      ["Weights sha256", code(m.weightsSha256)],
      [
        "Fit on (by lineage)",
        `files: ${card.trainedOn.files.join(", ") || "none"}; frames: ${card.trainedOn.frames.join(", ") || "none"}; cells: ${card.trainedOn.cells.join(", ")}`,
      ],
      ...prompts(card.prompts),
    ],
  )}`;
}
