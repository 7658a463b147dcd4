/**
 * The TypeScript compiler, loaded with require. Importing its 9 MB CommonJS file from ESM
 * costs Node 20 about 400 ms more per process (module-format detection and lexing for named
 * exports), paid by every kernel start and every `replab run`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the point of this file
import ts = require("typescript");
export = ts;
