/**
 * `replab run` arguments (DESIGN.md "CLI"). Parsing is the boundary: after it, options are
 * typed and checked, and every mistake is a usage error naming the argument.
 */
import { ReplabError } from "../errors.js";

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
}

export const RUN_USAGE = `usage: replab run NB.ipynb [NB2.ipynb ...] [-o OUT.ipynb | --inplace] [-p NAME=VALUE]...
                  [--seed N] [--check] [--allow-errors] [--timeout S] [--quiet] [-j N]
                  [--server URL [--token T]]
`;

const usage = (message: string): ReplabError =>
  new ReplabError("usage", `${message}\n${RUN_USAGE}`);

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
  if (!/^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(name)) {
    throw usage(`-p ${text}: expected NAME=VALUE with NAME a JavaScript identifier`);
  }
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

function positiveSeconds(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0)
    throw usage(`--timeout ${text}: expected a number of seconds > 0`);
  return Math.round(n * 1000);
}
