/**
 * Loaded first in a child `node` process a cell started (NODE_OPTIONS --import, child-seed.ts):
 * its Math.random becomes the seeded stream replab chose for it, as the cell's own is.
 */
import seedrandom from "seedrandom";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";

const key = process.env[CHILD_RANDOM_VARIABLE];
if (key !== undefined && key !== "") Math.random = seedrandom(key);
