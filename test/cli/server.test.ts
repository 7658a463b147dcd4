/**
 * `replab run --server URL --token T` against a real Jupyter Server on 127.0.0.1. The
 * kernel is tslab (replab's own kernelspec joins when kernel/ lands): the point is the
 * remote path itself — outputs, execution counts, errors — through @jupyterlab/services.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, nbformatErrors, readJson, replab, scratch, writeNotebook } from "./helpers.js";

const JUPYTER = [
  join(ROOT, ".venv/bin/jupyter-server"),
  "/tmp/runner-venv/bin/jupyter-server",
].find(existsSync);
const TOKEN = "replab-test-token";

let server: ChildProcess | undefined;
let url = "";
let dir = "";

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => done(typeof address === "object" && address !== null ? address.port : 0));
    });
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
    const result = replab(
      [
        "run",
        "remote.ipynb",
        "-o",
        "remote.out.ipynb",
        "--server",
        url,
        "--token",
        TOKEN,
        "--quiet",
      ],
      { cwd: dir },
    );
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

  it("names the server when the kernel cannot start", () => {
    const nb = join(dir, "nokernel.ipynb");
    writeNotebook(nb, ["1"], "replab-js");
    const result = replab(
      ["run", "nokernel.ipynb", "-o", "x.ipynb", "--server", url, "--token", TOKEN],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^replab: cannot start kernel replab-js on ${url}`));
  });
});
