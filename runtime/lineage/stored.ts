/**
 * The lineage an executed notebook stores at `metadata.replab.lineage`, read once at the
 * boundary with the checks of schema/lineage.schema.json's required fields: the commands that read it (lineage, report, export, OpenLineage) trust its types
 * only after this has checked them, so a hand-edited or forged graph gets a message naming
 * what is wrong instead of a crash deep in a renderer.
 */
import { ReplabError } from "../errors.js";
import type { Notebook } from "../notebook/types.js";
import { LINEAGE_SCHEMA, type LineageGraph } from "./types.js";

/** The stored lineage: undefined when the notebook has none; throws when it is malformed. */
export function storedLineage(notebook: Notebook, name: string): LineageGraph | undefined {
  const replab = notebook.metadata["replab"];
  if (!isRecord(replab) || replab["lineage"] === undefined) return undefined;
  const problem = graphProblem(replab["lineage"]);
  if (problem === undefined) return replab["lineage"] as LineageGraph;
  throw new ReplabError(
    "notebook-invalid",
    `${name}: metadata.replab.lineage is not a lineage replab wrote (${problem}); run the notebook again to store a new one: replab run ${name} --inplace`,
  );
}

/** What makes `value` no LineageGraph, or undefined when it is one. */
function graphProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "not an object";
  if (value["schema"] !== LINEAGE_SCHEMA) return `schema is not "${LINEAGE_SCHEMA}"`;
  if (typeof value["seed"] !== "number") return "seed is not a number";
  const { nodes, edges } = value;
  if (!Array.isArray(nodes)) return "nodes is not an array";
  if (!Array.isArray(edges)) return "edges is not an array";
  for (const [i, node] of nodes.entries()) {
    const problem = nodeProblem(node);
    if (problem !== undefined) return `nodes[${i}]: ${problem}`;
  }
  for (const [i, edge] of edges.entries()) {
    if (!isRecord(edge) || !strings(edge, ["from", "to", "label"]))
      return `edges[${i}]: from, to and label must be strings`;
    if (!["var", "read", "write", "frame"].includes(edge["kind"] as string))
      return `edges[${i}]: kind must be var, read, write or frame`;
  }
  const previous = value["previousSession"];
  if (previous !== undefined) {
    const problem = isRecord(previous) ? graphProblem(previous["graph"]) : "not an object";
    if (problem !== undefined) return `previousSession.graph: ${problem}`;
  }
  return undefined;
}

function nodeProblem(node: unknown): string | undefined {
  if (!isRecord(node) || typeof node["id"] !== "string") return "id must be a string";
  switch (node["kind"]) {
    case "cell":
      if (typeof node["sourceSha256"] !== "string") return "sourceSha256 must be a string";
      if (!["ok", "error", "not-run"].includes(node["status"] as string))
        return "status must be ok, error or not-run";
      for (const list of ["defines", "uses", "nondeterminism"]) {
        if (!stringArray(node[list])) return `${list} must be an array of strings`;
      }
      if (node["mutates"] !== undefined && !stringArray(node["mutates"]))
        return "mutates must be an array of strings";
      if (node["executionCount"] !== null && typeof node["executionCount"] !== "number")
        return "executionCount must be a number or null";
      return typeof node["stale"] === "boolean" ? undefined : "stale must be true or false";
    case "file":
      return strings(node, ["path", "sha256"]) && typeof node["bytes"] === "number"
        ? undefined
        : "a file needs path, sha256 and bytes";
    case "frame":
      return typeof node["sha256"] === "string" &&
        typeof node["rows"] === "number" &&
        stringArray(node["columns"])
        ? undefined
        : "a frame needs sha256, rows and columns";
    default:
      return "kind must be cell, file or frame";
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(record: Record<string, unknown>, keys: string[]): boolean {
  return keys.every((key) => typeof record[key] === "string");
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}
