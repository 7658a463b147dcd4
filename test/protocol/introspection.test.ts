/**
 * Completion, inspect, magics help and charts through jupyter_client, as JupyterLab asks for
 * them: each check in introspection_checks.py is reported here as its own test.
 */
import { describe } from "vitest";
import { describePythonChecks, installKernelspecs } from "./unittest.js";

describe("completion, inspect and magics through jupyter_client", () => {
  describePythonChecks("introspection_checks", ["TypeScript", "JavaScript"], () => ({
    JUPYTER_PATH: installKernelspecs(),
  }));
});
