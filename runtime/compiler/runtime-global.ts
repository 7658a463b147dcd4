/** The global through which rewritten cells reach the notebook module (no compiler needed). */
export const RUNTIME_GLOBAL = "__replab";

/** Specifiers that resolve to replab's own notebook module instead of node_modules. */
export const NOTEBOOK_MODULE_SPECIFIERS = new Set(["replab", "tslab"]);
