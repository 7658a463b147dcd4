/**
 * Tracing: files through every fs API and danfo.js, clock, crypto and network
 * (docs/determinism.md, "Recorded, never changed"; docs/integrity.md, "File hashes").
 */
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import { readFileSync as namedReadFileSync } from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { afterEach, describe, expect, test } from "vitest";
import type { CellNode, FileNode, LineageGraph } from "../../runtime/lineage/types.js";
import { Recorder } from "../../runtime/repro/recorder.js";
import { runCell, sha256sum, tempNotebookDir } from "./helpers.js";

const DATA = join(import.meta.dirname, "..", "..", "node_modules", "vega-datasets", "data");

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

function setup(): { dir: string; r: Recorder } {
  const dir = tempNotebookDir();
  recorder = new Recorder({ notebookDir: dir, seed: 1, journal: false });
  return { dir, r: recorder };
}

function cellNode(graph: LineageGraph, id: string): CellNode {
  return graph.nodes.find((n): n is CellNode => n.kind === "cell" && n.id === id) as CellNode;
}

function filesOf(graph: LineageGraph, id: string, kind: "read" | "write"): FileNode[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return graph.edges
    .filter((e) => e.kind === kind && (kind === "read" ? e.to : e.from) === id)
    .map((e) => byId.get(kind === "read" ? e.from : e.to) as FileNode);
}

describe("fs tracing", () => {
  test("sync, callback, promise and stream reads and writes are hashed like sha256sum", async () => {
    const { dir, r } = setup();
    const p = (name: string) => join(dir, name);
    for (const name of ["a", "b", "c", "d", "e"]) fs.writeFileSync(p(name), `content ${name}\n`);
    await runCell(r, { cellId: "io", executionCount: 1 }, async () => {
      fs.readFileSync(p("a"));
      await new Promise((resolve) => fs.readFile(p("b"), resolve));
      await fsp.readFile(p("c"));
      await pipeline(fs.createReadStream(p("d")), fs.createWriteStream(p("out-stream")));
      const fd = fs.openSync(p("e"), "r");
      fs.closeSync(fd);
      fs.writeFileSync(p("out-sync"), "1");
      await fsp.writeFile(p("out-promise"), "2");
      await new Promise((resolve) => fs.appendFile(p("out-callback"), "3", resolve));
      fs.copyFileSync(p("a"), p("out-copy"));
    });
    const graph = r.graph();
    const reads = filesOf(graph, "io", "read");
    const writes = filesOf(graph, "io", "write");
    expect(reads.map((f) => f.path)).toEqual(["a", "b", "c", "d", "e"]);
    expect(writes.map((f) => f.path)).toEqual([
      "out-callback",
      "out-copy",
      "out-promise",
      "out-stream",
      "out-sync",
    ]);
    for (const f of [...reads, ...writes]) {
      expect(f.sha256).toBe(sha256sum(p(f.path)));
      expect(f.bytes).toBe(fs.statSync(p(f.path)).size);
      expect(f.id).toBe(`file:${f.path}`);
    }
  });

  test("ESM named imports see the patched functions", async () => {
    const { dir, r } = setup();
    fs.writeFileSync(join(dir, "named.txt"), "x");
    const { readFileSync } = await import("node:fs");
    await runCell(r, { cellId: "esm", executionCount: 1 }, () => {
      readFileSync(join(dir, "named.txt"));
    });
    expect(readFileSync).toBe(fs.readFileSync);
    expect(namedReadFileSync).toBe(fs.readFileSync);
    expect(filesOf(r.graph(), "esm", "read").map((f) => f.path)).toEqual(["named.txt"]);
  });

  test("node_modules, .replab and reads outside a cell are not recorded", async () => {
    const { dir, r } = setup();
    fs.mkdirSync(join(dir, "node_modules", "pkg"), { recursive: true });
    fs.mkdirSync(join(dir, ".replab"), { recursive: true });
    fs.writeFileSync(join(dir, "node_modules", "pkg", "index.js"), "");
    fs.writeFileSync(join(dir, ".replab", "x.jsonl"), "");
    fs.writeFileSync(join(dir, "late.txt"), "late");
    let late: Promise<unknown> = Promise.resolve();
    await runCell(r, { cellId: "skip", executionCount: 1 }, () => {
      fs.readFileSync(join(dir, "node_modules", "pkg", "index.js"));
      fs.readFileSync(join(dir, ".replab", "x.jsonl"));
      late = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
        fs.readFileSync(join(dir, "late.txt")),
      );
    });
    await late;
    fs.readFileSync(join(dir, "late.txt"));
    expect(r.graph().nodes.filter((n) => n.kind === "file")).toEqual([]);
  });

  test("errors and return values pass through unchanged", async () => {
    const { dir, r } = setup();
    const missing = join(dir, "missing");
    const errorWithout = captureError(() => fs.readFileSync(missing));
    await runCell(r, { cellId: "err", executionCount: 1 }, async () => {
      const errorWith = captureError(() => fs.readFileSync(missing));
      expect(errorWith).toMatchObject({ code: "ENOENT", syscall: "open", path: missing });
      expect(errorWith?.message).toBe(errorWithout?.message);
      await expect(fsp.readFile(missing)).rejects.toMatchObject({ code: "ENOENT" });
      fs.writeFileSync(join(dir, "v"), "value");
      expect(fs.readFileSync(join(dir, "v"), "utf8")).toBe("value");
    });
    expect(filesOf(r.graph(), "err", "read").map((f) => f.path)).toEqual(["v"]);
  });

  test("danfo.js readers and writers are hashed", async () => {
    const dfd = await import("danfojs-node");
    const { dir, r } = setup();
    fs.copyFileSync(join(DATA, "seattle-weather.csv"), join(dir, "weather.csv"));
    fs.copyFileSync(join(DATA, "penguins.json"), join(dir, "penguins.json"));
    process.chdir(dir);
    await runCell(r, { cellId: "danfo", executionCount: 1 }, async () => {
      const weather = await dfd.readCSV("weather.csv");
      const penguins = (await dfd.readJSON("./penguins.json")) as InstanceType<
        typeof dfd.DataFrame
      >;
      dfd.toCSV(weather.head(5), { filePath: "head.csv" });
      dfd.toJSON(penguins.head(3), { filePath: "head.json" });
      dfd.toExcel(weather.head(4), { filePath: "head.xlsx" });
      await dfd.readExcel("head.xlsx");
    });
    const graph = r.graph();
    const reads = filesOf(graph, "danfo", "read");
    const writes = filesOf(graph, "danfo", "write");
    expect(reads.map((f) => f.path)).toEqual(["head.xlsx", "penguins.json", "weather.csv"]);
    expect(writes.map((f) => f.path)).toEqual(["head.csv", "head.json", "head.xlsx"]);
    for (const f of [...reads, ...writes]) expect(f.sha256).toBe(sha256sum(join(dir, f.path)));
  });
});

describe("nondeterminism", () => {
  test("clock, crypto and network use is recorded, behaviour unchanged", async () => {
    const { r } = setup();
    await runCell(r, { cellId: "nd", executionCount: 1 }, async () => {
      expect(typeof Date.now()).toBe("number");
      const d = new Date();
      expect(d).toBeInstanceOf(Date);
      expect(new Date(0).toISOString()).toBe("1970-01-01T00:00:00.000Z");
      expect(performance.now()).toBeGreaterThan(0);
      expect(randomUUID()).toMatch(/^[0-9a-f-]{36}$/);
      expect(randomBytes(4)).toHaveLength(4);
      globalThis.crypto.getRandomValues(new Uint8Array(4));
      await expect(fetch("http://127.0.0.1:1/")).rejects.toThrow();
      const request = http.get("http://127.0.0.1:1/");
      await new Promise((resolve) => request.on("error", resolve));
      const socket = net.connect(1, "127.0.0.1");
      await new Promise((resolve) => socket.on("error", resolve));
    });
    expect(cellNode(r.graph(), "nd").nondeterminism).toEqual([
      "clock:Date.now",
      "clock:new Date()",
      "clock:performance.now",
      "crypto:getRandomValues",
      "crypto:randomBytes",
      "crypto:randomUUID",
      "network:fetch",
      "network:http.get",
      "network:net.connect",
    ]);
  });

  test("a package's clock reads are named with the package, the cell's own are plain", async () => {
    const { dir, r } = setup();
    const pkg = join(dir, "node_modules", "clocky");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(join(pkg, "package.json"), '{ "name": "clocky", "main": "index.js" }');
    fs.writeFileSync(
      join(pkg, "index.js"),
      "exports.stamp = () => Date.now();\nexports.spin = (n) => { for (let i = 0; i < n; i++) Date.now(); };\n",
    );
    const clocky = createRequire(join(dir, "notebook.js"))("clocky") as {
      stamp(): number;
      spin(n: number): void;
    };
    await runCell(r, { cellId: "lib", executionCount: 1 }, () => clocky.stamp());
    await runCell(r, { cellId: "both", executionCount: 2 }, () => clocky.stamp() + Date.now());
    // Past a bound on stack looks a package's reads count as the cell's: over-, never under-report.
    await runCell(r, { cellId: "hot", executionCount: 3 }, () => clocky.spin(5000));
    const graph = r.graph();
    expect(cellNode(graph, "lib").nondeterminism).toEqual(["clock:Date.now (clocky)"]);
    expect(cellNode(graph, "both").nondeterminism).toEqual([
      "clock:Date.now",
      "clock:Date.now (clocky)",
    ]);
    expect(cellNode(graph, "hot").nondeterminism).toEqual([
      "clock:Date.now",
      "clock:Date.now (clocky)",
    ]);
  });

  test("a package's clock reads while it loads are load-time, not the cell's nondeterminism", async () => {
    const { dir, r } = setup();
    const pkg = join(dir, "node_modules", "loadclock");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(join(pkg, "package.json"), '{ "name": "loadclock", "main": "index.js" }');
    fs.writeFileSync(
      join(pkg, "index.js"),
      "const started = new Date();\nexports.started = started;\nexports.now = () => Date.now();\n",
    );
    let lib: { now(): number } | undefined;
    await runCell(r, { cellId: "load", executionCount: 1 }, () => {
      lib = createRequire(join(dir, "notebook.js"))("loadclock") as { now(): number };
    });
    await runCell(r, { cellId: "use", executionCount: 2 }, () => lib?.now());
    const graph = r.graph();
    expect(cellNode(graph, "load").nondeterminism).toEqual([]);
    expect(cellNode(graph, "load").loadTime).toEqual(["clock:new Date() (loadclock)"]);
    expect(cellNode(graph, "use").nondeterminism).toEqual(["clock:Date.now (loadclock)"]);
    expect(cellNode(graph, "use").loadTime).toBeUndefined();
  });

  test("a deterministic cell records none, and Date keeps its identity after dispose", async () => {
    const originalDate = Date;
    const originalNow = Date.now;
    const r = new Recorder({ notebookDir: tempNotebookDir(), seed: 1, journal: false });
    await runCell(r, { cellId: "pure", executionCount: 1 }, () => new Date(5).getTime());
    expect(cellNode(r.graph(), "pure").nondeterminism).toEqual([]);
    class Sub extends Date {}
    expect(new Sub(0)).toBeInstanceOf(originalDate);
    expect(new Sub(0)).toBeInstanceOf(Sub);
    expect(new Date(0).constructor).toBe(Date);
    expect(new originalDate(0)).toBeInstanceOf(Date);
    expect(Object.prototype.toString.call(new Date(0))).toBe("[object Date]");
    r.dispose();
    expect(globalThis.Date).toBe(originalDate);
    expect(new Date(0).constructor).toBe(originalDate);
    expect(Date.now).toBe(originalNow);
    expect(fs.readFileSync).toBe(namedReadFileSync);
  });
});

function captureError(f: () => unknown): (Error & { code?: string }) | undefined {
  try {
    f();
    return undefined;
  } catch (error) {
    return error as Error & { code?: string };
  }
}
