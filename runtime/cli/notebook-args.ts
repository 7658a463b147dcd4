/**
 * The arguments of the commands that render one notebook's stored run (`replab lineage`,
 * `replab report`): `NB.ipynb [--format F] [-o FILE]` plus the command's own valued options,
 * parsed in one place so the commands cannot drift apart in what they accept.
 */
import { isHelpFlag } from "./help.js";

/** What such a command was asked: its notebook, format, output file and own options. */
export interface NotebookOutputArgs<F extends string> {
  notebook: string;
  format: F;
  /** undefined: stdout. */
  output: string | undefined;
  /** The command's own valued options given (`--verify` -> DIR). */
  options: Map<string, string>;
}

/** What a command accepts: its formats (the first is the default) and its own valued options. */
export interface NotebookOutputSpec<F extends string> {
  formats: readonly [F, ...F[]];
  /** Option -> the usage message when its value is missing. */
  valued?: Record<string, string>;
}

/** Parse ARGS, or "help" for -h/--help (nothing else is then checked); `usage` throws the command's usage error. */
export function parseNotebookOutputArgs<F extends string>(
  args: string[],
  spec: NotebookOutputSpec<F>,
  usage: (message: string) => never,
): NotebookOutputArgs<F> | "help" {
  let format = spec.formats[0];
  let output: string | undefined;
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const missing = spec.valued?.[arg];
    if (arg === "--format" || arg === "-f") {
      const value = args[++i];
      if (!spec.formats.includes(value as F))
        usage(`--format must be one of ${spec.formats.join(", ")}`);
      format = value as F;
    } else if (arg === "-o" || arg === "--output") {
      output = args[++i] ?? usage("-o needs a file");
    } else if (missing !== undefined) {
      options.set(arg, args[++i] ?? usage(missing));
    } else if (isHelpFlag(arg)) return "help";
    else if (arg.startsWith("-")) usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) usage(`expected one notebook, got ${positional.length}`);
  return { notebook: positional[0] as string, format, output, options };
}
