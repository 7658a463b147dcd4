/**
 * Runs found in a real MLflow tracking server (the pinned `mlflow` package of the test venv,
 * on 127.0.0.1 with a SQLite backend in a temporary directory): a notebook run twice with
 * different -p is logged through the REST API with its params, metric histories, tags,
 * artifacts and dataset digests, as the `mlflow` Python client reads them back. A server that
 * cannot be reached is a warning, the run succeeds, and `replab runs push` logs it later.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, replab, scratch, writeNotebook } from "../cli/helpers.js";
import { freePort } from "../support/free-port.js";

const MLFLOW = join(ROOT, ".venv", "bin", "mlflow");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const DATA = "x,y\n1,2\n2,4\n3,6\n";
const EXPERIMENT = "replab-test";

const CELLS = [
  { id: "params", tags: ["parameters"], source: "let lr = 0.1;\nlet epochs = 3;" },
  {
    id: "train",
    source:
      'import { readFileSync, writeFileSync } from "node:fs";\nimport { log } from "replab";\nconst rows = readFileSync("data/points.csv", "utf8").trim().split("\\n").length - 1;\nfor (let epoch = 0; epoch < epochs; epoch++) {\n  log.metric("loss", rows * lr / (epoch + 1), { step: epoch });\n  // A gradient that went NaN: the step a reader of the run looks for.\n  log.metric("grad", epoch < 2 ? epoch : NaN, { step: epoch });\n}\nlog.tag("stage", "test");\nwriteFileSync("model.json", JSON.stringify({ lr, rows }));\nlog.artifact("model.json");',
  },
];

let server: ChildProcess | undefined;
let uri: string;
let dir: string;

/** Poll /health until the server answers; a hang guard, not a timing assertion. */
async function waitForServer(url: string, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    if (server?.exitCode !== null) throw new Error(`mlflow server exited (${server?.exitCode})`);
    if (Date.now() > until) throw new Error("mlflow server did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the mlflow client sees in the test experiment. */
function mlflowRuns(): Record<string, unknown>[] {
  const result = spawnSync(PYTHON, [join(ROOT, "test/tracking/mlflow_runs.py"), uri, EXPERIMENT], {
    encoding: "utf8",
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

function run(
  lr: string,
  env: Record<string, string>,
  flags: string[] = [],
): ReturnType<typeof replab> {
  return replab(["run", "nb.ipynb", "-o", "out.ipynb", "-q", "-p", `lr=${lr}`, ...flags], {
    cwd: dir,
    env: { MLFLOW_EXPERIMENT_NAME: EXPERIMENT, ...env },
  });
}

beforeAll(async () => {
  const temp = mkdtempSync(join(tmpdir(), "replab-mlflow-"));
  const port = await freePort();
  uri = `http://127.0.0.1:${port}`;
  server = spawn(
    MLFLOW,
    [
      "server",
      "--backend-store-uri",
      `sqlite:///${join(temp, "db")}`,
      "--default-artifact-root",
      join(temp, "art"),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--workers",
      "1",
    ],
    { cwd: temp, stdio: "ignore", detached: true },
  );
  dir = scratch("mlflow");
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "data", "points.csv"), DATA);
  writeNotebook(join(dir, "nb.ipynb"), CELLS);
  await waitForServer(uri, 240_000);
}, 300_000);

afterAll(async () => {
  const child = server;
  if (child?.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // The server runs workers of its own: end its whole process group, and wait for it.
  process.kill(-child.pid, "SIGTERM");
  const guard = setTimeout(() => process.kill(-(child.pid as number), "SIGKILL"), 30_000);
  await exited;
  clearTimeout(guard);
}, 60_000);

describe("MLflow", () => {
  it(
    "two runs with different -p are in MLflow with params, metric histories, tags, artifacts and dataset digests",
    { timeout: 480_000 },
    () => {
      // One run finds the server in MLFLOW_TRACKING_URI, the other is given --mlflow.
      for (const [lr, env, flags] of [
        ["0.1", { MLFLOW_TRACKING_URI: uri }, []],
        ["0.2", {}, ["--mlflow", uri]],
      ] as const) {
        const result = run(lr, env, [...flags]);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stderr).toBe("");
      }
      const records = readdirSync(join(dir, ".replab", "runs")).map((f) =>
        f.replace(/\.json$/, ""),
      );
      const runs = mlflowRuns();
      expect(runs.map((r) => r["run_name"])).toEqual(records.sort());
      const digest = createHash("sha256").update(DATA).digest("hex");
      for (const [i, lr] of [0.1, 0.2].entries()) {
        const found = runs[i] as Record<string, Record<string, unknown>> & { status: string };
        expect(found.status).toBe("FINISHED");
        expect(found["params"]).toMatchObject({
          lr: String(lr),
          epochs: "3",
          "replab.seed": "42",
          "runtime.node": process.versions.node,
        });
        expect(found["metrics"]?.["loss"]).toEqual([
          [0, 3 * lr],
          [1, (3 * lr) / 2],
          [2, (3 * lr) / 3],
        ]);
        expect(found["metrics"]?.["grad"]).toEqual([
          [0, 0],
          [1, 1],
          [2, "NaN"],
        ]);
        expect(found["tags"]).toMatchObject({
          stage: "test",
          "replab.notebook": "nb.ipynb",
          "replab.seed": "42",
          "mlflow.source.name": "nb.ipynb",
          "replab.run_id": records[i],
        });
        // The scratch directory is inside this repository, so the run knows its commit.
        expect(found["tags"]?.["mlflow.source.git.commit"]).toMatch(/^[0-9a-f]{40}$/);
        expect(found["artifacts"]).toEqual([
          "files/model.json",
          "lineage.json",
          "nb.ipynb",
          "run-record.json",
        ]);
        expect(found["datasets"]).toEqual([
          {
            name: "data/points.csv",
            digest: digest.slice(0, 36),
            source_type: "local",
            profile: { sha256: digest, bytes: DATA.length },
          },
        ]);
      }
    },
  );

  it(
    "an unreachable server is a warning, the run succeeds, and runs push logs it later",
    { timeout: 480_000 },
    () => {
      // Nothing listens on port 9 of 127.0.0.1 (discard): the connection is refused at once.
      const result = run("0.3", { MLFLOW_TRACKING_URI: "http://127.0.0.1:9" });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(
        /^replab: run (\S+) was not logged to MLflow at http:\/\/127\.0\.0\.1:9: cannot reach .*; it is saved in \.replab\/runs\/\1\.json/,
      );
      const id = /run (\S+) was not logged/.exec(result.stderr)?.[1] as string;
      expect(mlflowRuns().map((r) => r["run_name"])).not.toContain(id);
      const push = replab(["runs", "push", id, "--mlflow", uri], {
        cwd: dir,
        env: { MLFLOW_EXPERIMENT_NAME: EXPERIMENT },
      });
      expect(push.code, push.stderr).toBe(0);
      expect(push.stdout).toMatch(
        new RegExp(`^logged run ${id} to ${uri} as MLflow run [0-9a-f]{32}\\n$`),
      );
      const pushed = mlflowRuns().find((r) => r["run_name"] === id) as Record<string, unknown>;
      expect(pushed["params"]).toMatchObject({ lr: "0.3" });
      expect(pushed["status"]).toBe("FINISHED");
    },
  );
});
