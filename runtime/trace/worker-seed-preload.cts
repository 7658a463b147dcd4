/**
 * Loaded first in a Worker a cell starts (`--require` in its execArgv, worker-seed.ts): its
 * Math.random becomes the seeded stream replab chose for it, as the cell's own is. CommonJS
 * because a Worker runs `--require` preloads and ignores `--import` ones (Node 20).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS preload
import seedrandom = require("seedrandom");

// CHILD_RANDOM_VARIABLE of child-seed-key.ts, which an ES module cannot hand a CommonJS one.
const key = process.env["REPLAB_CHILD_RANDOM"];
if (key !== undefined && key !== "") Math.random = seedrandom(key);
