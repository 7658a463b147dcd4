/**
 * `replab kernel CONNECTION_FILE [--js]`: what Jupyter starts. The main thread hosts the
 * cell engine; the protocol runs in a worker thread (worker.ts) so it never waits on a cell.
 * `replab kernel run NB.ipynb` never gets here: bin/replab.ts sends it to `replab run`.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { Worker } from "node:worker_threads";
import { PACKAGE_ROOT } from "../runtime/paths.js";
import { banner, languageInfo } from "../runtime/session/info.js";
import type { Session, SessionOptions } from "../runtime/session/session.js";
import { sessionSeed } from "../runtime/session/seed-source.js";
import type { Language, OutputSink } from "../runtime/session/types.js";
import { reportError } from "../runtime/cli/exit.js";
import { isHelpFlag, printUsage, usageError } from "../runtime/cli/help.js";
import { describe, toWireJson } from "../runtime/display/wire-json.js";
import { ReplabError } from "../runtime/errors.js";
import { scheduleWarmBuild } from "../runtime/warm/build.js";
import { phase, phaseBegin, phaseEnd } from "../runtime/session/phases.js";
import type {
  CellOutput,
  EngineCall,
  EngineResults,
  ProtocolData,
  ToEngine,
  ToProtocol,
} from "./bridge.js";
import { readConnectionFile, type ConnectionInfo } from "./connection.js";
import { isKernelError } from "./errors.js";
import { log } from "./log.js";
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
  let connection: ConnectionInfo;
  try {
    connection = readConnectionFile(file);
  } catch (error) {
    if (!isKernelError(error)) throw error;
    process.stderr.write(`replab kernel: ${error.message}\n`);
    return 2;
  }
  // A usable warm-compiler snapshot: the kernel runs in a child started from it (unless
  // Node started from it already; a JavaScript kernel starts cold: docs/startup.md).
  const { adoptStartSnapshot, relaunchWarm } = await import("./warm-launch.js");
  const relaunched = await relaunchWarm(language === "javascript");
  if (relaunched !== undefined) return relaunched;
  const notebook = notebookLocation();
  const seed = sessionSeed(seedFor(notebook.path), (message) => process.stderr.write(message));
  const interruptFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const data: ProtocolData = {
    connection,
    languageInfo: languageInfo(language),
    banner: banner(language, seed),
    implementationVersion: version(),
    interruptFlag,
  };
  // The protocol thread first: its isolate and sockets take ~100 ms to come up, the time
  // this thread spends hashing the snapshot's typings and loading the session's modules, so
  // kernel_info is answered that much sooner (bench/RESULTS.md, "Profile").
  const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: data });
  const engine = new EngineHost(worker);
  // Node's default SIGINT handler would end the kernel; here SIGINT means "interrupt the cell".
  process.on("SIGINT", () => engine.session?.interrupt());
  process.on("SIGTERM", () => void engine.stop());
  watchParent(() => {
    log("the process that launched this kernel is gone: shutting down");
    void engine.stop();
  });
  adoptStartSnapshot();
  const session = await startSession(engine, {
    language,
    notebookDir: notebook.dir,
    seed,
    notebookName: notebook.name,
    interruptFlag,
  });
  // Load TypeScript after the sockets are up, so start-up answers kernel_info at once.
  setTimeout(
    () =>
      void session
        .preload()
        .then(() => scheduleWarmBuild(log))
        .catch((e: unknown) => log(`preload failed: ${String(e)}`)),
    0,
  );
  return engine.finished;
}

/** The session, handed to `engine` once made; a session that cannot be made stops the kernel. */
async function startSession(engine: EngineHost, options: SessionOptions): Promise<Session> {
  try {
    const { createSession } = await import("../runtime/session/session.js");
    const session = await createSession(options);
    // The journal names the notebook; what ran before a crash or restart is recovered from it.
    if (options.notebookName !== undefined) session.recorder.serveNotebook(options.notebookName);
    engine.serve(session);
    return session;
  } catch (error) {
    // The protocol thread would keep the process up with its sockets open.
    await engine.stop();
    throw error;
  }
}

/** The notebook the kernel serves: Jupyter Server passes its path in JPY_SESSION_NAME. */
function notebookLocation(): { dir: string; name: string | undefined; path: string | undefined } {
  const session = process.env["JPY_SESSION_NAME"];
  if (session === undefined || session === "")
    return { dir: process.cwd(), name: undefined, path: undefined };
  const path = resolve(process.cwd(), session);
  const dir = dirname(path);
  return { dir: existsSync(dir) ? dir : process.cwd(), name: basename(path), path };
}

/** Seed precedence for a kernel: REPLAB_SEED, then the notebook's metadata.replab.seed, then 42. */
function seedFor(notebookPath: string | undefined): number | undefined {
  if (process.env["REPLAB_SEED"] !== undefined) return undefined;
  if (notebookPath === undefined || !existsSync(notebookPath)) return undefined;
  try {
    const seed = (
      JSON.parse(readFileSync(notebookPath, "utf8")) as {
        metadata?: { replab?: { seed?: unknown } };
      }
    ).metadata?.replab?.seed;
    return Number.isSafeInteger(seed) ? (seed as number) : undefined;
  } catch {
    return undefined;
  }
}

function version(): string {
  const pkg = JSON.parse(readFileSync(resolve(PACKAGE_ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

/** How long stop() waits for the protocol thread to close its sockets before terminating it. */
const STOP_GRACE_MS = 2_000;

/**
 * Serves the protocol thread's engine calls on the main thread. It listens from the worker's
 * start; calls that come before the session exists wait for it (serve), in order.
 */
class EngineHost {
  readonly finished: Promise<number>;
  /** The session, once serve() has it. */
  session: Session | undefined;
  private readonly ready: Promise<Session>;
  private resolveReady: (session: Session) => void = () => undefined;
  private readonly inputs = new Map<
    number,
    { resolve: (v: string) => void; reject: (e: Error) => void }
  >();
  private nextInput = 1;
  /** 1 once the protocol thread said it could not start (its sockets would not bind). */
  private exitCode: 0 | 1 = 0;
  /** Stops the lineage push; set while a frontend holds a lineage comm. */
  private unwatchLineage: (() => void) | undefined;

  constructor(private readonly worker: Worker) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    worker.on("message", (message: ToEngine) => {
      if (message.kind === "shutdown") {
        // Needs no session: a kernel stopped while it starts ends all the same.
        this.exitCode = message.exitCode;
        void this.worker.terminate();
      } else if (this.session !== undefined) {
        // The hot path stays synchronous once the session is there.
        void this.handle(this.session, message);
      } else void this.ready.then((session) => this.handle(session, message));
    });
    worker.on("error", (error) => log(`protocol thread failed: ${error.stack ?? error.message}`));
    this.finished = new Promise((resolveExit) => {
      worker.on("exit", () => {
        void (this.session?.dispose() ?? Promise.resolve()).finally(() => {
          resolveExit(this.exitCode);
          // Timers a cell left behind must not keep a shut-down kernel alive.
          setImmediate(() => process.exit(this.exitCode));
        });
      });
    });
  }

  /** Start answering engine calls with `session` (those that came first, in their order). */
  serve(session: Session): void {
    this.session = session;
    this.resolveReady(session);
  }

  /**
   * End the kernel without a shutdown_request. The protocol thread closes its sockets first
   * and answers "shutdown" (then the message listener terminates it): a worker terminated with zeromq
   * sockets open throws a Napi::Error from the addon's teardown, which aborts the process
   * (SIGABRT, "terminate called after throwing an instance of 'Napi::Error'").
   */
  async stop(): Promise<void> {
    // Under load the sockets may take longer than the grace to close, and a terminated
    // protocol thread aborts the process before dispose() runs: record a killed cell first.
    this.session?.tracker?.endIfCellRunning();
    this.post({ kind: "close" });
    // A protocol thread that cannot answer still goes; the abort is then the lesser harm.
    const timer = setTimeout(() => void this.worker.terminate(), STOP_GRACE_MS);
    timer.unref();
    await new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    clearTimeout(timer);
  }

  private async handle(
    session: Session,
    message: Exclude<ToEngine, { kind: "shutdown" }>,
  ): Promise<void> {
    if (message.kind === "input_reply" || message.kind === "input_refused") {
      const waiting = this.inputs.get(message.id);
      this.inputs.delete(message.id);
      if (message.kind === "input_reply") waiting?.resolve(message.value);
      else waiting?.reject(new ReplabError("stdin-not-allowed", message.message));
      return;
    }
    if (message.kind === "watch_lineage") {
      this.watchLineage(session, message.watching);
      return;
    }
    try {
      if (message.kind === "execute") phaseBegin("engine", message.id);
      const result = await this.answer(session, message);
      phase("execute", message.id);
      this.post({ kind: "reply", id: message.id, result });
      phaseEnd("post", message.id);
    } catch (error) {
      // The protocol thread answers the request with an error reply; the engine carries on.
      const ename = error instanceof Error ? error.name : "Error";
      this.post({ kind: "failed", id: message.id, ename, evalue: describe(error) });
    }
  }

  /** Building and cloning the graph grows with the notebook: do it only for a listening frontend. */
  private watchLineage(session: Session, watching: boolean): void {
    this.unwatchLineage?.();
    this.unwatchLineage = watching
      ? session.onLineageChange((graph) => this.post({ kind: "lineage_changed", graph }))
      : undefined;
  }

  private async answer(
    session: Session,
    call: EngineCall,
  ): Promise<EngineResults[EngineCall["kind"]]> {
    switch (call.kind) {
      case "execute": {
        const { code, cellId, silent, storeHistory, allowStdin, userExpressions } = call;
        return session.execute(
          { code, cellId, silent, storeHistory, allowStdin, userExpressions },
          this.sink(call.id, allowStdin),
        );
      }
      case "complete":
        return session.complete(call.code, call.cursorPos);
      case "inspect":
        return session.inspect(call.code, call.cursorPos, call.detailLevel);
      case "is_complete":
        return session.isComplete(call.code);
      case "lineage":
        return session.lineage();
    }
  }

  private sink(executeId: number, allowStdin: boolean): OutputSink {
    const output = (o: CellOutput): void => this.post({ kind: "output", executeId, output: o });
    return {
      stream: (name, text) => output({ type: "stream", name, text }),
      display: (data, metadata, displayId, update) =>
        output({ type: "display", data, metadata, displayId, update }),
      clearOutput: (wait) => output({ type: "clear", wait }),
      input: (prompt, password) => {
        if (!allowStdin)
          return Promise.reject(
            new ReplabError(
              "stdin-not-allowed",
              "this frontend does not accept input requests (allow_stdin is false)",
            ),
          );
        const id = this.nextInput++;
        this.post({ kind: "input_request", id, executeId, prompt, password });
        return new Promise((resolveInput, reject) =>
          this.inputs.set(id, { resolve: resolveInput, reject }),
        );
      },
    };
  }

  /** Post to the protocol thread as wire JSON (toWireJson), so any value a cell produced can be sent. */
  private post(message: ToProtocol): void {
    this.worker.postMessage(toWireJson(message));
  }
}
