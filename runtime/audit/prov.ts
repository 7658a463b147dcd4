/**
 * The run in W3C PROV (https://www.w3.org/TR/prov-dm/): one bundle per run, cells as
 * activities, files, frames and models as entities; `used` for reads, `wasGeneratedBy` for
 * writes, frames and models, `wasDerivedFrom` from what a cell used to what it generated, and
 * `wasInformedBy` for the variables one cell took from another. One model, two serialisations:
 * PROV-JSON (https://www.w3.org/submissions/prov-json/) and PROV-N.
 */
import type { CellNode, LineageGraph } from "../lineage/types.js";
import type { AuditCapture } from "./capture.js";

/** An attribute value: a string, an integer, a boolean, or a qualified name. */
export type ProvValue = string | number | boolean | { qname: string };

/** An activity or entity. */
export interface ProvElement {
  id: string;
  attributes: Record<string, ProvValue>;
}

/** A relation with PROV-N's positional arguments, named as PROV-JSON names them. */
export interface ProvRelation {
  kind: "used" | "wasGeneratedBy" | "wasDerivedFrom" | "wasInformedBy";
  args: [string, string][];
  attributes: Record<string, ProvValue>;
}

/** One PROV document holding the run as a bundle. */
export interface ProvDocument {
  prefixes: Record<string, string>;
  bundle: string;
  activities: ProvElement[];
  entities: ProvElement[];
  relations: ProvRelation[];
}

/** PROV-N local names allow few characters: everything else is %-encoded, the same in both forms. */
export function localName(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((b) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z0-9_-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
    })
    .join("");
}

/** Build the PROV model of a run; `runId` names the bundle. */
export function provDocument(
  notebookName: string,
  runId: string,
  lineage: LineageGraph,
  capture: AuditCapture | undefined,
): ProvDocument {
  const base = `urn:replab:${encodeURIComponent(notebookName)}:`;
  const doc: ProvDocument = {
    prefixes: {
      replab: "urn:replab:ns#",
      run: `${base}run:`,
      cell: `${base}cell:`,
      file: `${base}file:`,
      frame: "urn:replab:frame:",
      model: `${base}model:`,
    },
    bundle: `run:${localName(runId)}`,
    activities: lineage.nodes.filter((n): n is CellNode => n.kind === "cell").map(activity),
    entities: [],
    relations: [],
  };
  addData(doc, lineage);
  addModels(doc, capture);
  addDerivations(doc);
  return doc;
}

const cellId = (id: string): string => `cell:${localName(id)}`;

function activity(cell: CellNode): ProvElement {
  const attributes: Record<string, ProvValue> = {
    "prov:label": `cell ${cell.id}`,
    "replab:sourceSha256": cell.sourceSha256,
    "replab:status": cell.status,
    "replab:stale": cell.stale,
  };
  if (cell.executionCount !== null) attributes["replab:executionCount"] = cell.executionCount;
  if (cell.nondeterminism.length > 0)
    attributes["replab:nondeterminism"] = cell.nondeterminism.join("; ");
  return { id: cellId(cell.id), attributes };
}

/** Files and frames, and the edges that touch them. */
function addData(doc: ProvDocument, lineage: LineageGraph): void {
  const ids = new Map<string, string>();
  for (const node of lineage.nodes) {
    if (node.kind === "file") {
      const id = `file:${localName(node.path)}`;
      ids.set(node.id, id);
      const attributes = {
        "prov:label": node.path,
        "replab:sha256": node.sha256,
        "replab:bytes": node.bytes,
      };
      doc.entities.push({
        id,
        attributes: { ...attributes, "prov:type": { qname: "replab:File" } },
      });
    } else if (node.kind === "frame") {
      const id = `frame:${node.sha256}`;
      ids.set(node.id, id);
      const attributes = { "replab:rows": node.rows, "replab:columns": node.columns.join(", ") };
      doc.entities.push({
        id,
        attributes: { ...attributes, "prov:type": { qname: "replab:DataFrame" } },
      });
    }
  }
  for (const edge of lineage.edges) {
    const content: Record<string, ProvValue> =
      edge.sha256 === undefined ? {} : { "replab:sha256": edge.sha256 };
    if (edge.kind === "read") {
      doc.relations.push(
        relation(
          "used",
          [
            ["prov:activity", cellId(edge.to)],
            ["prov:entity", ids.get(edge.from) ?? ""],
          ],
          content,
        ),
      );
    } else if (edge.kind === "write") {
      doc.relations.push(
        relation(
          "wasGeneratedBy",
          [
            ["prov:entity", ids.get(edge.to) ?? ""],
            ["prov:activity", cellId(edge.from)],
          ],
          content,
        ),
      );
    } else if (edge.kind === "frame") {
      doc.relations.push(
        relation(
          "wasGeneratedBy",
          [
            ["prov:entity", ids.get(edge.to) ?? ""],
            ["prov:activity", cellId(edge.from)],
          ],
          { "prov:label": edge.label },
        ),
      );
    } else {
      doc.relations.push(
        relation(
          "wasInformedBy",
          [
            ["prov:informed", cellId(edge.to)],
            ["prov:informant", cellId(edge.from)],
          ],
          { "prov:label": edge.label },
        ),
      );
    }
  }
}

function addModels(doc: ProvDocument, capture: AuditCapture | undefined): void {
  for (const model of capture?.models ?? []) {
    const id = `model:${localName(model.variable)}`;
    doc.entities.push({
      id,
      attributes: {
        "prov:type": { qname: "replab:Model" },
        "prov:label": model.variable,
        "replab:weightsSha256": model.weightsSha256,
        "replab:params": model.params,
      },
    });
    doc.relations.push(
      relation(
        "wasGeneratedBy",
        [
          ["prov:entity", id],
          ["prov:activity", cellId(model.cellId)],
        ],
        {},
      ),
    );
  }
}

/** Whatever a cell generated was derived from whatever it used. */
function addDerivations(doc: ProvDocument): void {
  const arg = (r: ProvRelation, name: string): string =>
    r.args.find(([n]) => n === name)?.[1] ?? "";
  const used = doc.relations.filter((r) => r.kind === "used");
  const generated = doc.relations.filter((r) => r.kind === "wasGeneratedBy");
  const seen = new Set<string>();
  for (const g of generated) {
    for (const u of used.filter((u) => arg(u, "prov:activity") === arg(g, "prov:activity"))) {
      const pair = `${arg(g, "prov:entity")} ${arg(u, "prov:entity")}`;
      if (seen.has(pair) || arg(g, "prov:entity") === arg(u, "prov:entity")) continue;
      seen.add(pair);
      doc.relations.push(
        relation(
          "wasDerivedFrom",
          [
            ["prov:generatedEntity", arg(g, "prov:entity")],
            ["prov:usedEntity", arg(u, "prov:entity")],
            ["prov:activity", arg(g, "prov:activity")],
          ],
          {},
        ),
      );
    }
  }
}

function relation(
  kind: ProvRelation["kind"],
  args: [string, string][],
  attributes: Record<string, ProvValue>,
): ProvRelation {
  return { kind, args, attributes };
}

function jsonValue(v: ProvValue): unknown {
  if (typeof v === "object") return { $: v.qname, type: "prov:QUALIFIED_NAME" };
  if (typeof v === "number") return { $: String(v), type: "xsd:long" };
  if (typeof v === "boolean") return { $: String(v), type: "xsd:boolean" };
  return v;
}

const jsonAttributes = (a: Record<string, ProvValue>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, jsonValue(v)]));

/** PROV-JSON: the bundle, and the bundle as an entity of the document. */
export function renderProvJson(doc: ProvDocument): string {
  const byKind: Record<string, Record<string, unknown>> = {};
  doc.relations.forEach((r, i) => {
    const group = (byKind[r.kind] ??= {});
    group[`_:${r.kind}${i + 1}`] = {
      ...Object.fromEntries(r.args),
      ...jsonAttributes(r.attributes),
    };
  });
  const elements = (list: ProvElement[]): Record<string, unknown> =>
    Object.fromEntries(list.map((e) => [e.id, jsonAttributes(e.attributes)]));
  const bundle = {
    prefix: doc.prefixes,
    activity: elements(doc.activities),
    entity: elements(doc.entities),
    ...byKind,
  };
  const json = {
    prefix: doc.prefixes,
    entity: { [doc.bundle]: { "prov:type": jsonValue({ qname: "prov:Bundle" }) } },
    bundle: { [doc.bundle]: bundle },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function provnValue(v: ProvValue): string {
  if (typeof v === "object") return `'${v.qname}'`;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return `"${String(v)}" %% xsd:boolean`;
  return JSON.stringify(v);
}

function provnAttributes(a: Record<string, ProvValue>): string {
  const entries = Object.entries(a);
  return entries.length === 0
    ? ""
    : `, [${entries.map(([k, v]) => `${k}=${provnValue(v)}`).join(", ")}]`;
}

/** The positional arguments of each relation in PROV-N, "-" where absent (the grammar wants all or none). */
const PROVN_ARGS: Record<ProvRelation["kind"], string[]> = {
  used: ["prov:activity", "prov:entity", "prov:time"],
  wasGeneratedBy: ["prov:entity", "prov:activity", "prov:time"],
  wasDerivedFrom: [
    "prov:generatedEntity",
    "prov:usedEntity",
    "prov:activity",
    "prov:generation",
    "prov:usage",
  ],
  wasInformedBy: ["prov:informed", "prov:informant"],
};

/** PROV-N: the same document in the W3C textual notation. */
export function renderProvN(doc: ProvDocument): string {
  const prefixes = (indent: string): string[] =>
    Object.entries(doc.prefixes).map(([p, uri]) => `${indent}prefix ${p} <${uri}>`);
  const relationLine = (r: ProvRelation): string => {
    const args = new Map(r.args);
    const positional = PROVN_ARGS[r.kind].map((name) => args.get(name) ?? "-");
    return `    ${r.kind}(${positional.join(", ")}${provnAttributes(r.attributes)})`;
  };
  return [
    "document",
    ...prefixes("  "),
    `  entity(${doc.bundle}, [prov:type='prov:Bundle'])`,
    `  bundle ${doc.bundle}`,
    ...prefixes("    "),
    ...doc.activities.map((a) => `    activity(${a.id}, -, -${provnAttributes(a.attributes)})`),
    ...doc.entities.map((e) => `    entity(${e.id}${provnAttributes(e.attributes)})`),
    ...doc.relations.map(relationLine),
    "  endBundle",
    "endDocument",
    "",
  ].join("\n");
}
