/**
 * The compiler's V8 code cache (docs/startup.md): written into replab's cache folder after a
 * load, taken by the next load of the same typescript.js, and never by a changed one.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, utimesSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

interface CachedLoad {
  exports: {
    version: string;
    transpileModule(code: string, options: object): { outputText: string };
  };
  fromCache: boolean;
}
const { loadCached } = createRequire(import.meta.url)(
  join(ROOT, "dist", "runtime", "compiler", "warm-code-cache.cjs"),
) as { loadCached(file: string): CachedLoad | undefined };

/** A copy of the installed typescript.js and its package.json, as another install would have. */
function compilerCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "replab-code-cache-ts-")), "typescript");
  mkdirSync(join(dir, "lib"), { recursive: true });
  const installed = join(ROOT, "node_modules", "typescript");
  copyFileSync(join(installed, "package.json"), join(dir, "package.json"));
  copyFileSync(join(installed, "lib", "typescript.js"), join(dir, "lib", "typescript.js"));
  return join(dir, "lib", "typescript.js");
}

/** Run `fn` with these variables set, as a kernel would see them. */
function withEnv<T>(env: Record<string, string>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** The code cache files in a cache folder (the load writes its file before it returns). */
function cacheFiles(dir: string): string[] {
  return readdirSync(join(dir, "replab")).filter((f) => f.endsWith(".v8cache"));
}

describe("the compiler's code cache", () => {
  const file = compilerCopy();
  const cache = mkdtempSync(join(tmpdir(), "replab-code-cache-"));
  mkdirSync(join(cache, "replab"));
  const load = (): CachedLoad | undefined =>
    withEnv({ XDG_CACHE_HOME: cache }, () => loadCached(file));

  it("is written by a first load and taken by the next, which compiles the same", () => {
    const first = load();
    expect(first?.fromCache).toBe(false);
    const [written] = cacheFiles(cache);
    expect(written).toMatch(/^typescript-[0-9a-f]{16}\.v8cache$/);
    const second = load();
    expect(second?.fromCache).toBe(true);
    expect(second?.exports.version).toBe(first?.exports.version);
    const js = second?.exports.transpileModule("const a: number = 1;", {}).outputText;
    expect(js).toContain("const a = 1;");
  });

  it("is not taken once typescript.js changed, and the old one is replaced", () => {
    load();
    const before = cacheFiles(cache);
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    expect(load()?.fromCache).toBe(false);
    const after = cacheFiles(cache);
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
    expect(load()?.fromCache).toBe(true);
  });

  it("is neither read nor written with REPLAB_WARM=0", () => {
    const off = withEnv({ XDG_CACHE_HOME: cache, REPLAB_WARM: "0" }, () => loadCached(file));
    expect(off).toBeUndefined();
  });
});
