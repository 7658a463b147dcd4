/**
 * Logs a finished run record to an MLflow tracking server through its REST API (2.0):
 * params, metric histories, tags, the data files as dataset inputs, and the executed notebook,
 * the lineage and the record itself as artifacts. Failing to reach the server is a warning:
 * the run record on disk stands, and `replab runs push` logs it later.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ReplabError } from "../errors.js";
import type { RunRecord, RunStatus } from "./record.js";

/** MLflow's limits per log-batch request. */
const BATCH = { params: 100, metrics: 1000, tags: 100 };
/** MLflow's longest param value. */
const PARAM_LENGTH = 6000;
/** MLflow keeps at most this many characters of a dataset digest. */
const DIGEST_LENGTH = 36;
const REQUEST_TIMEOUT_MS = 30_000;

type KeyValue = { key: string; value: string };

/** What publishing needs besides the record. */
export interface PublishOptions {
  notebookDir: string;
  /** The executed notebook's JSON, logged as an artifact when given. */
  notebook?: string | undefined;
  warn: (message: string) => void;
}

/** Log `record` to the server at `uri`; returns the MLflow run id, or undefined after a warning. */
export async function publishRun(
  uri: string,
  record: RunRecord,
  options: PublishOptions,
): Promise<string | undefined> {
  try {
    return await logRun(new MlflowClient(uri), record, options);
  } catch (error) {
    options.warn(
      `replab: run ${record.id} was not logged to MLflow at ${uri}: ${(error as Error).message}; ` +
        `it is saved in .replab/runs/${record.id}.json ('replab runs push ${record.id} --mlflow URI' logs it later)`,
    );
    return undefined;
  }
}

/** Every step of logging one run; throws on the first failure. */
async function logRun(
  client: MlflowClient,
  record: RunRecord,
  options: PublishOptions,
): Promise<string> {
  const experimentId = await client.experiment(
    process.env["MLFLOW_EXPERIMENT_NAME"] ?? record.notebook.path,
  );
  const created = (await client.post("runs/create", {
    experiment_id: experimentId,
    run_name: record.id,
    start_time: Date.parse(record.startedAt),
    tags: runTags(record, options.notebookDir),
  })) as { run: { info: { run_id: string; artifact_uri: string } } };
  const { run_id: runId, artifact_uri: artifactUri } = created.run.info;
  await logBatches(client, runId, record);
  if (record.inputs.length > 0)
    await client.post("runs/log-inputs", { run_id: runId, datasets: datasets(record) });
  for (const [name, content] of artifacts(record, options))
    await client.upload(artifactUri, name, content);
  await client.post("runs/update", {
    run_id: runId,
    status: MLFLOW_STATUS[record.status],
    end_time: record.endedAt === null ? undefined : Date.parse(record.endedAt),
  });
  return runId;
}

const MLFLOW_STATUS: Record<RunStatus, string> = {
  running: "RUNNING",
  finished: "FINISHED",
  failed: "FAILED",
  killed: "KILLED",
};

/** replab's tags, MLflow's source tags, the git commit when there is one, then the user's. */
function runTags(record: RunRecord, notebookDir: string): KeyValue[] {
  const tags: Record<string, string> = {
    "replab.run_id": record.id,
    "replab.notebook": record.notebook.path,
    "replab.seed": String(record.seed),
    "replab.version": record.environment.replab,
    "mlflow.source.name": record.notebook.path,
    "mlflow.source.type": "NOTEBOOK",
  };
  if (record.notebook.sourceSha256 !== null)
    tags["replab.notebook_sha256"] = record.notebook.sourceSha256;
  const commit = gitCommit(notebookDir);
  if (commit !== undefined) tags["mlflow.source.git.commit"] = commit;
  Object.assign(tags, record.tags);
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function gitCommit(dir: string): string | undefined {
  try {
    const out = execFileSync("git", ["rev-parse", "HEAD"], {
      cwd: dir,
      stdio: ["ignore", "pipe", "ignore"],
    });
    return out.toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Params (JSON text for non-strings; the seed and runtime versions too) and metrics, in MLflow-sized batches. */
async function logBatches(client: MlflowClient, runId: string, record: RunRecord): Promise<void> {
  const env = record.environment;
  const params: KeyValue[] = Object.entries({
    ...record.params,
    "replab.seed": record.seed,
    "runtime.node": env.node,
    "runtime.replab": env.replab,
    "runtime.typescript": env.typescript,
    "runtime.platform": env.platform,
  }).map(([key, value]) => ({
    key,
    // MLflow refuses a longer param value, which would lose the whole batch.
    value: (typeof value === "string" ? value : JSON.stringify(value)).slice(0, PARAM_LENGTH),
  }));
  const metrics = Object.entries(record.metrics).flatMap(([key, points]) =>
    // MLflow's REST API takes NaN and the infinities by name (protobuf's JSON form); a null
    // without a name (a record older than nonFinite) says nothing to send.
    points
      .filter((p) => p.value !== null || p.nonFinite !== undefined)
      .map((p) => ({ key, value: p.nonFinite ?? p.value, timestamp: p.timestamp, step: p.step })),
  );
  for (let i = 0; i < params.length; i += BATCH.params)
    await client.post("runs/log-batch", {
      run_id: runId,
      params: params.slice(i, i + BATCH.params),
    });
  for (let i = 0; i < metrics.length; i += BATCH.metrics)
    await client.post("runs/log-batch", {
      run_id: runId,
      metrics: metrics.slice(i, i + BATCH.metrics),
    });
}

/** The files the run read, as MLflow dataset inputs: digest = leading sha256 digits, profile = full hash and size. */
function datasets(record: RunRecord): unknown[] {
  return record.inputs.map((input) => ({
    tags: [{ key: "mlflow.data.context", value: "input" }],
    dataset: {
      name: input.path,
      digest: input.sha256.slice(0, DIGEST_LENGTH),
      source_type: "local",
      source: JSON.stringify({ uri: input.path }),
      profile: JSON.stringify({ sha256: input.sha256, bytes: input.bytes }),
    },
  }));
}

/** Artifact name -> bytes: the executed notebook, the lineage, the record, and `log.artifact` files. */
function artifacts(record: RunRecord, options: PublishOptions): [string, Uint8Array][] {
  const text = (s: string): Uint8Array => Buffer.from(s, "utf8");
  const files: [string, Uint8Array][] = [
    ["lineage.json", text(`${JSON.stringify(record.lineage, null, 1)}\n`)],
    ["run-record.json", text(`${JSON.stringify(record, null, 1)}\n`)],
  ];
  if (options.notebook !== undefined) files.push([record.notebook.path, text(options.notebook)]);
  for (const artifact of record.artifacts) {
    try {
      files.push([
        `files/${artifact.path}`,
        readFileSync(resolve(options.notebookDir, artifact.path)),
      ]);
    } catch (error) {
      options.warn(`replab: artifact ${artifact.path} was not logged to MLflow: ${String(error)}`);
    }
  }
  return files;
}

/** A small client for the endpoints replab uses. */
class MlflowClient {
  private readonly base: string;

  constructor(uri: string) {
    if (!/^https?:\/\//.test(uri))
      throw new ReplabError(
        "usage",
        `MLflow tracking URI ${uri} is not an http(s) URL; replab logs through the REST API`,
      );
    this.base = uri.replace(/\/+$/, "");
  }

  /** The id of the experiment named `name`, created when missing. */
  async experiment(name: string): Promise<string> {
    const found = await this.request(
      "GET",
      `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      undefined,
      true,
    );
    const existing = (found as { experiment?: { experiment_id?: string } } | undefined)?.experiment;
    if (existing?.experiment_id !== undefined) return existing.experiment_id;
    const created = (await this.post("experiments/create", { name })) as { experiment_id: string };
    return created.experiment_id;
  }

  post(endpoint: string, body: unknown): Promise<unknown> {
    return this.request("POST", endpoint, body, false);
  }

  /**
   * Store an artifact: through the server (`mlflow-artifacts:` URIs, `--serve-artifacts`) or
   * straight into a local artifact root (`file:` or a path), as MLflow's own client does.
   */
  async upload(artifactUri: string, name: string, content: Uint8Array): Promise<void> {
    if (artifactUri.startsWith("mlflow-artifacts:")) {
      const path = artifactUri.replace(/^mlflow-artifacts:(\/\/[^/]*)?/, "").replace(/^\/+/, "");
      const url = `${this.base}/api/2.0/mlflow-artifacts/artifacts/${path}/${name}`;
      const response = await fetch(url, {
        method: "PUT",
        body: content,
        headers: { ...this.headers(), "content-type": "application/octet-stream" },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!response.ok)
        throw new Error(`PUT ${url}: HTTP ${response.status} ${await response.text()}`);
      return;
    }
    const root = artifactUri.startsWith("file:") ? fileURLToPath(artifactUri) : artifactUri;
    if (!root.startsWith("/"))
      throw new Error(`artifact location ${artifactUri} is neither mlflow-artifacts: nor local`);
    const target = join(root, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }

  private async request(
    method: string,
    endpoint: string,
    body: unknown,
    missingOk: boolean,
  ): Promise<unknown> {
    const url = `${this.base}/api/2.0/mlflow/${endpoint}`;
    const init: RequestInit = {
      method,
      headers: this.headers(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      throw new Error(`cannot reach ${url} (${String((error as Error).cause ?? error)})`);
    }
    const text = await response.text();
    if (missingOk && response.status === 404) return undefined;
    if (!response.ok)
      throw new Error(`${method} ${endpoint}: HTTP ${response.status} ${text.slice(0, 300)}`);
    return text === "" ? {} : (JSON.parse(text) as unknown);
  }

  /** JSON, with MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD when set. */
  private headers(): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const {
      MLFLOW_TRACKING_TOKEN: token,
      MLFLOW_TRACKING_USERNAME: user,
      MLFLOW_TRACKING_PASSWORD: password,
    } = process.env;
    if (token !== undefined && token !== "") headers["authorization"] = `Bearer ${token}`;
    else if (user !== undefined && password !== undefined)
      headers["authorization"] = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    return headers;
  }
}
