/**
 * `replab run --server URL --token T` against a real Jupyter Server on 127.0.0.1. The
 * kernel is tslab (replab's own kernelspec joins when kernel/ lands): the point is the
 * remote path itself — outputs, execution counts, errors — through @jupyterlab/services.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/free-port.js";
import { ROOT, nbformatErrors, readJson, replab, scratch, writeNotebook } from "./helpers.js";

const JUPYTER = [
  join(ROOT, ".venv/bin/jupyter-server"),
  "/tmp/runner-venv/bin/jupyter-server",
].find(existsSync);
const TOKEN = "replab-test-token";

let server: ChildProcess | undefined;
let url = "";
let dir = "";

/** `replab run NOTEBOOK -o OUTPUT` on the test's Jupyter Server. */
function runRemote(notebook: string, output: string): ReturnType<typeof replab> {
  return replab(["run", notebook, "-o", output, "--server", url, "--token", TOKEN, "--quiet"], {
    cwd: dir,
  });
}

/** Resolves when the server logs that it listens (no fixed sleep). */
function started(child: ChildProcess): Promise<void> {
  return new Promise((done, fail) => {
    let log = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      log += chunk;
      if (/is running at|Jupyter Server .* is running/.test(log)) done();
    });
    child.on("exit", (code) => fail(new Error(`jupyter server exited with ${code}:\n${log}`)));
  });
}

beforeAll(async () => {
  if (JUPYTER === undefined) return;
  dir = scratch("server");
  const kernels = join(dir, "jupyter/kernels/tslab");
  mkdirSync(kernels, { recursive: true });
  const tslab = join(ROOT, "node_modules/tslab/bin/tslab");
  writeFileSync(
    join(kernels, "kernel.json"),
    JSON.stringify({
      argv: [process.execPath, tslab, "kernel", "--config-path", "{connection_file}"],
      display_name: "TypeScript",
      language: "typescript",
    }),
  );
  // replab's own kernelspecs, as `replab install` writes them.
  const install = spawnSync(
    process.execPath,
    [join(ROOT, "dist/bin/replab.js"), "install", "--prefix", dir],
    { encoding: "utf8" },
  );
  if (install.status !== 0) throw new Error(install.stderr);
  cpSync(join(dir, "share/jupyter/kernels"), join(dir, "jupyter/kernels"), { recursive: true });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  server = spawn(
    JUPYTER,
    [
      "--no-browser",
      `--port=${port}`,
      "--ip=127.0.0.1",
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.root_dir=${dir}`,
      "--allow-root",
    ],
    {
      env: {
        ...process.env,
        JUPYTER_PATH: join(dir, "jupyter"),
        JUPYTER_RUNTIME_DIR: join(dir, "runtime"),
      },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  await started(server);
});

afterAll(() => {
  server?.kill("SIGTERM");
});

describe.skipIf(JUPYTER === undefined)("replab run --server", () => {
  it("runs the notebook on the server's kernel and writes the same kind of notebook", () => {
    const nb = join(dir, "remote.ipynb");
    writeNotebook(
      nb,
      [
        'console.log("from the server");',
        "6 * 7",
        { id: "boom", source: 'throw new Error("remote failure")' },
      ],
      "tslab",
    );
    const result = runRemote("remote.ipynb", "remote.out.ipynb");
    // tslab leaves ename/evalue of its error replies empty and prints the error as stderr text.
    expect(result.stderr).toContain("replab: cell boom (code cell 3) failed");
    expect(result.code).toBe(1);
    const out = join(dir, "remote.out.ipynb");
    expect(nbformatErrors(out)).toBe("");
    const cells = readJson(out).cells;
    expect(cells.map((c) => c["execution_count"])).toEqual([1, 2, 3]);
    expect(cells[0]?.["outputs"]).toEqual([
      { output_type: "stream", name: "stdout", text: ["from the server\n"] },
    ]);
    // tslab shows a cell's value as stdout text rather than execute_result.
    expect(cells[1]?.["outputs"]).toEqual([
      { output_type: "stream", name: "stdout", text: ["42\n"] },
    ]);
    expect(JSON.stringify(cells[2]?.["outputs"])).toContain("remote failure");
    expect(cells[2]?.["outputs"]).toContainEqual(expect.objectContaining({ output_type: "error" }));
  });

  it("runs a replab notebook remotely with the same outputs and lineage as a local run", () => {
    const nb = join(dir, "same.ipynb");
    writeNotebook(nb, [
      "const xs = [1, 2, 3].map((x) => x * Math.round(Math.random() * 100));",
      'console.log(xs.join(","));',
    ]);
    const remote = runRemote("same.ipynb", "remote-same.ipynb");
    expect(remote.stderr).toBe("");
    expect(remote.code).toBe(0);
    expect(
      replab(["run", "same.ipynb", "-o", "local-same.ipynb", "--quiet"], { cwd: dir }).code,
    ).toBe(0);
    const [a, b] = ["remote-same.ipynb", "local-same.ipynb"].map((f) => readJson(join(dir, f)));
    expect(a?.cells.map((c) => c["outputs"])).toEqual(b?.cells.map((c) => c["outputs"]));
    const lineage = (n: typeof a) =>
      (n?.metadata["replab"] as { lineage: { nodes: unknown[]; edges: unknown[] } }).lineage;
    expect(lineage(a).edges).toEqual(lineage(b).edges);
    expect(lineage(a).edges).toEqual([{ from: "c1", to: "c2", kind: "var", label: "xs" }]);
  });

  it("names the server when the kernel cannot start", () => {
    const nb = join(dir, "nokernel.ipynb");
    writeNotebook(nb, ["1"], "no-such-kernel");
    const result = replab(
      ["run", "nokernel.ipynb", "-o", "x.ipynb", "--server", url, "--token", TOKEN],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(`^replab: cannot start kernel no-such-kernel on ${url}`),
    );
  });
});
