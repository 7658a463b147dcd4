/**
 * `%repro verify DIR` (docs/contracts.md, "Magics"): run an exported pipeline and compare it
 * with its repro.lock.json.
 */
import { isAbsolute, join } from "node:path";
import { ReplabError } from "../errors.js";
import { verifyExport } from "../export/verify.js";
import type { MagicHandler } from "./registry.js";
import { counted } from "../words.js";

/** What the magic needs from the session. */
export interface ReproVerifyServices {
  engine: { readonly notebookDir: string };
}

/** The handler for `%repro verify`; a difference is a cell error naming it (ReplabError "verify-mismatch"/"hash-mismatch"). */
export const reproVerify: MagicHandler<ReproVerifyServices> = async ({ args, sink, services }) => {
  const words = args[0] === "verify" ? args.slice(1) : args;
  const target = words[0];
  if (target === undefined || words.length > 1) {
    throw new ReplabError("usage", "usage: %repro verify DIR");
  }
  const root = services.engine.notebookDir;
  const dir = isAbsolute(target) ? target : join(root, target);
  const result = await verifyExport(dir, undefined, root);
  sink.stream(
    "stdout",
    `verified ${target}: ${counted(result.cells, "cell")} and ${counted(result.files, "data file")} match repro.lock.json\n`,
  );
  return undefined;
};
