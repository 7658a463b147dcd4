#!/usr/bin/env node
/**
 * The `replab` command. Each subcommand lives in its own module and is loaded on demand, so
 * `replab run` never loads ZeroMQ and `replab kernel` never loads the export code.
 * Every subcommand module exports `main(args): Promise<number>` returning the exit code.
 */

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
    load: () => import("../runtime/cli/run.js"),
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
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`);
  return `usage: replab <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version") {
    const { readFile } = await import("node:fs/promises");
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    process.stdout.write(`replab ${String(pkg.version)}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`replab: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.main(rest);
}

dispatch(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `replab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 70;
  },
);
