/**
 * A seeded tfjs notebook that logs its loss per epoch gives the same metric history on two
 * runs: the run record's history is what the model computed, step for step.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { replab, scratch, writeNotebook } from "../cli/helpers.js";

const CELLS = [
  'import * as tf from "@tensorflow/tfjs";\nimport { log } from "replab";\nconst xs = tf.randomNormal([64, 4]);\nconst ys = xs.sum(1, true).mul(2);',
  'const model = tf.sequential();\nmodel.add(tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }));\nmodel.add(tf.layers.dense({ units: 1 }));\nmodel.compile({ optimizer: tf.train.sgd(0.05), loss: "meanSquaredError" });',
  'await model.fit(xs, ys, {\n  epochs: 6,\n  batchSize: 16,\n  callbacks: { onEpochEnd: async (epoch, logs) => log.metric("loss", logs?.["loss"] ?? NaN, { step: epoch }) },\n});',
];

type Point = { step: number; value: number | null; cellId: string };

it("two runs of a seeded tfjs notebook log the same loss per epoch", { timeout: 600_000 }, () => {
  const dir = scratch("tfjs");
  writeNotebook(join(dir, "train.ipynb"), CELLS);
  for (let i = 0; i < 2; i++) {
    const run = replab(["run", "train.ipynb", "-o", "out.ipynb", "-q"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
  }
  const runs = join(dir, ".replab", "runs");
  const histories = readdirSync(runs)
    .sort()
    .map(
      (f) =>
        JSON.parse(readFileSync(join(runs, f), "utf8")) as { metrics: Record<string, Point[]> },
    )
    .map((r) => r.metrics["loss"] ?? []);
  expect(histories).toHaveLength(2);
  const [first, second] = histories as [Point[], Point[]];
  expect(first.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5]);
  expect(first.every((p) => typeof p.value === "number" && p.cellId === "c3")).toBe(true);
  // Training moved the loss: the history is not a constant a broken callback would give.
  expect(new Set(first.map((p) => p.value)).size).toBeGreaterThan(1);
  const strip = (h: Point[]): [number, number | null][] => h.map((p) => [p.step, p.value]);
  expect(strip(second)).toEqual(strip(first));
});
