/**
 * Per-cell random streams (DESIGN.md "Determinism rules"; docs/determinism.md). Every
 * execution of a cell starts Math.random from the same state, derived from the notebook seed
 * and the cell id, so re-runs, headless runs and the exported pipeline draw the same numbers.
 */
import seedrandom from "seedrandom";

/**
 * The seedrandom key of a cell's stream. A contract: the exported pipeline rebuilds the
 * stream with the published seedrandom package from this exact string.
 */
export function cellStreamKey(seed: number, cellId: string): string {
  return `replab:${seed}:${cellId}`;
}

/** A Math.random replacement for one cell execution (seedrandom's default ARC4 generator). */
export function cellStream(seed: number, cellId: string): () => number {
  return seedrandom(cellStreamKey(seed, cellId));
}

/** Owns Math.random while a recorder lives; restores the original on dispose. */
export class SeededRandom {
  private readonly original = Math.random;

  /** Replace Math.random with the stream of this cell execution. */
  reseed(seed: number, cellId: string): void {
    Math.random = cellStream(seed, cellId);
  }

  /** Put back the Math.random that was there before. */
  dispose(): void {
    Math.random = this.original;
  }
}
