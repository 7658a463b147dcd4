/**
 * `replab install [--user | --sys-prefix | --prefix DIR]`: kernelspecs `replab` and
 * `replab-js` (with logos) and the prebuilt lineage viewer, written straight into the
 * Jupyter data directory. No Python needed (tslab's installer fails without IPython).
 * Each folder is written beside its destination and renamed into place. It then starts the
 * background build of the warm-compiler snapshot, so the first kernel starts warm too.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { runCommand } from "../runtime/cli/exit.js";
import { isHelpFlag, printUsage, usageError } from "../runtime/cli/help.js";
import { ReplabError } from "../runtime/errors.js";
import { PACKAGE_ROOT } from "../runtime/paths.js";
import { scheduleWarmBuild } from "../runtime/warm/build.js";

type Target = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

/** `replab help install`: the synopsis (also shown after a usage error), what it does, every option. */
export const INSTALL_USAGE = `usage: replab install [--user | --sys-prefix | --prefix DIR]

Install the Jupyter kernelspecs "replab" (TypeScript) and "replab-js" (JavaScript), which
start replab kernel, and the lineage viewer JupyterLab extension into a Jupyter data
directory, replacing an earlier install. No Python needed. Then starts building the
TypeScript kernel's warm-compiler snapshot in the background (REPLAB_WARM=0: not), so the
first kernel starts warm.

options:
      --user              the user's data directory (the default): $JUPYTER_DATA_DIR, else
                          $XDG_DATA_HOME/jupyter (~/.local/share/jupyter), ~/Library/Jupyter
                          on macOS, %APPDATA%\\jupyter on Windows
      --sys-prefix        the active virtualenv's or conda environment's share/jupyter
                          ($VIRTUAL_ENV or $CONDA_PREFIX)
      --prefix DIR        DIR/share/jupyter
  -h, --help              print this help

exit status: 0 installed; 2 a usage error, or --sys-prefix with no active environment
`;

/** Entry point; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  return runCommand(async () => {
    const target = parseArgs(args);
    if (target === "help") return printUsage(INSTALL_USAGE);
    const dataDir = dataDirFor(target);
    if (dataDir === undefined) {
      throw new ReplabError(
        "usage",
        "--sys-prefix needs an active virtualenv or conda environment (VIRTUAL_ENV or CONDA_PREFIX); activate one, or pass --user or --prefix DIR",
      );
    }
    const written = installInto(dataDir);
    for (const path of written) process.stdout.write(`installed ${path}\n`);
    // So the first kernel after an install starts warm too (2 s of CPU here, at low priority)
    // instead of starting cold and building it then, beside the user's first cells.
    scheduleWarmBuild((line) => process.stderr.write(`replab install: ${line}\n`));
    return 0;
  });
}

/** The target directory, or "help" for -h/--help (nothing else is then checked). */
function parseArgs(args: string[]): Target | "help" {
  let target: Target = { kind: "user" };
  let chosen: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    let next: Target;
    if (isHelpFlag(arg)) return "help";
    else if (arg === "--user") next = { kind: "user" };
    else if (arg === "--sys-prefix") next = { kind: "sys-prefix" };
    else if (arg === "--prefix") {
      const dir = args[++i];
      if (dir === undefined || dir === "") throw usage("--prefix needs a directory");
      next = { kind: "prefix", dir };
    } else if (arg.startsWith("-")) throw usage(`unknown option ${arg}`);
    else throw usage(`unexpected argument ${arg}`);
    if (chosen !== undefined) {
      throw usage(
        chosen === arg ? `${arg} given twice` : `${chosen} and ${arg} exclude each other`,
      );
    }
    chosen = arg;
    target = next;
  }
  return target;
}

function usage(message: string): ReplabError {
  return usageError("install", INSTALL_USAGE, message);
}

/** Jupyter's data directory for the target, as jupyter_core computes it. */
export function dataDirFor(target: Target): string | undefined {
  if (target.kind === "prefix") return join(target.dir, "share", "jupyter");
  if (target.kind === "sys-prefix") {
    const prefix = process.env["VIRTUAL_ENV"] ?? process.env["CONDA_PREFIX"];
    return prefix === undefined ? undefined : join(prefix, "share", "jupyter");
  }
  const explicit = process.env["JUPYTER_DATA_DIR"];
  if (explicit !== undefined && explicit !== "") return explicit;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env["APPDATA"] ?? homedir(), "jupyter");
  return join(process.env["XDG_DATA_HOME"] ?? join(homedir(), ".local", "share"), "jupyter");
}

/** Write both kernelspecs and the viewer into `dataDir`; returns what was written. */
export function installInto(dataDir: string): string[] {
  const entry = join(PACKAGE_ROOT, "dist", "bin", "replab.js");
  const specs = [
    {
      name: "replab",
      display: "TypeScript (replab)",
      language: "typescript",
      extra: [] as string[],
    },
    { name: "replab-js", display: "JavaScript (replab)", language: "javascript", extra: ["--js"] },
  ];
  const written: string[] = [];
  for (const spec of specs) {
    const dir = join(dataDir, "kernels", spec.name);
    const kernelJson = {
      // Plain Node: the kernel starts its engine process from the warm-compiler snapshot
      // itself when there is one (docs/startup.md).
      argv: [process.execPath, entry, "kernel", "{connection_file}", ...spec.extra],
      display_name: spec.display,
      language: spec.language,
      interrupt_mode: "message",
      metadata: { replab: { version: 1 } },
    };
    replaceDir(dir, (tmp) => {
      writeFileSync(join(tmp, "kernel.json"), `${JSON.stringify(kernelJson, null, 2)}\n`);
      for (const logo of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) {
        // Each language has its own mark, so the launcher tells the two kernels apart.
        cpSync(join(PACKAGE_ROOT, "assets", spec.language, logo), join(tmp, logo));
      }
    });
    written.push(dir);
  }
  const viewer = join(PACKAGE_ROOT, "extensions", "lineage-viewer", "labextension");
  if (existsSync(join(viewer, "package.json"))) {
    const dir = join(dataDir, "labextensions", "@replab", "lineage-viewer");
    replaceDir(dir, (tmp) => cpSync(viewer, tmp, { recursive: true }));
    written.push(dir);
  } else {
    process.stderr.write(
      "replab install: the lineage viewer is not built in this checkout; run `bash extensions/lineage-viewer/build.sh`, then install again\n",
    );
  }
  return written;
}

/** Build a folder beside `dir`, then swap it in, so an interrupted install leaves the old one whole. */
function replaceDir(dir: string, fill: (tmp: string) => void): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  fill(tmp);
  const old = `${dir}.old-${process.pid}`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
}
