/**
 * jupyter_client (the library every Python frontend uses) drives both replab kernelspecs:
 * message order and parent links, errors, introspection, history, comms, stdin, interrupt,
 * heartbeat under load, stop_on_error, shutdown and restart. The checks live in
 * client_checks.py; each one is reported here as its own test.
 */
import { describe } from "vitest";
import { describePythonChecks, installKernelspecs } from "./unittest.js";

const CLASSES = [
  "Execute",
  "Introspection",
  "Comms",
  "Stdin",
  "Interrupt",
  "FirstCellInterrupt",
  "StopOnError",
  "Shutdown",
];

describe.each(["replab", "replab-js"])("jupyter_client against the %s kernelspec", (spec) => {
  describePythonChecks(
    "client_checks",
    CLASSES,
    () => ({ JUPYTER_PATH: installKernelspecs(), REPLAB_KERNEL: spec }),
    { minimum: 27, timeout: 900_000 },
  );
});
