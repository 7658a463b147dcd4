/**
 * The TypeScript compiler, loaded with require. Importing its 9 MB CommonJS file from ESM
 * costs Node 20 about 400 ms more per process (module-format detection and lexing for named
 * exports), paid by every kernel start and every `replab run`. In a kernel started from the
 * warm-compiler snapshot, warm-compiler.cts has already put the snapshot's copy in require's
 * cache, so this require costs nothing.
 */
import "./warm-compiler.cjs";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the point of this file
import ts = require("typescript");
export = ts;
