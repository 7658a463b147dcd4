/**
 * The interrupt relay: a worker thread of an engine process (engine-process.ts). It reads the
 * pipe (a socket pair) the protocol process writes a byte to for each interrupt, and sets the
 * engine's interrupt flag, which a loop spinning after an await checks while the main thread
 * is busy, and sends its process SIGINT, which stops a synchronous loop or a pending await. When the
 * pipe closes, the protocol process is gone: an engine whose main thread heard it too has
 * ended by itself (its run record says which cell was killed); one still there after
 * LINGER_MS is spinning in a cell and never will, so the relay kills it, as the kill of a
 * one-process kernel would have (its run record stays as last saved).
 */
import { Socket } from "node:net";
import { workerData } from "node:worker_threads";
import { RELAY_LISTENING, type RelayData } from "./bridge.js";

/** How long the engine has to end by itself once the protocol process is gone (dispose, MLflow). */
const LINGER_MS = 5_000;

const { flag, fd } = workerData as RelayData;
const stop = new Int32Array(flag);
const interrupt = (): void => {
  Atomics.store(stop, 0, 1);
  process.kill(process.pid, "SIGINT");
};
const pipe = new Socket({ fd, readable: true, writable: true });
pipe.on("data", interrupt);
pipe.on("error", () => undefined);
pipe.on("close", () => {
  // Not unref'd: the engine unrefs this thread, and the timer is what keeps it up.
  setTimeout(() => process.kill(process.pid, "SIGKILL"), LINGER_MS);
});
// Told through the pipe itself, not the main thread, which may be spinning in a cell by now.
pipe.write(RELAY_LISTENING);
