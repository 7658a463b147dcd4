/**
 * `replab run` arguments (docs/contracts.md, "CLI"). Parsing is the boundary: after it, options are
 * typed and checked, and every mistake is a usage error naming the argument.
 */
import { usageError } from "../cli/help.js";
import type { ReplabError } from "../errors.js";
import { parameterNameProblem } from "./names.js";

export interface RunOptions {
  notebooks: string[];
  output: string | undefined;
  inplace: boolean;
  parameters: Map<string, unknown>;
  seed: number | undefined;
  check: boolean;
  allowErrors: boolean;
  /** Per-cell limit in milliseconds. */
  timeoutMs: number | undefined;
  quiet: boolean;
  jobs: number;
  /** A Jupyter Server (or Enterprise Gateway) URL to run the kernel on, with its token. */
  server: string | undefined;
  token: string;
  /** An MLflow tracking server to log the run to (default: $MLFLOW_TRACKING_URI). */
  mlflow: string | undefined;
  /** -h or --help was given: print RUN_USAGE; nothing else was checked. */
  help: boolean;
}

/** `replab help run`: the synopsis (also shown after a usage error), what it does, every option. */
export const RUN_USAGE = `usage: replab run NB.ipynb [NB2.ipynb ...] [-o OUT.ipynb | --inplace] [-p NAME=VALUE]...
                  [--seed N] [--check] [--allow-errors] [--timeout S] [--quiet] [-j N]
                  [--server URL [--token T]] [--mlflow URI]
       replab kernel run NB.ipynb ... (the same command)

Run each notebook's code cells top to bottom in a fresh session, headless (no Jupyter, no
ZeroMQ), and store their outputs, the seed and the lineage in the notebook. The result goes to
NB.out.ipynb beside NB.ipynb (never replaced: pass -o or --inplace), to OUT.ipynb with -o, or
over NB.ipynb with --inplace. Cells run in the notebook's directory.

options:
  -o, --output OUT.ipynb  write the executed notebook to OUT.ipynb (one notebook only)
      --inplace           write the executed notebook over NB.ipynb
  -p, --parameter NAME=VALUE
                          set NAME in a cell inserted after the cell tagged "parameters";
                          VALUE is JSON when it parses as JSON, else a string (as in papermill);
                          a NAME that cell does not declare is set, with a warning
      --seed N            the notebook's seed; overrides REPLAB_SEED and metadata.replab.seed
      --check             compare every cell's outputs with those stored in NB.ipynb and name
                          the first that differs (one flagged nondeterministic, as a clock read,
                          is marked, not failed); writes nothing unless -o or --inplace is given
      --allow-errors      run every cell even after one fails, recording its error; exit 0
      --timeout S         interrupt a cell that runs longer than S seconds (it then fails)
  -q, --quiet             print only errors
  -j, --jobs N            run up to N notebooks at a time, each in its own process (default 1)
      --server URL        run on a kernel of the Jupyter Server or Enterprise Gateway at URL
      --token T           that server's token (default: $JUPYTER_TOKEN)
      --mlflow URI        also log the run to the MLflow tracking server at URI (default:
                          $MLFLOW_TRACKING_URI); an unreachable server is a warning
  -h, --help              print this help

exit status: 0 every cell ran (or --allow-errors); 1 a cell failed or --check found different
outputs; 2 a usage error or an unreadable notebook, with nothing written
`;

const usage = (message: string): ReplabError => usageError("run", RUN_USAGE, message);

/** Parse `replab run` arguments. */
export function parseRunArgs(args: string[]): RunOptions {
  const options: RunOptions = {
    notebooks: [],
    output: undefined,
    inplace: false,
    parameters: new Map(),
    seed: undefined,
    check: false,
    allowErrors: false,
    timeoutMs: undefined,
    quiet: false,
    jobs: 1,
    server: undefined,
    token: process.env["JUPYTER_TOKEN"] ?? "",
    mlflow: undefined,
    help: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw usage(`${arg} needs a value`);
      return next;
    };
    switch (arg) {
      case "-o":
      case "--output":
        options.output = value();
        break;
      case "--inplace":
        options.inplace = true;
        break;
      case "-p":
      case "--parameter":
        addParameter(options.parameters, value());
        break;
      case "--seed":
        options.seed = integer(arg, value(), Number.MIN_SAFE_INTEGER);
        break;
      case "--check":
        options.check = true;
        break;
      case "--allow-errors":
        options.allowErrors = true;
        break;
      case "--timeout":
        options.timeoutMs = positiveSeconds(value());
        break;
      case "--quiet":
      case "-q":
        options.quiet = true;
        break;
      case "-j":
      case "--jobs":
        options.jobs = integer(arg, value(), 1);
        break;
      case "--server":
        options.server = value();
        break;
      case "--token":
        options.token = value();
        break;
      case "--mlflow":
        options.mlflow = value();
        break;
      case "-h":
      case "--help":
        return { ...options, help: true };
      default:
        if (arg.startsWith("-")) throw usage(`unknown option ${arg}`);
        options.notebooks.push(arg);
    }
  }
  return validate(options);
}

function validate(options: RunOptions): RunOptions {
  if (options.notebooks.length === 0) throw usage("no notebook given");
  if (options.output !== undefined && options.inplace)
    throw usage("-o and --inplace exclude each other");
  if (options.output !== undefined && options.notebooks.length > 1) {
    throw usage(
      "-o names one output; with several notebooks use --inplace or the default NAME.out.ipynb",
    );
  }
  return options;
}

function addParameter(parameters: Map<string, unknown>, text: string): void {
  const eq = text.indexOf("=");
  const name = eq === -1 ? "" : text.slice(0, eq);
  const problem = parameterNameProblem(name);
  if (problem !== undefined) throw usage(`-p ${text}: ${problem}`);
  parameters.set(name, parseValue(text.slice(eq + 1)));
}

/** Papermill's convention: a value that is valid JSON is that value, anything else a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function integer(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw usage(`${flag} ${text}: expected an integer${min > 0 ? ` >= ${min}` : ""}`);
  }
  return n;
}

/** The longest delay setTimeout keeps (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positiveSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw usage(`--timeout ${text}: expected a number of seconds > 0`);
  // Under 1 ms would round to 0 (shown as "0 s"); over Node's timer limit it would fire at once.
  if (n < 0.001) throw usage(`--timeout ${text}: expected at least 0.001 seconds (1 ms)`);
  if (n * 1000 > MAX_TIMER_MS)
    throw usage(`--timeout ${text}: expected at most ${Math.floor(MAX_TIMER_MS / 1000)} seconds`);
  return Math.round(n * 1000);
}
