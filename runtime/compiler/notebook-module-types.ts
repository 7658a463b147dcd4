/**
 * Types of the `replab` module cells can import (docs/contracts.md, "Notebook module"). `tslab`
 * resolves to the same module, so tslab notebooks type-check and run unchanged.
 */
const API = `
  /** Show rich output; every method sends one display_data (or update_display_data for an updatable Display). */
  export interface Display {
    html(s: string): void;
    markdown(s: string): void;
    svg(s: string): void;
    png(b: Uint8Array | string): void;
    jpeg(b: Uint8Array | string): void;
    gif(b: Uint8Array | string): void;
    pdf(b: Uint8Array | string): void;
    latex(s: string): void;
    json(value: unknown): void;
    text(s: string): void;
    javascript(s: string): void;
    raw(mimeType: string, data: string | Uint8Array | object): void;
    /** A Vega-Lite chart: JupyterLab draws the spec, other frontends an SVG rendered in the kernel. */
    vegaLite(spec: Record<string, unknown>): Promise<void>;
    /** A chart of a DataFrame's (or an array of objects') columns; x defaults to the row number. */
    chart(
      data: unknown,
      options: {
        x?: string;
        y: string | string[];
        mark?: "line" | "point" | "bar" | "area";
        title?: string;
        maxRows?: number;
      },
    ): Promise<void>;
  }
  export const display: Display & {
    /** Clear this cell's output; with wait, clear when the next output arrives. */
    clear(options?: { wait?: boolean }): void;
  };
  /** A display that later calls update in place (display_id). */
  export function newDisplay(): Display;
  /** Ask the user for a line of input through the frontend (Jupyter input_request). */
  export function input(prompt?: string): Promise<string>;
  /** Like input, with the answer hidden as it is typed. */
  export function password(prompt?: string): Promise<string>;
  /** The notebook seed in force. */
  export function seed(): number;
  /** The lineage graph recorded so far (replab.lineage/1). */
  export function lineage(): {
    schema: "replab.lineage/1";
    seed: number;
    nodes: Array<Record<string, unknown>>;
    edges: Array<{ from: string; to: string; kind: string; label: string }>;
  };
  /** Versions, as tslab 1.0.22 names them: tslab is the tslab API replab provides. */
  export const versions: { tslab: string; typescript: string; node: string };
  /** This run's record (.replab/runs/, and MLflow when MLFLOW_TRACKING_URI is set). */
  export const log: {
    /** A hyperparameter or setting (JSON value). */
    param(name: string, value: unknown): void;
    params(values: Record<string, unknown>): void;
    /** A metric value; step defaults to 0, 1, 2... per metric. */
    metric(name: string, value: number, options?: { step?: number }): void;
    metrics(values: Record<string, number>, options?: { step?: number }): void;
    tag(name: string, value: string): void;
    /** A file a cell wrote, relative to the notebook's directory. */
    artifact(path: string): void;
  };
  /** Always true in replab's Node.js kernel (kept for tslab notebooks). */
  export function isNode(): boolean;
  export function isBrowser(): boolean;
`;

/** The global `prompt` (runtime/executor/prompt.ts): the browser's and Deno's name, awaited here. */
const PROMPT = `/** Ask the user for a line of input (Jupyter input_request); an empty answer gives defaultValue. */
declare function prompt(message?: string, defaultValue?: string): Promise<string>;
`;

/** Ambient declarations for the virtual modules `replab` and `tslab`, and the global prompt. */
export const NOTEBOOK_MODULE_TYPES = `declare module "replab" {${API}}\ndeclare module "tslab" {${API}}\n${PROMPT}`;
