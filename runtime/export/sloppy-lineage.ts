/**
 * What the lineage misses about a JavaScript export's undeclared globals (`x = 5`): the
 * observed lineage records no such name as defined or used, so a `--target` slice could leave
 * out the cell that assigned a global a kept cell reads, `--target x` would not find x, and a
 * cell that read a global whose assigning cell ran again after it would not be called stale.
 * The export adds those definitions and var edges before it slices and checks (export.ts).
 */
import ts from "../compiler/typescript.cjs";
import { globalAssignmentTargets, isGlobalReference } from "../compiler/const-checks.js";
import { cellSyntax } from "../compiler/syntax.js";
import { isBindingName } from "../lineage/scopes.js";
import type { LineageEdge } from "../lineage/types.js";
import { namesVariable, planSloppy } from "./sloppy.js";
import type { ExportSource } from "./source.js";

/**
 * The source with its undeclared globals in the lineage: each cell that assigns one defines it;
 * a var edge goes to each cell that reads the name from each earlier cell that assigns it (what
 * a slice keeps), and to a cell that reads it without `typeof` before any cell assigns it, from
 * the later assigners, when an execution before it is not in the export: that cell read one the
 * export no longer holds (refuseStale names it).
 */
export function withSloppyLineage(source: ExportSource): ExportSource {
  if (source.language !== "javascript") return source;
  const implicit = planSloppy(source.cells.map((c) => c.source)).globals.at(-1);
  if (implicit === undefined || implicit.size === 0) return source;
  const uses = source.cells.map((c) =>
    globalUses(cellSyntax(c.source, "javascript").sourceFile, implicit),
  );
  const edges = source.cells.flatMap((_cell, j) =>
    [...(uses[j]?.reads ?? [])].flatMap((name) => edgesTo(source, uses, j, name)),
  );
  const cells = source.cells.map((cell, i) => ({
    ...cell,
    defines: [...new Set([...cell.defines, ...(uses[i]?.assigns ?? [])])],
  }));
  const lineage = { ...source.lineage, edges: [...source.lineage.edges, ...edges] };
  return { ...source, cells, lineage };
}

/** How one cell uses the undeclared globals (see withSloppyLineage). */
interface GlobalUses {
  assigns: Set<string>;
  /** Mentioned other than as the target of a plain `=`. */
  reads: Set<string>;
  /** Read other than as `typeof x`: a read that throws when x does not exist. */
  strictReads: Set<string>;
}

/** The var edges into cell J for NAME, which it reads. */
function edgesTo(source: ExportSource, uses: GlobalUses[], j: number, name: string): LineageEdge[] {
  const assigners = source.cells.flatMap((_c, i) =>
    i !== j && uses[i]?.assigns.has(name) === true ? [i] : [],
  );
  const earlier = assigners.filter((i) => i < j);
  const own = uses[j]?.assigns.has(name) === true;
  const unassigned = earlier.length === 0 && !own && uses[j]?.strictReads.has(name) === true;
  // With every execution before it in the export, what the cell read came from one of them
  // (a guarded read, `if (typeof x !== "undefined") f(x)`): nothing it used was lost.
  const stale = unassigned && lostBefore(source, j);
  const from = stale ? assigners : earlier;
  const to = source.cells[j]?.id ?? "";
  return from.map((i) => ({ from: source.cells[i]?.id ?? "", to, kind: "var", label: name }));
}

/** True when an execution before cell J's is not in the export (run again since, failed or a magic). */
function lostBefore(source: ExportSource, j: number): boolean {
  const counts = new Set(source.cells.map((c) => c.executionCount));
  const count = source.cells[j]?.executionCount ?? 0;
  for (let n = 1; n < count; n++) if (!counts.has(n)) return true;
  return false;
}

/** What a cell assigns and reads of the undeclared globals in IMPLICIT. */
function globalUses(file: ts.SourceFile, implicit: ReadonlySet<string>): GlobalUses {
  const targets = globalAssignmentTargets(file).filter((t) => implicit.has(t.text));
  const written = new Set(targets.filter(isPlainWrite));
  const uses: GlobalUses = {
    assigns: new Set(targets.map((t) => t.text)),
    reads: new Set(),
    strictReads: new Set(),
  };
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && implicit.has(node.text) && !written.has(node) && isRead(node)) {
      uses.reads.add(node.text);
      if (!ts.isTypeOfExpression(node.parent)) uses.strictReads.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return uses;
}

/** True when the identifier reads the global: not a property's or a declaration's name, not shadowed. */
function isRead(node: ts.Identifier): boolean {
  return namesVariable(node) && !isBindingName(node.parent, node) && isGlobalReference(node);
}

function isPlainWrite(target: ts.Identifier): boolean {
  const parent = target.parent;
  return (
    ts.isBinaryExpression(parent) &&
    parent.left === target &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken
  );
}
