/**
 * Data cards (one per input file: a datasheet skeleton) and model cards (one per tfjs model a
 * cell holds at the end of the run) from what replab recorded. What replab cannot know (why the
 * data was collected, what the model is for) is a prompt the author answers.
 */
import type { LineageGraph } from "../lineage/types.js";
import type { AuditCapture } from "./capture.js";
import type { ModelSummary } from "./model-summary.js";
import type { FileRow, FrameRow, RunRecordFacts } from "./report-model.js";

/** A question for the author, shown as a marked blank. */
export interface Prompt {
  field: string;
  question: string;
}

/** The datasheet skeleton of one input file. */
export interface DataCard {
  file: FileRow;
  /** Frames the cells that read it made: the file's schema as the notebook saw it. */
  frames: FrameRow[];
  /** Cells downstream of its readers (by variables), which transform what was read. */
  transformedBy: string[];
  prompts: Prompt[];
}

/** The model card skeleton of one model. */
export interface ModelCard {
  model: ModelSummary;
  /** Where the training parameters and metrics come from. */
  factsFrom: string;
  training: Record<string, unknown>;
  metrics: Record<string, number | null>;
  /** The data the holding cell depends on by lineage. */
  trainedOn: { files: string[]; frames: string[]; cells: string[] };
  prompts: Prompt[];
}

const DATA_PROMPTS: Prompt[] = [
  { field: "Motivation", question: "Why was this dataset created, and by whom?" },
  { field: "Collection", question: "How, when and from whom were the data collected?" },
  { field: "Licence", question: "Under what licence or terms may it be used?" },
  { field: "Preprocessing", question: "What was done to it before this notebook read it?" },
  { field: "Known limitations", question: "What biases, gaps or errors is it known to have?" },
];

const MODEL_PROMPTS: Prompt[] = [
  { field: "Intended use", question: "What is the model for, and for whom?" },
  { field: "Out-of-scope uses", question: "Where must it not be used?" },
  { field: "Evaluation", question: "On what held-out data was it evaluated, and how?" },
  { field: "Ethical considerations", question: "Who could it harm, and how was that checked?" },
  { field: "Caveats", question: "What should a user of its predictions know?" },
];

/** One card per input file. */
export function dataCards(
  lineage: LineageGraph,
  inputs: FileRow[],
  frames: FrameRow[],
): DataCard[] {
  return inputs.map((file) => {
    const downstream = reach(lineage, file.readBy, "forward");
    return {
      file,
      frames: frames.filter((f) => f.madeBy.some((c) => file.readBy.includes(c))),
      transformedBy: downstream.filter((c) => !file.readBy.includes(c)),
      prompts: DATA_PROMPTS,
    };
  });
}

/** One card per captured model; training facts from the run record when there is one. */
export function modelCards(
  lineage: LineageGraph,
  capture: AuditCapture | undefined,
  record: RunRecordFacts | undefined,
): ModelCard[] {
  return (capture?.models ?? []).map((model) => {
    const cells = reach(lineage, [model.cellId], "backward");
    const fromRecord = record !== undefined && Object.keys(record.params).length > 0;
    return {
      model,
      factsFrom: fromRecord ? `run record ${record.id}` : "the model's last fit",
      training: fromRecord ? record.params : (model.training ?? {}),
      metrics:
        record !== undefined && Object.keys(record.metrics).length > 0
          ? record.metrics
          : model.finalMetrics,
      trainedOn: trainedOn(lineage, cells),
      prompts: MODEL_PROMPTS,
    };
  });
}

function trainedOn(lineage: LineageGraph, cells: string[]): ModelCard["trainedOn"] {
  const inCells = new Set(cells);
  const files = lineage.edges
    .filter((e) => e.kind === "read" && inCells.has(e.to))
    .map((e) => e.from);
  const frames = lineage.edges
    .filter((e) => e.kind === "frame" && inCells.has(e.from))
    .map((e) => `${e.label} (${e.to.slice("frame:".length, "frame:".length + 12)})`);
  return {
    files: [...new Set(files.map((f) => f.slice("file:".length)))].sort(),
    frames: [...new Set(frames)],
    cells,
  };
}

/** Cells reachable from `start` along var edges (forward: users; backward: what they used), start included, in execution order. */
export function reach(
  lineage: LineageGraph,
  start: string[],
  direction: "forward" | "backward",
): string[] {
  const seen = new Set(start);
  const pending = [...start];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const edge of lineage.edges) {
      if (edge.kind !== "var") continue;
      const [from, to] = direction === "forward" ? [edge.from, edge.to] : [edge.to, edge.from];
      if (from === id && !seen.has(to)) {
        seen.add(to);
        pending.push(to);
      }
    }
  }
  const count = new Map(
    lineage.nodes.map((n) => [n.id, n.kind === "cell" ? (n.executionCount ?? Infinity) : Infinity]),
  );
  return [...seen].sort((a, b) => (count.get(a) ?? Infinity) - (count.get(b) ?? Infinity));
}
