/**
 * npm lockfile v3, the part an export reads: package entries keyed by install path, and the
 * closure of a set of packages resolved as Node resolves them (nearest node_modules up).
 */

export type LockEntry = Record<string, unknown> & {
  version?: string;
  resolved?: string;
  integrity?: string;
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  link?: boolean;
};

export interface Lockfile {
  packages: Record<string, LockEntry>;
}

/** Lockfile paths of `roots` and everything they depend on, resolved as Node does (nearest node_modules up). */
export function closure(lock: Lockfile, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const pending = roots.map((r) => `node_modules/${r}`);
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const entry = lock.packages[path];
    if (entry === undefined || seen.has(path)) continue;
    seen.add(path);
    const deps = {
      ...entry.peerDependencies,
      ...entry.optionalDependencies,
      ...entry.dependencies,
    };
    for (const dep of Object.keys(deps)) {
      const found = resolveFrom(lock, path, dep);
      if (found !== undefined) pending.push(found);
    }
  }
  return seen;
}

function resolveFrom(lock: Lockfile, from: string, dep: string): string | undefined {
  for (let base = from; ;) {
    const candidate = `${base}/node_modules/${dep}`;
    if (lock.packages[candidate] !== undefined) return candidate;
    const at = base.lastIndexOf("/node_modules/");
    if (at === -1)
      return lock.packages[`node_modules/${dep}`] !== undefined ? `node_modules/${dep}` : undefined;
    base = base.slice(0, at);
  }
}
