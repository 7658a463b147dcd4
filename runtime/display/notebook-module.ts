/**
 * The `replab` module cells import (`tslab` is an alias, so tslab notebooks run unchanged).
 * Display calls go to whatever sink the running cell writes to.
 */
import { createRequire } from "node:module";
import { ReplabError } from "../errors.js";
import type { LineageGraph } from "../lineage/types.js";
import type { MimeBundle, OutputSink } from "../session/types.js";
import { chartSpec, vegaLiteBundle, type ChartOptions, type VegaLiteSpec } from "./vega.js";
import type { RunLog } from "../tracking/tracker.js";

/** What the module needs from the session. */
export interface NotebookModuleHost {
  sink(): OutputSink | undefined;
  seed(): number;
  lineage(): LineageGraph;
  /** Where relative data URLs in a chart's spec resolve; the working directory when absent. */
  notebookDir?(): string;
  /** The run's log (runtime/tracking); undefined when tracking is off, and then `log.*` does nothing. */
  log?(): RunLog | undefined;
}

type Binary = Uint8Array | string;

const toBase64 = (b: Binary): string =>
  typeof b === "string" ? b : Buffer.from(b).toString("base64");

let displayCounter = 0;

function requireSink(host: NotebookModuleHost): OutputSink {
  const sink = host.sink();
  if (sink === undefined)
    throw new ReplabError("stdin-not-allowed", "input() works only while a cell runs.");
  return sink;
}

/** `log.*`: params, metrics, tags and artifacts of this run (docs/contracts.md, "Run records"). */
function createLog(host: NotebookModuleHost): RunLog {
  const log = (): RunLog | undefined => host.log?.();
  return {
    param: (name, value) => log()?.param(name, value),
    params: (values) => log()?.params(values),
    metric: (name, value, options) => log()?.metric(name, value, options),
    metrics: (values, options) => log()?.metrics(values, options),
    tag: (name, value) => log()?.tag(name, value),
    artifact: (path) => log()?.artifact(path),
  };
}

/** Build the module object for one session. */
export function createNotebookModule(host: NotebookModuleHost): Record<string, unknown> {
  // Unique per process without drawing randomness inside a cell (which lineage would flag).
  const displayPrefix = `replab-${process.pid}-${Date.now().toString(36)}`;
  const emit = (data: MimeBundle, displayId: string | undefined, update: boolean): void => {
    host.sink()?.display(data, {}, displayId, update);
  };
  const makeDisplay = (displayId: string | undefined) => {
    let shown = false;
    const send = (data: MimeBundle): void => {
      emit(data, displayId, displayId !== undefined && shown);
      shown = true;
    };
    // A chart renders its SVG asynchronously; it still belongs to the cell that asked for it.
    const sendLater = async (bundle: Promise<MimeBundle>): Promise<void> => {
      const sink = host.sink();
      const data = await bundle;
      sink?.display(data, {}, displayId, displayId !== undefined && shown);
      shown = true;
    };
    const dir = (): string => host.notebookDir?.() ?? process.cwd();
    return {
      html: (s: string) => send({ "text/html": s }),
      markdown: (s: string) => send({ "text/markdown": s }),
      svg: (s: string) => send({ "image/svg+xml": s }),
      png: (b: Binary) => send({ "image/png": toBase64(b) }),
      jpeg: (b: Binary) => send({ "image/jpeg": toBase64(b) }),
      gif: (b: Binary) => send({ "image/gif": toBase64(b) }),
      pdf: (b: Binary) => send({ "application/pdf": toBase64(b) }),
      latex: (s: string) => send({ "text/latex": s }),
      json: (value: unknown) => send({ "application/json": value }),
      text: (s: string) => send({ "text/plain": s }),
      javascript: (s: string) => send({ "application/javascript": s }),
      vegaLite: (spec: VegaLiteSpec) => sendLater(vegaLiteBundle(spec, dir())),
      chart: (data: unknown, options: ChartOptions) =>
        sendLater(Promise.resolve().then(() => vegaLiteBundle(chartSpec(data, options), dir()))),
      raw: (mime: string, data: string | Uint8Array | object) =>
        send({ [mime]: data instanceof Uint8Array ? toBase64(data) : data }),
    };
  };
  const display = {
    ...makeDisplay(undefined),
    clear: (options?: { wait?: boolean }) => host.sink()?.clearOutput(options?.wait ?? false),
  };
  const module: Record<string, unknown> = {
    display,
    // Display ids are transient (never saved in the notebook), so a process-unique id is enough.
    newDisplay: () => makeDisplay(`${displayPrefix}-${++displayCounter}`),
    seed: () => host.seed(),
    // Ask the user through the frontend (input_request); rejects where no frontend can answer.
    input: (prompt = "") => requireSink(host).input(prompt, false),
    password: (prompt = "") => requireSink(host).input(prompt, true),
    lineage: () => host.lineage(),
    log: createLog(host),
    isNode: () => true,
    isBrowser: () => false,
  };
  // Read when first asked for (it reads TypeScript's manifest), then a plain object, which
  // console.log prints as tslab's does (a getter inside it printed as `[Getter]`).
  let versions: TslabVersions | undefined;
  Object.defineProperty(module, "versions", {
    enumerable: true,
    get: () => (versions ??= tslabVersions()),
  });
  module["default"] = module;
  return module;
}

/** The tslab API replab's notebook module provides (docs/contracts.md, "Notebook module"). */
const TSLAB_API_VERSION = "1.0.22";

interface TslabVersions {
  tslab: string;
  typescript: string;
  node: string;
}

/** tslab's `versions`: the TypeScript is the one cells compile with. */
function tslabVersions(): TslabVersions {
  const manifest = createRequire(import.meta.url)("typescript/package.json") as { version: string };
  return { tslab: TSLAB_API_VERSION, typescript: manifest.version, node: process.version };
}
