/**
 * A kernel outlives no launcher: when the process that started it is gone (killed with -9,
 * so it could not send shutdown_request), the kernel exits too, as ipykernel's parent poller
 * does. Jupyter clients that know the launcher's pid pass it in JPY_PARENT_PID.
 */

/** Calls `onGone` once, within about `everyMs`, after the launching process has died. */
export function watchParent(onGone: () => void, everyMs = 1000): void {
  const parent = parentPid();
  const timer = setInterval(() => {
    if (alive(parent)) return;
    clearInterval(timer);
    onGone();
  }, everyMs);
  // The watch alone must never keep a kernel alive.
  timer.unref();
}

function parentPid(): number {
  const named = Number(process.env["JPY_PARENT_PID"]);
  return Number.isSafeInteger(named) && named > 1 ? named : process.ppid;
}

/** Reparenting (our ppid changes, usually to 1 or a subreaper) means the launcher exited. */
function alive(pid: number): boolean {
  if (pid === process.ppid) return true;
  if (pid !== Number(process.env["JPY_PARENT_PID"])) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
