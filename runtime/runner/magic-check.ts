/**
 * Magics are checked before anything runs, so a typo in the last cell fails in a second
 * with exit 2 instead of after a long run (docs/contracts.md, "Magics").
 */
import { ReplabError } from "../errors.js";
import { parseMagic, strayCode } from "../magics/registry.js";
import { joinSource, type Notebook } from "../notebook/types.js";

const KNOWN: Record<string, string[] | undefined> = {
  lineage: [],
  repro: ["export", "seed", "status", "verify", "runs", "report"],
};

/** Fail with `unknown-magic` naming the first cell whose magic replab does not have. */
export function checkMagics(notebook: Notebook, name: string): void {
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "code") continue;
    const magic = parseMagic(joinSource(cell.source));
    if (magic === undefined) continue;
    const subcommands = KNOWN[magic.name];
    const sub = magic.args[0];
    const known =
      subcommands !== undefined &&
      (subcommands.length === 0 || (sub !== undefined && subcommands.includes(sub)));
    const stray = strayCode(magic);
    if (known && stray !== undefined)
      throw new ReplabError("usage", `${name}: cell ${cell.id}: ${stray}`);
    if (!known) {
      const line = magic.name === "repro" && sub !== undefined ? `%repro ${sub}` : `%${magic.name}`;
      throw new ReplabError(
        "unknown-magic",
        `${name}: cell ${cell.id} uses unknown magic ${line} (replab has %lineage and %repro export|seed|status|verify)`,
      );
    }
  }
}
