/**
 * Everything that needs the TypeScript compiler, behind one module the session loads on
 * first use: loading TypeScript takes ~0.4 s, which must not delay a kernel's start-up.
 */
export { compileCell, mapPosition, type CompiledCell } from "./compile.js";
export { renderDiagnostics, toCellDiagnostic } from "./diagnostics.js";
export { CellTypeChecker } from "./service.js";
export { javascriptSyntaxError } from "./syntax-errors.js";
export { complete, inspectAt, isComplete } from "../session/introspection.js";
