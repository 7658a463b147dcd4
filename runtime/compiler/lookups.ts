/**
 * Whether module resolutions made earlier still hold on the disk as it is now. TypeScript
 * records, with each outcome, the paths it probed and found missing (failedLookupLocations)
 * and the files it read on the way (affectingLocations, package.json files): its watch mode
 * re-resolves when one of them appears, changes or goes. This reads the same records, so
 * Resolutions can keep its cache across a cell that imports something when nothing under it
 * changed, and a kernel from the snapshot can use the resolutions made when it was built.
 */
import { statSync, type Stats } from "node:fs";

/** What one resolution outcome looked at (TypeScript's fields; internal, hence optional). */
export interface LookedUp {
  failedLookupLocations?: readonly string[];
  affectingLocations?: readonly string[];
  resolvedModule?: { resolvedFileName: string; originalPath?: string | undefined } | undefined;
  resolvedTypeReferenceDirective?: { resolvedFileName?: string | undefined } | undefined;
}

/**
 * Whether every outcome in `outcomes` would come out the same now, for outcomes made no
 * earlier than `since` (ms since the epoch, as file times are): each path found missing is
 * still missing (on disk and among the `virtual` files), and each file found is unchanged
 * since then. A folder unchanged since then (its ctime, which creating, removing or renaming
 * an entry moves) vouches for every missing path in it at once; a folder that changed has
 * each of its paths looked at.
 */
export function stillHold(
  outcomes: Iterable<LookedUp>,
  since: number,
  virtual: (path: string) => boolean = () => false,
): boolean {
  const check = new Checker(since, virtual);
  // Missing paths by folder first: thousands of them share a few hundred folders.
  const missing = new Map<string, string[]>();
  for (const outcome of outcomes) {
    for (const path of outcome.failedLookupLocations ?? []) {
      if (virtual(path)) return false;
      const folder = parentOf(path);
      const paths = missing.get(folder);
      if (paths === undefined) missing.set(folder, [path]);
      else paths.push(path);
    }
    for (const path of outcome.affectingLocations ?? []) if (!check.unchanged(path)) return false;
    const found = [
      outcome.resolvedModule?.resolvedFileName,
      outcome.resolvedModule?.originalPath,
      outcome.resolvedTypeReferenceDirective?.resolvedFileName,
    ];
    for (const path of found) if (path !== undefined && !check.unchanged(path)) return false;
  }
  for (const [folder, paths] of missing) if (!check.allMissing(folder, paths)) return false;
  return true;
}

/** The folder of an absolute path as TypeScript writes them (forward slashes). */
function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/**
 * File times come from the kernel's coarse clock, which lags the one Date.now reads by up to a
 * scheduler tick (1-10 ms): a change made just after `since` can carry a time just before it.
 * Anything this close before `since` counts as changed.
 */
const CLOCK_SLACK_MS = 50;

/** Stats memoized for one check: thousands of missing paths share a few hundred folders. */
class Checker {
  private readonly stats = new Map<string, Stats | undefined>();
  private readonly before: number;

  constructor(
    since: number,
    private readonly virtual: (path: string) => boolean,
  ) {
    this.before = since - CLOCK_SLACK_MS;
  }

  /** Every one of `paths`, all in `folder`, is still missing. */
  allMissing(folder: string, paths: readonly string[]): boolean {
    const stats = this.stat(folder);
    // No folder, no file; a folder unchanged since `since` has no new entry.
    if (stats === undefined || stats.ctimeMs < this.before) return true;
    return paths.every((path) => this.stat(path) === undefined);
  }

  /**
   * `path` exists and has not changed (content, metadata or replacement) since `since`; a
   * virtual file (the checker's own, in memory) exists while the checker has it.
   */
  unchanged(path: string): boolean {
    if (this.virtual(path)) return true;
    const file = this.stat(path);
    return file !== undefined && file.ctimeMs < this.before;
  }

  private stat(path: string): Stats | undefined {
    if (this.stats.has(path)) return this.stats.get(path);
    const stats = statSync(path, { throwIfNoEntry: false });
    this.stats.set(path, stats);
    return stats;
  }
}

/**
 * Whether `outcomes` say what they probed: TypeScript's field is internal, so it is trusted
 * only when some outcome among them carries it. (One without it looked at nothing on disk,
 * as `node:` names in @types/node are answered, or found its module at the first place.)
 */
export function sayWhatTheyProbed(outcomes: Iterable<LookedUp>): boolean {
  for (const outcome of outcomes) if ((outcome.failedLookupLocations?.length ?? 0) > 0) return true;
  return false;
}
