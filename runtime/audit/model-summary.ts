/**
 * A model card's facts about a @tensorflow/tfjs LayersModel, read by shape (docs/style.md,
 * practice 8) so replab needs no tfjs import: layers, parameter counts, optimizer, loss, the
 * last fit's parameters and final metrics, and a sha256 over the weights.
 */
import { createHash } from "node:crypto";

/** One layer of the architecture summary. */
export interface LayerSummary {
  name: string;
  type: string;
  outputShape: string;
  params: number;
}

/** What the model card reports about one model. */
export interface ModelSummary {
  variable: string;
  cellId: string;
  className: string;
  layers: LayerSummary[];
  params: number;
  trainableParams: number;
  optimizer: { name: string; config: Record<string, string | number | boolean> } | null;
  loss: string[];
  metrics: string[];
  /** The last `fit`'s parameters (epochs, batchSize, samples...), or null when it was never fit. */
  training: Record<string, string | number | boolean> | null;
  /** The last value of each metric the last `fit` recorded (loss, val_loss, acc...). */
  finalMetrics: Record<string, number>;
  /** sha256 over every weight's name, dtype, shape and float values, in model order. */
  weightsSha256: string;
}

interface Layer {
  name: string;
  outputShape: unknown;
  countParams(): number;
  getClassName(): string;
}

interface Tensor {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number> & { buffer: ArrayBufferLike };
}

interface Weight {
  name: string;
  trainable: boolean;
  shape: number[];
  read(): Tensor;
}

interface LayersModel {
  layers: Layer[];
  weights: Weight[];
  countParams(): number;
  getClassName(): string;
  optimizer?: { getClassName(): string; getConfig(): Record<string, unknown> };
  loss?: unknown;
  metricsNames?: unknown;
  history?: FitHistory;
  /** A Sequential model fits through the LayersModel it wraps, which keeps the history. */
  model?: { history?: FitHistory };
}

interface FitHistory {
  params?: Record<string, unknown>;
  history?: Record<string, unknown[]>;
}

/** True for a tfjs LayersModel (sequential or functional). */
export function isLayersModel(value: unknown): value is LayersModel {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<LayersModel>;
  return (
    Array.isArray(v.layers) &&
    Array.isArray(v.weights) &&
    typeof v.countParams === "function" &&
    typeof v.getClassName === "function"
  );
}

/** The model card facts of `value`, or undefined when it is not a tfjs model. */
export function modelSummary(
  value: unknown,
  variable: string,
  cellId: string,
): ModelSummary | undefined {
  if (!isLayersModel(value)) return undefined;
  const trainable = value.weights.filter((w) => w.trainable);
  const history = value.history ?? value.model?.history;
  return {
    variable,
    cellId,
    className: value.getClassName(),
    layers: value.layers.map((layer) => ({
      name: layer.name,
      type: layer.getClassName(),
      outputShape: JSON.stringify(layer.outputShape).replaceAll("null", "None"),
      params: layer.countParams(),
    })),
    params: value.countParams(),
    trainableParams: trainable.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0),
    optimizer: optimizerOf(value),
    loss: names(value.loss),
    metrics: names(value.metricsNames).filter((m) => m !== "loss"),
    training: plain(history?.params),
    finalMetrics: finalMetrics(history?.history),
    weightsSha256: weightsHash(value.weights),
  };
}

function optimizerOf(model: LayersModel): ModelSummary["optimizer"] {
  const optimizer = model.optimizer;
  if (optimizer === undefined || optimizer === null) return null;
  return { name: optimizer.getClassName(), config: plain(optimizer.getConfig()) ?? {} };
}

/** Loss and metric names: a string, a list of them, or functions (by their name). */
function names(value: unknown): string[] {
  const list = Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value];
  return list.map((v) =>
    typeof v === "function" ? (v as { name: string }).name || "custom" : String(v),
  );
}

/** Only the scalar entries: configs may hold tensors or callbacks. */
function plain(
  record: Record<string, unknown> | undefined,
): Record<string, string | number | boolean> | null {
  if (record === undefined || record === null) return null;
  const out: Record<string, string | number | boolean> = {};
  for (const [key, v] of Object.entries(record)) {
    if (
      typeof v === "string" ||
      typeof v === "boolean" ||
      (typeof v === "number" && Number.isFinite(v))
    )
      out[key] = v;
  }
  return out;
}

function finalMetrics(history: Record<string, unknown[]> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, values] of Object.entries(history ?? {})) {
    const last = Array.isArray(values) ? values[values.length - 1] : undefined;
    if (typeof last === "number") out[key] = last;
  }
  return out;
}

function weightsHash(weights: Weight[]): string {
  const hash = createHash("sha256");
  hash.update("replab.weights/1\n");
  for (const weight of weights) {
    const tensor = weight.read();
    hash.update(`${weight.name}\n${tensor.dtype}\n${tensor.shape.join(",")}\n`);
    const values = Float64Array.from(tensor.dataSync());
    hash.update(new Uint8Array(values.buffer));
  }
  return hash.digest("hex");
}
