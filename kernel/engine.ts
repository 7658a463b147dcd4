/**
 * The engine process's entry (engine-process.ts starts it): a session serving the protocol
 * process over the IPC channel, SIGINT interrupting the running cell, SIGTERM or the
 * protocol process's end stopping the kernel. A TypeScript engine started from the
 * warm-compiler snapshot first checks the snapshot is still right (adoptSnapshot).
 */
import { Worker } from "node:worker_threads";
import type { Session } from "../runtime/session/session.js";
import { sessionSeed } from "../runtime/session/seed-source.js";
import type { Language } from "../runtime/session/types.js";
import { scheduleWarmBuild } from "../runtime/warm/build.js";
import { adoptSnapshot } from "../runtime/warm/snapshot.js";
import { EngineHost } from "./engine-host.js";
import { announceInterruptible, parentProcessLink, RELAY_FD } from "./engine-process.js";
import type { ProtocolLink, RelayData } from "./bridge.js";
import { log } from "./log.js";
import { notebookLocation, seedFor } from "./notebook-location.js";
import { watchParent } from "./parent.js";

/** Serve cells until the protocol process is gone; resolves with the exit code. */
export async function serveEngine(language: Language): Promise<number> {
  const relay: RelayData = {
    flag: new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT),
    fd: RELAY_FD,
  };
  const engine = new EngineHost(withRelay(parentProcessLink(), relay));
  // Node's default SIGINT handler would end the engine; here SIGINT means "interrupt the cell".
  process.on("SIGINT", () => engine.session?.interrupt());
  process.on("SIGTERM", () => void engine.stop());
  announceInterruptible();
  // The IPC channel closes with the protocol process; the poll covers a channel left open.
  watchParent(() => void engine.stop());
  const dropped = adoptSnapshot();
  if (dropped !== undefined)
    log(`not using the warm-compiler snapshot (${dropped}): starting cold`);
  const notebook = notebookLocation();
  const session = await startSession(engine, {
    language,
    notebookDir: notebook.dir,
    // The protocol process warned already about a REPLAB_SEED that is not an integer.
    seed: sessionSeed(seedFor(notebook.path), () => undefined),
    notebookName: notebook.name,
    interruptFlag: relay.flag,
  });
  // Load the compiler once the first calls are answered or queued (a cell already queued
  // loads it itself: Session.preload waits for it).
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
async function startSession(
  engine: EngineHost,
  options: import("../runtime/session/session.js").SessionOptions,
): Promise<Session> {
  try {
    const { createSession } = await import("../runtime/session/session.js");
    const session = await createSession(options);
    // The journal names the notebook; what ran before a crash or restart is recovered from it.
    if (options.notebookName !== undefined) session.recorder.serveNotebook(options.notebookName);
    engine.serve(session);
    return session;
  } catch (error) {
    // The protocol process would keep its sockets open.
    await engine.stop();
    throw error;
  }
}

/**
 * `link`, starting the interrupt relay (interrupt-relay.ts) when the first cell arrives:
 * before any cell can spin, but after start-up, since the relay's thread boots from the blob
 * too (~100 ms of CPU), which would slow the first result on a 2-core machine.
 */
function withRelay(link: ProtocolLink, relay: RelayData): ProtocolLink {
  let started = false;
  return {
    ...link,
    listen: (listener) =>
      link.listen((message) => {
        if (message.kind === "execute" && !started) {
          started = true;
          startRelay(relay);
        }
        listener(message);
      }),
  };
}

/** Start the interrupt relay thread; it tells the protocol process itself once it is up. */
function startRelay(data: RelayData): void {
  const relay = new Worker(new URL("./interrupt-relay.js", import.meta.url), { workerData: data });
  relay.unref();
  relay.on("error", (error) => log(`interrupt relay failed: ${error.message}`));
}
