/**
 * Per-cell time limits. A cell waiting on a promise is stopped through engine.interrupt();
 * a cell stuck in a synchronous loop blocks this thread's timers, so a worker thread sends
 * the process SIGINT (again every 250 ms until the cell ends), which the executor's vm
 * breakOnSigint turns into an interrupt, and sets the engine's interrupt flag, which stops
 * a loop that runs after an await.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";

const WATCHDOG = `
const { workerData } = require("node:worker_threads");
const flag = workerData.flag && new Int32Array(workerData.flag);
const kick = () => { if (flag) Atomics.store(flag, 0, 1); process.kill(workerData.pid, "SIGINT"); };
// Repeat: the first signal may land before the cell's script starts (while it compiles).
setTimeout(() => { kick(); setInterval(kick, 250); }, workerData.ms);
`;

/** Run `work`; after `ms` call `interrupt` (and SIGINT this process, set `flag`); reports whether time ran out. */
export async function withTimeout<T>(
  work: () => Promise<T>,
  ms: number | undefined,
  interrupt: () => void,
  flag: SharedArrayBuffer | undefined,
): Promise<{ value: T; timedOut: boolean }> {
  if (ms === undefined) return { value: await work(), timedOut: false };
  let timedOut = false;
  const onSigint = (): void => {
    timedOut = true;
    interrupt();
  };
  // While our listener is installed, SIGINT outside a running script interrupts instead of killing us.
  process.on("SIGINT", onSigint);
  const timer = setTimeout(onSigint, ms);
  const watchdog = new Worker(WATCHDOG, {
    eval: true,
    workerData: { pid: process.pid, ms: ms + 50, flag },
  });
  watchdog.unref();
  const began = performance.now();
  try {
    const value = await work();
    // A loop broken by SIGINT never reaches our listener (vm holds the signal), so time decides.
    return { value, timedOut: timedOut || performance.now() - began >= ms };
  } finally {
    clearTimeout(timer);
    await watchdog.terminate();
    process.off("SIGINT", onSigint);
  }
}
