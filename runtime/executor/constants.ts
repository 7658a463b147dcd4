/**
 * The run-time half of `const` in JavaScript cells (compiler/const-checks.ts): which notebook
 * globals are constants, so assigning one throws the TypeError Node would throw.
 */

/** The notebook's constants; one per session. */
export class NotebookConstants {
  private readonly names = new Set<string>();

  /** A cell starts: CONSTANTS are its `const` names, OTHERS the names it declares otherwise. */
  declare(constants: readonly string[], others: readonly string[]): void {
    for (const name of others) this.names.delete(name);
    for (const name of constants) this.names.add(name);
  }

  /** The name an assignment writes, or the TypeError for a constant. */
  assignTarget(name: string): string {
    if (this.names.has(name)) throw new TypeError("Assignment to constant variable.");
    return name;
  }
}

/** The runtime global's entries the rewritten JavaScript cells call. */
export function constantsGlobal(constants: NotebookConstants): {
  declareConsts: (constants: readonly string[], others: readonly string[]) => void;
  assignTarget: (name: string) => string;
} {
  return {
    declareConsts: (c, o) => constants.declare(c, o),
    assignTarget: (name) => constants.assignTarget(name),
  };
}
