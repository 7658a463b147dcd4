/**
 * The packages' code cache (runtime/executor/package-code-cache.ts) against Node itself: a
 * package loaded through it, first filling the cache and then from it, behaves exactly as
 * Node loads it with the cache off; a changed file (even one of the same length), a corrupt
 * cache and a cache folder that cannot be written change nothing a cell sees; and what the
 * cache reads and writes never shows in a cell's lineage.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";
import { tmpfs as mountTmpfs, unmountTmpfs } from "../support/tmpfs.js";

const CACHE_MODULE = join(ROOT, "dist/runtime/executor/package-code-cache.js");
const SESSION_MODULE = join(ROOT, "dist/runtime/session/session.js");

/** A package whose files use every part of what Node hands a CommonJS module. */
const PACKAGE: Record<string, string> = {
  "package.json": JSON.stringify({ name: "probe", version: "1.0.0", main: "index.js" }),
  "index.js": [
    '"use strict";',
    'const helper = require("./lib/helper");',
    'const data = require("./data.json");',
    "exports.thisIsExports = this === module.exports;",
    "exports.helper = helper();",
    "exports.data = data;",
    'exports.resolved = require.resolve("./lib/helper").slice(__dirname.length);',
    'exports.paths = (require.resolve.paths("x") ?? []).length > 0;',
    "exports.cached = Object.keys(require.cache).some((k) => k.endsWith('helper.js'));",
    "exports.main = require.main === undefined ? 'none' : typeof require.main;",
    "exports.file = __filename.slice(__dirname.length);",
    "exports.extensions = Object.keys(require.extensions).sort();",
    'exports.esm = () => import("./lib/esm.mjs").then((m) => m.value);',
    'exports.minified = require("./lib/min");',
    'exports.shebang = require("./lib/bin");',
    'exports.bom = require("./lib/bom");',
    'exports.broken = () => require("./lib/broken");',
    'exports.big = require("./lib/big");',
  ].join("\n"),
  "lib/helper.js": "module.exports = function helper() { return 'helped ' + module.id.length; };\n",
  "lib/esm.mjs": "export const value = 'from esm';\n",
  // One long first line, as a minified build has: a stack's column there must be the file's.
  "lib/min.js":
    'var a=1,b=2;module.exports={sum:a+b,boom:function(){throw new Error("boom at "+a)}};\n',
  "lib/bin.js": "#!/usr/bin/env node\nmodule.exports = 'shebang kept';\n",
  "lib/bom.js": "\uFEFFmodule.exports = 'bom kept';\n",
  "lib/broken.js": "module.exports = {;\n",
  "data.json": '{"n": 1}\n',
  // Big enough that its cache does not fit on the small disk below when the others do.
  "lib/big.js": `module.exports = [${Array.from({ length: 20_000 }, (_, i) => `function f${i}() { return ${i}; }`).join(",")}].length;\n`,
};

/** What the probe prints: everything the package exposes, as JSON. */
const PROBE = `
const { usePackageCodeCache } = await import(${JSON.stringify(CACHE_MODULE)});
const cache = usePackageCodeCache();
const { createRequire } = await import("node:module");
const probe = createRequire(process.argv[2])("probe");
const error = (f) => { try { f(); return "no error"; } catch (e) { return { name: e.name, message: e.message, frame: e.stack.split("\\n").find((l) => l.includes(".js:")) ?? "" }; } };
const out = { ...probe, esm: await probe.esm(), boom: error(probe.minified.boom), broken: error(probe.broken) };
cache?.flush();
console.log(JSON.stringify({ out, counts: cache?.counts ?? null }));
`;

interface ProbeResult {
  out: Record<string, unknown>;
  counts: { hits: number; misses: number; written: number } | null;
}

function project(): { dir: string; cache: string; probe: string } {
  const dir = mkdtempSync(join(tmpdir(), "replab-code-cache-"));
  for (const [file, text] of Object.entries(PACKAGE)) {
    const path = join(dir, "node_modules", "probe", file);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
  }
  const probe = join(dir, "probe.mjs");
  writeFileSync(probe, PROBE);
  return { dir, cache: join(dir, "xdg"), probe };
}

function runProbe(p: ReturnType<typeof project>, env: Record<string, string> = {}): ProbeResult {
  const text = execFileSync(process.execPath, [p.probe, join(p.dir, "notebook.js")], {
    cwd: p.dir,
    env: { ...process.env, XDG_CACHE_HOME: p.cache, REPLAB_WARM: "1", ...env },
    encoding: "utf8",
  });
  return JSON.parse(text.trim().split("\n").at(-1) ?? "") as ProbeResult;
}

/** A tmpfs mounted at a new folder with `options` (the tests run as root); undone in afterAll. */
const tmpfs = (options: string): string => mountTmpfs("replab-code-cache-disk-", options);
afterAll(unmountTmpfs);

const cacheFiles = (p: ReturnType<typeof project>): string[] =>
  readdirSync(join(p.cache, "replab", "packages")).filter((f) => f.endsWith(".v8cache"));

describe("the packages' code cache", () => {
  it("loads a package exactly as Node does, filling the cache and then from it", () => {
    const p = project();
    const node = runProbe(p, { REPLAB_WARM: "0" });
    expect(node.counts).toBeNull();
    const filling = runProbe(p);
    const cached = runProbe(p);
    expect(filling.out).toEqual(node.out);
    expect(cached.out).toEqual(node.out);
    // helper, min and big: compiled, then taken from the cache. index (its import() would lose
    // Node's loader in a cached script), the shebang, the BOM and the syntax error went to
    // Node's own compile both times.
    expect(filling.counts).toEqual({ hits: 0, misses: 3, written: 3 });
    expect(cached.counts).toEqual({ hits: 3, misses: 0, written: 0 });
    expect(cacheFiles(p)).toHaveLength(3);
    // The sanity of the comparison itself: the probe saw what the package does.
    expect(node.out["esm"]).toBe("from esm");
    expect(node.out["shebang"]).toBe("shebang kept");
    expect(node.out["boom"]).toMatchObject({ message: "boom at 1" });
    expect(String((node.out["boom"] as { frame: string }).frame)).toMatch(/min\.js:1:\d+\)?$/);
    expect(node.out["broken"]).toMatchObject({ name: "SyntaxError" });
  });

  it("never runs a changed file's old code, even when its length is the same", () => {
    const p = project();
    runProbe(p);
    const helper = join(p.dir, "node_modules", "probe", "lib", "helper.js");
    const before = readFileSync(helper, "utf8");
    const after = before.replace("'helped '", "'HELPED '");
    expect(after).toHaveLength(before.length);
    writeFileSync(helper, after);
    const changed = runProbe(p);
    expect(changed.out["helper"]).toMatch(/^HELPED /);
    expect(changed.counts).toMatchObject({ hits: 2, misses: 1 });
  });

  it("loads correctly from a corrupt cache and repairs it", () => {
    const p = project();
    const good = runProbe(p);
    for (const file of cacheFiles(p))
      writeFileSync(join(p.cache, "replab", "packages", file), "not a code cache");
    const corrupt = runProbe(p);
    expect(corrupt.out).toEqual(good.out);
    expect(corrupt.counts).toEqual({ hits: 0, misses: 3, written: 3 });
    expect(runProbe(p).counts).toMatchObject({ hits: 3 });
  });

  it("loads correctly when the cache folder cannot be written", () => {
    const p = project();
    const good = runProbe(p, { REPLAB_WARM: "0" });
    mkdirSync(join(p.cache, "replab"), { recursive: true });
    // A file where the folder should be: no cache can be written, nothing else changes.
    writeFileSync(join(p.cache, "replab", "packages"), "");
    const blocked = runProbe(p);
    expect(blocked.out).toEqual(good.out);
    expect(blocked.counts).toMatchObject({ misses: 3, written: 0 });
    expect(readFileSync(join(p.cache, "replab", "packages"), "utf8")).toBe("");
  });

  it("loads correctly on a full disk and leaves no half-written cache", () => {
    const p = project();
    const good = runProbe(p, { REPLAB_WARM: "0" });
    const disk = tmpfs("size=64k");
    const full = { ...p, cache: disk };
    const first = runProbe(full);
    expect(first.out).toEqual(good.out);
    // The small caches fit, the big one does not: it is not there at all, not cut short.
    expect(first.counts).toMatchObject({ misses: 3 });
    expect(first.counts?.written).toBeGreaterThan(0);
    expect(first.counts?.written).toBeLessThan(3);
    const left = readdirSync(join(disk, "replab", "packages"));
    expect(left.filter((f) => !f.endsWith(".v8cache"))).toEqual([]);
    const again = runProbe(full);
    expect(again.out).toEqual(good.out);
    expect(again.counts?.hits).toBe(first.counts?.written);
  });

  it("keeps its own reads, writes and timers out of the cells' lineage", () => {
    const p = project();
    // More files than one turn writes, and a cell that waits after loading them: a cache
    // timer started inside that cell would fire, and start the next, while it runs.
    const many = join(p.dir, "node_modules", "many");
    mkdirSync(many, { recursive: true });
    const parts = Array.from({ length: 70 }, (_, i) => `part${i}.js`);
    for (const part of parts) writeFileSync(join(many, part), "module.exports = 1;\n");
    writeFileSync(
      join(many, "index.js"),
      `module.exports = [${parts.map((f) => `require("./${f}")`).join(", ")}].length;\n`,
    );
    const script = join(p.dir, "session.mjs");
    // As replab run has it (timers belong to the cell that started them). The caches of
    // cell 1's package are written after it, those of cell 2's while it waits, as is the file
    // cell 2's own timer writes, which the lineage must show.
    writeFileSync(
      script,
      `
const { createSession } = await import(${JSON.stringify(SESSION_MODULE)});
const session = await createSession({ language: "javascript", notebookDir: ${JSON.stringify(p.dir)}, seed: 1, lateOutput: "origin" });
const sink = { stream() {}, display() {}, clearOutput() {}, input: async () => "" };
const run = (code) => session.execute({ code, silent: false, storeHistory: true, allowStdin: false }, sink);
const { usePackageCodeCache } = await import(${JSON.stringify(CACHE_MODULE)});
const first = await run('const many = require("many"); await new Promise((r) => setTimeout(r, 600)); many');
const before = { ...usePackageCodeCache().counts };
const second = await run('const probe = require("probe"); setTimeout(() => require("node:fs").writeFileSync("by-timer.txt", "x"), 300); await new Promise((r) => setTimeout(r, 600)); probe.helper');
const after = { ...usePackageCodeCache().counts };
const graph = session.lineage();
await session.dispose();
console.log(JSON.stringify({ outcomes: [first.status, second.status], before, after, graph }));
`,
    );
    const text = execFileSync(process.execPath, [script], {
      cwd: p.dir,
      env: { ...process.env, XDG_CACHE_HOME: p.cache, REPLAB_WARM: "1" },
      encoding: "utf8",
    });
    const { outcomes, before, after, graph } = JSON.parse(text.trim().split("\n").at(-1) ?? "") as {
      outcomes: string[];
      before: { misses: number; written: number };
      after: { written: number };
      graph: { nodes: { nondeterminism?: string[] }[] };
    };
    expect(outcomes).toEqual(["ok", "ok"]);
    expect(before).toMatchObject({ misses: 71, written: 0 });
    expect(after.written).toBe(74);
    const lineage = JSON.stringify(graph);
    expect(lineage).toContain("by-timer.txt");
    expect(lineage).not.toContain(join(p.cache, "replab"));
    expect(lineage).not.toContain(".v8cache");
    // Neither package reads a clock: a cache timer taken for a cell's would show as one.
    expect(graph.nodes.flatMap((node) => node.nondeterminism ?? [])).toEqual([]);
  });
});
