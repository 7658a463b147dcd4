/** `replab verify DIR [--data DATA_DIR]`: re-run an exported pipeline and compare it with repro.lock.json. */
import { writeRealStderr } from "../executor/capture.js";
import { ReplabError } from "../errors.js";
import { verifyExport } from "../export/verify.js";
import { runCommand } from "./exit.js";

const USAGE = "usage: replab verify DIR [--data DATA_DIR]";

/** Entry point of `replab verify`. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    let dir: string | undefined;
    let data: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i] as string;
      if (arg === "--data") data = args[++i] ?? usage("--data needs a value");
      else if (arg.startsWith("-") || dir !== undefined) usage(`unexpected argument ${arg}`);
      else dir = arg;
    }
    if (dir === undefined) usage("no export directory given");
    const result = await verifyExport(dir, data);
    writeRealStderr(
      `replab: verified ${dir}: ${result.cells} cells and ${result.files} data files match repro.lock.json\n`,
    );
    return 0;
  });
}

function usage(message: string): never {
  throw new ReplabError("usage", `${message}\n${USAGE}`);
}
