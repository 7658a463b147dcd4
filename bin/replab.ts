#!/usr/bin/env node
/**
 * The `replab` command. Each subcommand lives in its own module and is loaded on demand, so
 * `replab run` never loads ZeroMQ and `replab kernel` never loads the export code.
 * Every subcommand module exports `main(args): Promise<number>` returning the exit code, and
 * answers -h and --help with its own usage text; `replab help COMMAND` is `replab COMMAND --help`.
 * `replab kernel run ...` is `replab run ...` (the same module: no ZeroMQ, no kernel/).
 */
import { writeSync } from "node:fs";
import { ReplabError } from "../runtime/errors.js";

type Main = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ main: Main }> }> = {
  install: {
    summary: "install the replab kernelspecs and the lineage viewer into Jupyter",
    load: () => import("../kernel/install.js"),
  },
  kernel: {
    summary: "start a kernel (what Jupyter runs): replab kernel CONNECTION_FILE [--js]",
    load: () => import("../kernel/main.js"),
  },
  run: {
    summary: "run a notebook headless: replab run NB.ipynb [-o OUT | --inplace] ...",
    // Decides a relaunch before loading runtime/cli/run.js, which it then loads if need be.
    load: () => import("../runtime/runner/early-relaunch.js"),
  },
  export: {
    summary: "export a notebook as a deterministic pipeline: replab export NB.ipynb -o DIR",
    load: () => import("../runtime/cli/export.js"),
  },
  verify: {
    summary: "re-run an exported pipeline and compare with repro.lock.json: replab verify DIR",
    load: () => import("../runtime/cli/verify.js"),
  },
  lineage: {
    summary: "print the lineage stored in an executed notebook: replab lineage NB.ipynb",
    load: () => import("../runtime/cli/lineage.js"),
  },
  report: {
    summary: "write the audit report of an executed notebook: replab report NB.ipynb -o FILE",
    load: () => import("../runtime/cli/report.js"),
  },
  runs: {
    summary: "list, show and compare a notebook's run records: replab runs NB.ipynb",
    load: () => import("../runtime/cli/runs.js"),
  },
};

const HINT = "run 'replab help' for the commands, 'replab help COMMAND' for one's options";

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: replab COMMAND [options]
       replab help [COMMAND]    (or replab COMMAND --help): a command's usage and options
       replab --version

commands:
${lines.join("\n")}
  kernel run the same as run: replab kernel run NB.ipynb [run options]

exit status: 0 ok; 1 the command failed (a cell, a check, an export, a verify); 2 a usage
error or an unreadable input
`;
}

/** What the arguments ask for: a command module and its arguments, text to print, or a usage error. */
type Route =
  | { kind: "command"; load: () => Promise<{ main: Main }>; args: string[] }
  | { kind: "print"; text: string }
  | { kind: "version" }
  | { kind: "error"; error: ReplabError; usage: boolean };

function route(argv: string[]): Route {
  const [name, ...rest] = argv;
  if (name === undefined) {
    return { kind: "error", error: new ReplabError("usage", "no command given"), usage: true };
  }
  if (name === "--help" || name === "-h" || (name === "help" && rest.length === 0)) {
    return { kind: "print", text: usage() };
  }
  // `replab help run` is `replab run --help`, so each command's usage has one owner: its module.
  if (name === "help") return route([...rest, "--help"]);
  if (name === "--version") return { kind: "version" };
  if (name === "kernel" && rest[0] === "run") {
    return { kind: "command", load: COMMANDS["run"]!.load, args: rest.slice(1) };
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    const what = name.startsWith("-") ? `unknown option ${name}` : `unknown command '${name}'`;
    return { kind: "error", error: new ReplabError("usage", `${what}\n${HINT}`), usage: false };
  }
  return { kind: "command", load: command.load, args: rest };
}

async function dispatch(argv: string[]): Promise<number> {
  const target = route(argv);
  switch (target.kind) {
    case "print":
      process.stdout.write(target.text);
      return 0;
    case "version": {
      const { readFile } = await import("node:fs/promises");
      const pkg = JSON.parse(
        await readFile(new URL("../../package.json", import.meta.url), "utf8"),
      ) as { version: unknown };
      process.stdout.write(`replab ${String(pkg.version)}\n`);
      return 0;
    }
    case "error":
      process.stderr.write(
        `replab: ${target.error.message}\n${target.usage ? `\n${usage()}` : ""}`,
      );
      return 2;
    case "command":
      return (await target.load()).main(target.args);
  }
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // fd 2 itself: while cells run, process.stderr.write is routed into the cell's output,
    // and a run that failed after its last cell said nothing at all.
    writeSync(
      2,
      `replab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
