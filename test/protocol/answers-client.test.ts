/**
 * jupyter_client against the rest of issue 9, for both kernelspecs: user_expressions as
 * ipykernel evaluates them, prompt() through input_request, JEP 65's iopub_welcome, and
 * execute_request on control refused. Each check in answers_checks.py is its own test here.
 */
import { describe } from "vitest";
import { describePythonChecks, installKernelspecs } from "./unittest.js";

const CLASSES = ["UserExpressions", "Prompt", "Welcome", "Control", "CommInfo"];

describe.each(["replab", "replab-js"])("issue 9 answers through jupyter_client, %s", (spec) => {
  describePythonChecks(
    "answers_checks",
    CLASSES,
    () => ({ JUPYTER_PATH: installKernelspecs(), REPLAB_KERNEL: spec }),
    { minimum: 16 },
  );
});
