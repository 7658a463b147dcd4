/**
 * Issue 9, item 3 through nbconvert: `jupyter nbconvert --execute` kept 8,494 of 20,000 fast
 * console.log lines and still exited 0. Every line must be in the executed notebook, in
 * order, once.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs, ROOT } from "./unittest.js";

const LINES = 20_000;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
}

/** Execute a one-cell notebook with nbconvert; resolves with the exit code and the notebook. */
function nbconvert(
  jupyterPath: string,
  spec: string,
  code: string,
): Promise<{ code: number | null; stderr: string; outputs: Output[] }> {
  const dir = mkdtempSync(join(tmpdir(), "replab-flood-"));
  const notebook = {
    cells: [
      {
        cell_type: "code",
        id: "flood",
        metadata: {},
        source: code,
        outputs: [],
        execution_count: null,
      },
    ],
    metadata: { kernelspec: { name: spec, display_name: spec, language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  writeFileSync(join(dir, "flood.ipynb"), JSON.stringify(notebook));
  const args = ["nbconvert", "--to", "notebook", "--execute", "--output", "out.ipynb"];
  return new Promise((resolve) => {
    execFile(
      join(ROOT, ".venv", "bin", "jupyter"),
      [...args, `--ExecutePreprocessor.kernel_name=${spec}`, "flood.ipynb"],
      { cwd: dir, env: { ...process.env, JUPYTER_PATH: jupyterPath }, timeout: 300_000 },
      (error, _stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        let outputs: Output[] = [];
        try {
          const out = JSON.parse(readFileSync(join(dir, "out.ipynb"), "utf8")) as {
            cells: { outputs: Output[] }[];
          };
          outputs = out.cells[0]?.outputs ?? [];
        } catch {
          // No output notebook: the assertions below report the exit code and stderr.
        }
        resolve({ code, stderr, outputs });
      },
    );
  });
}

describe.each(["replab", "replab-js"])("20,000 fast lines through nbconvert, %s", (spec) => {
  let jupyterPath: string;
  beforeAll(() => {
    jupyterPath = installKernelspecs();
  });

  it("keeps every line, in order, in the executed notebook", async () => {
    const run = await nbconvert(
      jupyterPath,
      spec,
      `for (let i = 0; i < ${LINES}; i++) console.log(i)`,
    );
    expect(run.code, run.stderr).toBe(0);
    const text = run.outputs
      .filter((o) => o.output_type === "stream" && o.name === "stdout")
      .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
      .join("");
    const lines = text.split("\n").slice(0, -1);
    expect(lines.length).toBe(LINES);
    expect(lines).toEqual(Array.from({ length: LINES }, (_, i) => String(i)));
  }, 300_000);
});
