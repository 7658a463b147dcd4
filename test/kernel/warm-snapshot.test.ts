/**
 * The warm-compiler snapshot (docs/startup.md): built by the real job into a temporary cache,
 * used only while it matches the installed compiler and typings, never written into a
 * notebook's folder, and never in the way when the cache cannot be written.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cacheDir,
  manifestMismatch,
  snapshotPaths,
  usableSnapshot,
  type WarmManifest,
} from "../../runtime/warm/snapshot.js";
import { ROOT } from "../cli/helpers.js";
import { tmpfs as mountTmpfs, unmountTmpfs } from "../support/tmpfs.js";
import { freePort, KernelClient } from "../protocol/zmq-client.js";

const JOB = join(ROOT, "dist", "runtime", "compiler", "warm-build-job.js");
const BIN = join(ROOT, "dist", "bin", "replab.js");

function build(env: NodeJS.ProcessEnv): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, [JOB], { env: { ...process.env, ...env }, encoding: "utf8" });
}

/** Run `fn` with XDG_CACHE_HOME (and optionally TMPDIR) set, as a kernel would see them. */
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

/** A kernelspec whose kernel sees `env` (KernelClient starts argv as it is). */
function kernelspec(env: Record<string, string>): string {
  const prefix = mkdtempSync(join(tmpdir(), "replab-warm-spec-"));
  mkdirSync(join(prefix, "kernels", "replab"), { recursive: true });
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const argv = ["/usr/bin/env", ...assignments, process.execPath, BIN, "kernel"];
  writeFileSync(
    join(prefix, "kernels", "replab", "kernel.json"),
    JSON.stringify({ argv: [...argv, "{connection_file}"], language: "typescript" }),
  );
  return prefix;
}

/**
 * A kernelspec with an earlier replab's shell launch line: Node itself starts from the blob
 * while the cache's launch file names the blob's size (what `replab install` wrote before).
 */
function shellLineKernelspec(env: Record<string, string>): string {
  const prefix = mkdtempSync(join(tmpdir(), "replab-warm-spec-"));
  mkdirSync(join(prefix, "kernels", "replab"), { recursive: true });
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const script = [
    'dir=${XDG_CACHE_HOME:-$HOME/.cache}/replab; blob=$(ls "$dir"/warm-*.blob | head -1)',
    'exec "$0" --snapshot-blob "$blob" "$1" kernel "$2"',
  ].join("\n");
  const argv = ["/bin/sh", "-c", script, process.execPath, BIN, "{connection_file}"];
  writeFileSync(
    join(prefix, "kernels", "replab", "kernel.json"),
    JSON.stringify({ argv: ["/usr/bin/env", ...assignments, ...argv], language: "typescript" }),
  );
  return prefix;
}

/** A process's command line. */
function commandOf(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
}

/** The exit code and signal of a kernel told to stop with SIGTERM. */
async function stopWithSigterm(client: KernelClient): Promise<[number | null, string | null]> {
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    client.process.once("exit", (code, signal) => resolve([code, signal])),
  );
  client.process.kill("SIGTERM");
  return exited;
}

/** Command lines of a process's children. */
function childCommands(pid: number): string[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ");
  return children
    .filter((c) => c.trim() !== "")
    .map((c) => readFileSync(`/proc/${c.trim()}/cmdline`, "utf8").split("\0").join(" "));
}

/** A tmpfs mounted at a new folder with `options`; undone in afterAll. */
const tmpfs = (options: string): string => mountTmpfs("replab-warm-mount-", options);

/**
 * Checks and compiles a series of first cells with the built compiler (warm when Node started
 * from the blob) and prints each cell's diagnostics and JavaScript, as JSON.
 */
const CELLS_SCRIPT = `
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const compiler = await import(${JSON.stringify(join(ROOT, "dist", "runtime", "compiler", "index.js"))});
const checker = new compiler.CellTypeChecker(mkdtempSync(join(tmpdir(), "replab-warm-nb-")));
const cells = [
  "const answer: number = 6 * 7; answer",
  "function twice(x: number): string { return String(x * 2); }",
  "twice(answer).length",
  'const wrong: string = twice(answer) + 1 - 1;',
  "class Point { constructor(readonly x = 1) {} norm() { return Math.abs(this.x); } }",
  "new Point().y",
  'const table: Record<string, number> = { a: 1 }; table["a"] = answer;',
  "\`\${answer}\`.padStart(4)",
];
const out = cells.map((code) => {
  const checked = checker.check(code);
  if (!checked.ok) return { diagnostics: checked.diagnostics };
  checked.commit();
  return { js: compiler.compileCell(code, "typescript").script };
});
const warm = globalThis[Symbol.for("replab.warmCompiler")] !== undefined;
process.stdout.write(JSON.stringify({ warm, cells: out }));
`;

describe("the warm-compiler snapshot", () => {
  const cache = mkdtempSync(join(tmpdir(), "replab-warm-cache-"));
  let manifest: WarmManifest;

  beforeAll(() => {
    const result = build({ XDG_CACHE_HOME: cache });
    expect(result.status, String(result.stderr)).toBe(0);
    const paths = withEnv({ XDG_CACHE_HOME: cache }, () => snapshotPaths(join(cache, "replab")));
    manifest = JSON.parse(readFileSync(paths.manifest, "utf8")) as WarmManifest;
  }, 240_000);

  afterAll(unmountTmpfs);

  it("is built into the user cache and used while nothing changed", () => {
    const found = withEnv({ XDG_CACHE_HOME: cache }, () => usableSnapshot());
    expect(found).toEqual({ blob: expect.stringContaining(join(cache, "replab", "warm-")) });
    expect(manifest.files.some((f) => f.fileName.includes("@types/node"))).toBe(true);
    expect(manifest.files.some((f) => f.fileName.endsWith("lib.es2023.d.ts"))).toBe(true);
  });

  it("is not used once a typings file it parsed has changed", () => {
    const typings = join(mkdtempSync(join(tmpdir(), "replab-warm-typings-")), "index.d.ts");
    writeFileSync(typings, "declare const before: number;\n");
    const sha256 = createHash("sha256").update(readFileSync(typings)).digest("hex");
    const withFile = { ...manifest, files: [...manifest.files, { fileName: typings, sha256 }] };
    expect(manifestMismatch(withFile)).toBeUndefined();
    writeFileSync(typings, "declare const after: string;\n");
    expect(manifestMismatch(withFile)).toBe(`${typings} changed`);
  });

  it("is not used with another TypeScript version or a changed typescript.js", () => {
    const ts = manifest.typescript;
    expect(manifestMismatch({ ...manifest, typescript: { ...ts, version: "5.0.4" } })).toMatch(
      /^TypeScript changed \(5\.0\.4 then/,
    );
    expect(
      manifestMismatch({ ...manifest, typescript: { ...ts, size: (ts.size ?? 0) + 1 } }),
    ).toMatch(/^TypeScript changed/);
    expect(manifestMismatch({ ...manifest, node: "v18.0.0" })).toBe(
      "it was made by another Node binary",
    );
  });

  it("is not used when its blob is truncated", () => {
    const copy = mkdtempSync(join(tmpdir(), "replab-warm-copy-"));
    cpSync(join(cache, "replab"), join(copy, "replab"), { recursive: true });
    const blob = readdirSync(join(copy, "replab")).find((f) => f.endsWith(".blob")) ?? "";
    truncateSync(join(copy, "replab", blob), 1000);
    expect(withEnv({ XDG_CACHE_HOME: copy }, () => usableSnapshot())).toEqual({
      reason: "the snapshot file is missing or incomplete",
    });
  });

  it("is taken out of use when a kernel started from it fails at once", async () => {
    const copy = mkdtempSync(join(tmpdir(), "replab-warm-corrupt-"));
    cpSync(join(cache, "replab"), join(copy, "replab"), { recursive: true });
    const blob = readdirSync(join(copy, "replab")).find((f) => f.endsWith(".blob")) ?? "";
    // Same size, other bytes: the manifest still matches, Node refuses the blob.
    const bytes = readFileSync(join(copy, "replab", blob));
    bytes.fill(7, 0, 4096);
    writeFileSync(join(copy, "replab", blob), bytes);
    const ports = Object.fromEntries(
      await Promise.all(
        ["shell", "iopub", "stdin", "control", "hb"].map(
          async (n) => [`${n}_port`, await freePort()] as const,
        ),
      ),
    );
    const connection = join(copy, "kernel.json");
    writeFileSync(
      connection,
      JSON.stringify({
        ...ports,
        ip: "127.0.0.1",
        key: "k",
        transport: "tcp",
        signature_scheme: "hmac-sha256",
      }),
    );
    const run = spawnSync(process.execPath, [BIN, "kernel", connection], {
      env: { ...process.env, XDG_CACHE_HOME: copy },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).not.toBe(0);
    expect(withEnv({ XDG_CACHE_HOME: copy }, () => usableSnapshot())).toEqual({
      reason: "no snapshot yet",
    });
  }, 90_000);

  it("falls back to the temp folder when the cache is read-only, and to none when both are", () => {
    const readOnly = tmpfs("ro,size=1m");
    const temp = mkdtempSync(join(tmpdir(), "replab-warm-tmp-"));
    expect(withEnv({ XDG_CACHE_HOME: readOnly, TMPDIR: temp }, () => cacheDir())).toBe(
      join(temp, `replab-${userInfo().uid}`),
    );
    expect(withEnv({ XDG_CACHE_HOME: readOnly, TMPDIR: readOnly }, () => cacheDir())).toBe(
      undefined,
    );
    expect(withEnv({ XDG_CACHE_HOME: readOnly, TMPDIR: readOnly }, () => usableSnapshot())).toEqual(
      { reason: "no writable cache folder" },
    );
  });

  it("leaves nothing behind when the cache is full, and says why", () => {
    const full = tmpfs("size=256k");
    const result = build({ XDG_CACHE_HOME: full });
    expect(result.status).toBe(1);
    expect(String(result.stderr)).toMatch(/^replab: warm-compiler snapshot not built: /);
    expect(readdirSync(join(full, "replab"))).toEqual([]);
  }, 120_000);

  it("checks and compiles cells from the snapshot as a cold compiler does", () => {
    // The build ran a warm-up cell through the checker, declaration emit and transpiler (so
    // their bytecode is in the blob); nothing of it may show in what a kernel answers.
    const script = join(mkdtempSync(join(tmpdir(), "replab-warm-cells-")), "cells.mjs");
    writeFileSync(script, CELLS_SCRIPT);
    const answers = (env: NodeJS.ProcessEnv, args: string[]): unknown => {
      const out = execFileSync(process.execPath, [...args, script], {
        env: { ...process.env, ...env },
        encoding: "utf8",
      });
      return JSON.parse(out) as unknown;
    };
    const blob = withEnv({ XDG_CACHE_HOME: cache }, () => usableSnapshot());
    expect(blob).toHaveProperty("blob");
    const warm = answers({ XDG_CACHE_HOME: cache }, [
      "--snapshot-blob",
      String(Reflect.get(blob, "blob")),
    ]);
    const cold = answers({ REPLAB_WARM: "0" }, []);
    expect(warm).toMatchObject({ warm: true });
    expect(cold).toMatchObject({ warm: false });
    expect(Reflect.get(warm as object, "cells")).toEqual(Reflect.get(cold as object, "cells"));
  }, 120_000);

  it("starts a kernel whose engine process runs from the snapshot, still reporting type errors first", async () => {
    const client = await KernelClient.start(kernelspec({ XDG_CACHE_HOME: cache }), "replab");
    try {
      // The process that answers the protocol is plain Node; its one child, the engine, runs
      // from the blob.
      const pid = client.process.pid ?? 0;
      expect(commandOf(pid)).not.toContain("--snapshot-blob");
      expect(childCommands(pid)).toEqual([
        expect.stringMatching(/--snapshot-blob \S+warm-[0-9a-f]{16}\.blob .*replab\.js kernel/),
      ]);
      const bad = await client.execute('const x: string = 1; console.log("ran")');
      expect(bad.reply.content["status"]).toBe("error");
      expect(String(bad.reply.content["evalue"])).toContain(
        "Type 'number' is not assignable to type 'string'",
      );
      const streams = (await client.iopubFor(bad.reply.parent_header["msg_id"] as string)).filter(
        (m) => m.header.msg_type === "stream",
      );
      expect(streams).toEqual([]);
      expect((await client.execute("const answer: number = 6 * 7; answer")).result).toBe("42");
      expect((await client.execute("typeof process.versions.node")).result).toBe("'string'");
      expect(client.stderr).not.toContain("not using the warm-compiler snapshot");
    } finally {
      client.close();
    }
  }, 120_000);

  it("still serves an earlier replab's kernelspec line, which started Node from the blob", async () => {
    const client = await KernelClient.start(
      shellLineKernelspec({ XDG_CACHE_HOME: cache }),
      "replab",
    );
    try {
      expect(commandOf(client.process.pid ?? 0)).toContain("--snapshot-blob");
      const bad = await client.execute("const x: string = 1; x");
      expect(String(bad.reply.content["evalue"])).toContain(
        "Type 'number' is not assignable to type 'string'",
      );
      expect((await client.execute("const answer: number = 6 * 7; answer")).result).toBe("42");
    } finally {
      client.close();
    }
  }, 120_000);

  it("starts the engine cold when the snapshot was made by another Node binary", async () => {
    const copy = mkdtempSync(join(tmpdir(), "replab-warm-node-"));
    cpSync(join(cache, "replab"), join(copy, "replab"), { recursive: true });
    const paths = withEnv({ XDG_CACHE_HOME: copy }, () => snapshotPaths(join(copy, "replab")));
    writeFileSync(paths.manifest, JSON.stringify({ ...manifest, execPath: "/opt/other/node" }));
    const client = await KernelClient.start(kernelspec({ XDG_CACHE_HOME: copy }), "replab");
    try {
      const pid = client.process.pid ?? 0;
      const engines = childCommands(pid).filter((c) => c.includes("replab.js kernel"));
      expect(engines).toHaveLength(1);
      expect(engines[0]).not.toContain("--snapshot-blob");
      expect((await client.execute("const answer: number = 6 * 7; answer")).result).toBe("42");
    } finally {
      client.close();
    }
  }, 120_000);

  it("drops a snapshot the engine started from once its typings changed, and checks cold", async () => {
    const copy = mkdtempSync(join(tmpdir(), "replab-warm-stale-"));
    cpSync(join(cache, "replab"), join(copy, "replab"), { recursive: true });
    const paths = withEnv({ XDG_CACHE_HOME: copy }, () => snapshotPaths(join(copy, "replab")));
    // As if @types/node had been upgraded since the build: one parsed file's hash differs.
    const [first, ...rest] = manifest.files;
    const stale = { ...manifest, files: [{ ...first!, sha256: "0".repeat(64) }, ...rest] };
    writeFileSync(paths.manifest, JSON.stringify(stale));
    const client = await KernelClient.start(kernelspec({ XDG_CACHE_HOME: copy }), "replab");
    try {
      expect(childCommands(client.process.pid ?? 0)[0]).toContain("--snapshot-blob");
      const bad = await client.execute("const x: string = 1; x");
      expect(String(bad.reply.content["evalue"])).toContain(
        "Type 'number' is not assignable to type 'string'",
      );
      expect(client.stderr).toContain(
        `not using the warm-compiler snapshot (${first!.fileName} changed): starting cold`,
      );
    } finally {
      client.close();
    }
  }, 120_000);

  it.each([
    ["from the snapshot", {}],
    ["cold", { REPLAB_WARM: "0" }],
  ])(
    "ends with status 0 on SIGTERM, without the zeromq addon's abort (%s)",
    async (_, env) => {
      const spec = kernelspec({ XDG_CACHE_HOME: cache, ...env });
      const client = await KernelClient.start(spec, "replab");
      try {
        expect((await client.execute("1 + 1")).result).toBe("2");
        expect(await stopWithSigterm(client)).toEqual([0, null]);
        expect(client.stderr).not.toContain("Napi::Error");
      } finally {
        client.close();
      }
    },
    120_000,
  );

  it("is built by a cold kernel into the cache, never into the notebook's folder", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "replab-warm-fresh-"));
    const notebookDir = mkdtempSync(join(tmpdir(), "replab-warm-notebook-"));
    const notebook = join(notebookDir, "analysis.ipynb");
    copyFileSync(join(ROOT, "notebooks", "quickstart.ipynb"), notebook);
    const spec = kernelspec({ XDG_CACHE_HOME: fresh, JPY_SESSION_NAME: notebook });
    const client = await KernelClient.start(spec, "replab");
    try {
      expect((await client.execute("const answer: number = 6 * 7; answer")).result).toBe("42");
      // The background build finishes by itself; the hang guard fits a loaded 2-core machine.
      await client.waitForLog(
        () =>
          readdirSync(join(fresh, "replab"), { withFileTypes: true }).some((f) =>
            f.name.endsWith(".json"),
          ),
        180_000,
      );
    } finally {
      client.close();
    }
    expect(withEnv({ XDG_CACHE_HOME: fresh }, () => usableSnapshot())).toHaveProperty("blob");
    const left = readdirSync(notebookDir).filter((f) => f !== ".replab");
    expect(left).toEqual(["analysis.ipynb"]);
  }, 240_000);
});
