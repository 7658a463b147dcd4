/**
 * How a cell sees a package it imports, shared by the notebook (compiler/rewrite.ts) and the
 * exported pipeline (export/transform.ts) so both give the value the type checker assumed.
 */

/**
 * An expression that maps a module namespace from `import()` to the one the checker assumed
 * under esModuleInterop: a CommonJS package compiled by tsc (`exports.__esModule`,
 * `exports.default`) is seen through its exports object, so a default import is
 * `exports.default` rather than the whole exports object Node's import() gives.
 */
export const ES_MODULE_VIEW =
  "((n) => n.default !== null && typeof n.default === 'object' && n.default.__esModule === true ? n.default : n)";
