/**
 * A cell awaiting a promise that can never settle (`await new Promise(() => {})`, a Worker
 * that threw before answering): nothing is left in the event loop that could resolve it, so
 * Node would end the process with the cell pending and nothing written. Node says so first
 * with 'beforeExit'; while a cell runs, that means its await can never settle, and the cell
 * is interrupted (its pending await abandoned) so the run goes on as after a failed cell.
 */

/** Run `work`; if the event loop empties before it settles, call `interrupt`; says whether it did. */
export async function withSettleWatch<T>(
  work: () => Promise<T>,
  interrupt: () => void,
): Promise<{ value: T; neverSettled: boolean }> {
  let neverSettled = false;
  const onEmpty = (): void => {
    // A second time means interrupting did not help (a remote engine): Node may then exit.
    if (neverSettled) return;
    neverSettled = true;
    interrupt();
  };
  process.on("beforeExit", onEmpty);
  try {
    return { value: await work(), neverSettled };
  } finally {
    process.off("beforeExit", onEmpty);
  }
}

/** The error message of a cell whose await could never settle. */
export const NEVER_SETTLES =
  "the cell awaits a promise that can never settle: nothing is left that could resolve it (no timer, I/O, child process or worker is pending), so the cell was stopped";
