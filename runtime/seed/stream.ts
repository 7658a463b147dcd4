/**
 * Per-cell random streams (docs/determinism.md). Every execution of a cell starts
 * Math.random from the same state, derived from the notebook seed and the sha256 of the
 * cell's source, so re-runs, headless runs, the exported pipeline and every Jupyter client
 * draw the same numbers. The source, not a cell id: JupyterLab sends cell ids, but
 * nbclient, nbconvert, papermill and jupyter console do not, and any fallback (such as the
 * execution count) would give those clients other numbers.
 */
import seedrandom from "seedrandom";

/**
 * The seedrandom key of a cell's stream. A contract: the exported pipeline rebuilds the
 * stream with the published seedrandom package from this exact string.
 */
export function cellStreamKey(seed: number, sourceSha256: string): string {
  return `replab:${seed}:${sourceSha256}`;
}

/** A Math.random replacement for one cell execution (seedrandom's default ARC4 generator). */
export function cellStream(seed: number, sourceSha256: string): () => number {
  return seedrandom(cellStreamKey(seed, sourceSha256));
}

/** Owns Math.random while a recorder lives; restores the original on dispose. */
export class SeededRandom {
  private readonly original = Math.random;

  /**
   * Replace Math.random with the stream of the cell whose source has this sha256. The stream
   * is made on the first draw: seedrandom's key schedule costs tens of microseconds, which
   * every cell paid before it ran, and most cells never draw. The numbers are the same.
   */
  reseed(seed: number, sourceSha256: string): void {
    let stream: (() => number) | undefined;
    Math.random = () => (stream ??= cellStream(seed, sourceSha256))();
  }

  /** Put back the Math.random that was there before. */
  dispose(): void {
    Math.random = this.original;
  }
}
