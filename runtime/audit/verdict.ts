/**
 * The line at the top of the report: can the result be trusted, and if not, the first reason.
 * Failed, unrun or stale cells, changed inputs and a failed verify rule it out; a passed verify
 * rules it in; nondeterminism without a verify is reported as what stands in the way.
 */
import type { CellRow, FileRow } from "./report-model.js";
import type { VerifyOutcome } from "./verify-outcome.js";

/**
 * verified: re-run with the same hashes; consistent: nothing against it, not yet verified;
 * unknown: only packages read a nondeterministic source (a chart library timing itself), which
 * may or may not reach the outputs until a verify says.
 */
export interface Verdict {
  kind: "verified" | "consistent" | "unknown" | "not-reproducible";
  headline: string;
  /** Every reason, the headline's first. */
  reasons: string[];
}

/** Judge the run. */
export function verdictOf(
  cells: CellRow[],
  inputs: FileRow[],
  verify: VerifyOutcome | undefined,
): Verdict {
  const problems = [...cellProblems(cells), ...inputProblems(inputs), ...verifyProblems(verify)];
  const reads = cells.flatMap((c) => c.nondeterminism.map((n) => ({ cell: c.id, ...n })));
  const nondeterministic = reads.map((n) => `cell ${n.cell} ${n.source}, in ${n.origin}`);
  const own = reads.filter((n) => !n.origin.startsWith("package "));
  if (problems.length > 0) {
    return verdict("not-reproducible", problems[0] as string, [...problems, ...nondeterministic]);
  }
  if (verify !== undefined && verify.ok) {
    const headline = `reproducible: verified on ${verify.at.slice(0, 10)} with the same hashes`;
    const notes = nondeterministic.map((n) => `${n}; the verified outputs did not change`);
    return { kind: "verified", headline, reasons: [headline, ...notes] };
  }
  const hint =
    "replab export and replab report --verify DIR would show whether the outputs depend on it";
  if (own.length > 0) {
    const first = `cell ${own[0]?.cell} ${own[0]?.source}, in ${own[0]?.origin}`;
    return verdict("not-reproducible", first, [...nondeterministic, hint]);
  }
  if (nondeterministic.length > 0) {
    const headline = `not known until verified: ${nondeterministic[0]}`;
    return { kind: "unknown", headline, reasons: [headline, ...nondeterministic.slice(1), hint] };
  }
  const headline =
    "reproducible as recorded, not verified: no failed, stale or nondeterministic cell, and every input has its recorded hash";
  return { kind: "consistent", headline, reasons: [headline] };
}

function verdict(kind: Verdict["kind"], first: string, reasons: string[]): Verdict {
  return { kind, headline: `not reproducible: ${first}`, reasons };
}

function cellProblems(cells: CellRow[]): string[] {
  return cells.flatMap((c) => {
    if (c.status === "error") {
      const why = c.error === undefined ? "" : `: ${c.error.ename}: ${c.error.evalue}`;
      return [`cell ${c.id} failed${why}`];
    }
    if (c.status === "not-run") return [`cell ${c.id} was not run`];
    if (c.stale) {
      const names = c.staleBecause.length > 0 ? ` (${c.staleBecause.join(", ")})` : "";
      return [`cell ${c.id} is stale: a later execution changed what it used${names}`];
    }
    return [];
  });
}

function inputProblems(inputs: FileRow[]): string[] {
  return inputs.flatMap((f) => {
    if (f.onDisk === "differs") return [`input ${f.path} has changed since the run`];
    if (f.onDisk === "missing") return [`input ${f.path} is missing`];
    return [];
  });
}

function verifyProblems(verify: VerifyOutcome | undefined): string[] {
  if (verify === undefined) return [];
  const when = verify.at.slice(0, 10);
  const problems = verify.mismatches.map((m) => `the export in ${verify.dir} ${m}`);
  if (!verify.ok) problems.push(`verify of ${verify.dir} on ${when} failed: ${verify.message}`);
  return problems;
}
