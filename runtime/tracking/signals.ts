/**
 * A `replab run` ended by SIGINT, SIGTERM or SIGHUP leaves its record with status "killed"
 * before the process dies as the signal asks (SIGKILL cannot be caught: that record stays
 * "running", complete as of its last save).
 */
import type { RunTracker } from "./tracker.js";

const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** Mark the run killed on a signal, then die by it; returns the function that stops watching. */
export function markKilledOnSignal(tracker: RunTracker): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    stop();
    tracker.end("killed");
    // With our listener gone, the default action (or the caller's own listener) runs.
    process.kill(process.pid, signal);
  };
  const stop = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return stop;
}
