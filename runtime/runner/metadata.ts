/**
 * Notebook-level `metadata.replab`: the seed, the lineage of the run, the runtime that
 * produced it and the hashes of the data files it read or wrote. Export and verify read it.
 */
import type { FileNode, LineageGraph } from "../lineage/types.js";
import type { Notebook } from "../notebook/types.js";
import { runtimeVersions, type RuntimeVersions } from "../repro/versions.js";
import { runLocale } from "./run-locale.js";

export interface DataHash {
  path: string;
  sha256: string;
  bytes: number;
}

export interface NotebookReplabMetadata {
  seed: number;
  lineage: LineageGraph;
  runtime: RuntimeVersions;
  data: DataHash[];
  /** The IANA time zone the cells ran in (runner/time-zone.ts). */
  timeZone?: string;
  /** The default locale the cells ran with. */
  locale?: string;
}

/** Seed precedence (docs/contracts.md, "Determinism rules"): --seed > REPLAB_SEED > metadata > 42. */
export function resolveSeed(
  flag: number | undefined,
  notebook: Notebook,
  env = process.env,
): number {
  if (flag !== undefined) return flag;
  const raw = env["REPLAB_SEED"];
  if (raw !== undefined && /^-?\d+$/.test(raw.trim())) return Number(raw);
  const stored = storedReplab(notebook)?.["seed"];
  if (typeof stored === "number" && Number.isSafeInteger(stored)) return stored;
  return 42;
}

/** `metadata.replab` as stored, or undefined. */
export function storedReplab(notebook: Notebook): Record<string, unknown> | undefined {
  const value = notebook.metadata["replab"];
  return value !== null && typeof value === "object"
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Data hashes from the lineage's file nodes, sorted by path. */
export function dataHashes(lineage: LineageGraph): DataHash[] {
  return lineage.nodes
    .filter((n): n is FileNode => n.kind === "file")
    .map((n) => ({ path: n.path, sha256: n.sha256, bytes: n.bytes }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Store the run's metadata in the notebook. */
export function storeRunMetadata(notebook: Notebook, seed: number, lineage: LineageGraph): void {
  const replab: NotebookReplabMetadata = {
    seed,
    lineage,
    runtime: runtimeVersions(),
    data: dataHashes(lineage),
    ...runLocale(),
  };
  notebook.metadata = { ...notebook.metadata, replab };
}
