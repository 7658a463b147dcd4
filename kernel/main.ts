/**
 * `replab kernel CONNECTION_FILE [--js]`: what Jupyter starts. This process answers the
 * protocol (protocol.ts) and never waits on a cell; the cells run in an engine process it
 * starts at once (engine-process.ts, engine.ts), for TypeScript from the warm-compiler
 * snapshot when there is one (docs/startup.md).
 * `replab kernel run NB.ipynb` never gets here: bin/replab.ts sends it to `replab run`.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PACKAGE_ROOT } from "../runtime/paths.js";
import { banner, languageInfo } from "../runtime/session/info.js";
import { sessionSeed } from "../runtime/session/seed-source.js";
import type { Language } from "../runtime/session/types.js";
import { reportError } from "../runtime/cli/exit.js";
import { isHelpFlag, printUsage, usageError } from "../runtime/cli/help.js";
import {
  candidateSnapshot,
  startedFromSnapshot,
  WARM_CHILD_ENV,
  warmEnabled,
} from "../runtime/warm/snapshot.js";
import type { ProtocolData } from "./bridge.js";
import { readConnectionFile, type ConnectionInfo } from "./connection.js";
import { ENGINE_ENV, EngineProcess } from "./engine-process.js";
import { isKernelError } from "./errors.js";
import { log } from "./log.js";
import { notebookLocation, seedFor } from "./notebook-location.js";
import { watchParent } from "./parent.js";

/** `replab help kernel`: the synopsis (also shown after a usage error), what it does, every option. */
export const KERNEL_USAGE = `usage: replab kernel CONNECTION_FILE [--js]
       replab kernel run NB.ipynb ... (the same command as replab run)

The first form is what Jupyter starts, as the kernelspecs replab install writes say: a kernel
for TypeScript, or JavaScript with --js, speaking the Jupyter protocol over ZeroMQ on the
ports CONNECTION_FILE names; cells run in the directory of the notebook JPY_SESSION_NAME names.
The second runs a notebook headless, exactly as replab run does (no ZeroMQ, no Jupyter);
run 'replab help run' for its options.

options:
      --js                a JavaScript kernel (default: TypeScript)
  -h, --help              print this help

exit status: 0 after a shutdown; 1 a port of the connection file could not be bound;
2 a usage error or an unreadable connection file
`;

/** The connection file and language, or "help" for -h/--help (nothing else is then checked). */
function parseArgs(args: string[]): { file: string; language: Language } | "help" {
  let language: Language = "typescript";
  const files: string[] = [];
  for (const arg of args) {
    if (isHelpFlag(arg)) return "help";
    if (arg === "--js") language = "javascript";
    else if (arg.startsWith("-")) throw usageError("kernel", KERNEL_USAGE, `unknown option ${arg}`);
    else files.push(arg);
  }
  const [file] = files;
  if (file === undefined || files.length !== 1) {
    throw usageError(
      "kernel",
      KERNEL_USAGE,
      `expected one connection file, got ${files.length === 0 ? "none" : files.join(" ")}`,
    );
  }
  return { file, language };
}

/** Entry point; resolves with the exit code when the kernel shuts down. */
export async function main(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    return reportError(error);
  }
  if (parsed === "help") return printUsage(KERNEL_USAGE);
  const { file, language } = parsed;
  if (process.env[ENGINE_ENV] === "1") return (await import("./engine.js")).serveEngine(language);
  let connection: ConnectionInfo;
  try {
    connection = readConnectionFile(file);
  } catch (error) {
    if (!isKernelError(error)) throw error;
    process.stderr.write(`replab kernel: ${error.message}\n`);
    return 2;
  }
  // The engine process first: it starts (from the snapshot, deserializing the blob) while
  // this process loads ZeroMQ and binds its sockets.
  const engine = new EngineProcess(language === "typescript" ? engineBlob() : undefined);
  const notebook = notebookLocation();
  const seed = sessionSeed(seedFor(notebook.path), (message) => process.stderr.write(message));
  const data: ProtocolData = {
    connection,
    languageInfo: languageInfo(language),
    banner: banner(language, seed),
    implementationVersion: version(),
  };
  return serveProtocol(data, engine);
}

/**
 * A warm-compiler blob to start a TypeScript engine process from, unless this process
 * started from one (an older kernelspec's launch line) or is a warm child already. The
 * check is cheap (the manifest and the blob's size): the engine checks the typings itself
 * (adoptSnapshot) while this process binds, and starts cold when they changed.
 */
function engineBlob(): string | undefined {
  if (!warmEnabled() || startedFromSnapshot() || process.env[WARM_CHILD_ENV] === "1") return;
  try {
    return candidateSnapshot();
  } catch {
    return undefined;
  }
}

/** The protocol process: its sockets in this thread, the cells in `engine`; ends with it. */
async function serveProtocol(data: ProtocolData, engine: EngineProcess): Promise<number> {
  const { Protocol } = await import("./protocol.js");
  const protocol = new Protocol(data, engine);
  process.on("SIGINT", () => engine.interrupt());
  process.on("SIGTERM", () => engine.stop());
  watchParent(() => {
    log("the process that launched this kernel is gone: shutting down");
    engine.stop();
  });
  protocol.start().catch((error: unknown) => {
    log(`could not start: ${(error as Error).message}`);
    void protocol.close(1);
  });
  const exit = await engine.exited;
  const code = exit.status;
  // An engine that died by itself leaves the sockets open and its requests unanswered:
  // answer them, then close the sockets before exiting.
  if (!engine.asked) await protocol.engineExited(exit);
  await protocol.close(code === 0 ? 0 : 1);
  setImmediate(() => process.exit(code));
  return code;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}
