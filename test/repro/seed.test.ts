/**
 * Seeding: per-cell streams, re-runs, and libraries that draw from Math.random
 * (docs/determinism.md, "One stream per cell, reset at every execution", "Libraries").
 */
import seedrandom from "seedrandom";
import { afterEach, describe, expect, test } from "vitest";
import { Recorder } from "../../runtime/repro/recorder.js";
import { sha256Hex } from "../../runtime/hashing/sha256.js";
import { cellStream, cellStreamKey } from "../../runtime/seed/stream.js";
import { runCell, tempNotebookDir } from "./helpers.js";

let recorder: Recorder | undefined;
afterEach(() => {
  recorder?.dispose();
  recorder = undefined;
});

const draw = (n: number) => () => Array.from({ length: n }, () => Math.random());

function newRecorder(seed: number): Recorder {
  recorder?.dispose();
  recorder = new Recorder({ notebookDir: tempNotebookDir(), seed, journal: false });
  return recorder;
}

describe("cell streams", () => {
  test("the key format is the published contract", () => {
    expect(cellStreamKey(42, "a1b2")).toBe("replab:42:a1b2");
    const published = seedrandom("replab:42:a1b2");
    const ours = cellStream(42, "a1b2");
    expect(Array.from({ length: 5 }, ours)).toEqual(Array.from({ length: 5 }, published));
  });

  test("same seed gives the same values, a different seed different ones", async () => {
    const a = await runCell(newRecorder(7), { cellId: "c", executionCount: 1 }, draw(10));
    const b = await runCell(newRecorder(7), { cellId: "c", executionCount: 1 }, draw(10));
    const c = await runCell(newRecorder(8), { cellId: "c", executionCount: 1 }, draw(10));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  test("a re-run cell draws the same numbers; other cells draw their own", async () => {
    const r = newRecorder(42);
    const one = "console.log(Math.random())";
    const first = await runCell(r, { cellId: "one", executionCount: 1, code: one }, draw(5));
    const other = await runCell(r, { cellId: "two", executionCount: 2, code: "2" }, draw(5));
    const again = await runCell(r, { cellId: "one", executionCount: 3, code: one }, draw(5));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(first).toEqual(Array.from({ length: 5 }, seedrandom(`replab:42:${sha256Hex(one)}`)));
  });

  test("the stream follows the cell's source, whatever id or count a client sends", async () => {
    const r = newRecorder(42);
    const code = "Math.random()";
    const lab = await runCell(r, { cellId: "8f2c-jupyterlab", executionCount: 1, code }, draw(3));
    const nbclient = await runCell(r, { cellId: "count-7", executionCount: 7, code }, draw(3));
    expect(nbclient).toEqual(lab);
  });

  test("%repro seed changes later streams", async () => {
    const r = newRecorder(1);
    r.setSeed(99);
    const values = await runCell(r, { cellId: "x", executionCount: 1, code: "x" }, draw(3));
    expect(values).toEqual(Array.from({ length: 3 }, seedrandom(`replab:99:${sha256Hex("x")}`)));
    expect(r.graph().seed).toBe(99);
  });

  test("dispose restores the original Math.random", () => {
    const original = Math.random;
    const r = new Recorder({ notebookDir: tempNotebookDir(), seed: 1, journal: false });
    r.beginCell("c", "");
    expect(Math.random).not.toBe(original);
    r.dispose();
    expect(Math.random).toBe(original);
  });

  test("the recorder sets the TensorFlow determinism variables and records them", () => {
    const r = newRecorder(1);
    expect(process.env["TF_DETERMINISTIC_OPS"]).toBe("1");
    expect(process.env["TF_CUDNN_DETERMINISTIC"]).toBe("1");
    expect(r.graph().environment).toEqual({
      TF_DETERMINISTIC_OPS: "1",
      TF_CUDNN_DETERMINISTIC: "1",
    });
  });
});

describe("libraries that draw from Math.random", () => {
  // danfo.js seeds sample itself (options.seed defaults to 1), so it does not vary with the
  // notebook seed; what matters is that two runs agree.
  test("danfo.js sample gives the same rows on every run", async () => {
    const dfd = await import("danfojs-node");
    const sample = async () => {
      const df = new dfd.DataFrame({ a: Array.from({ length: 100 }, (_, i) => i) });
      const s = await df.sample(10);
      return s["a"].values as number[];
    };
    const a = await runCell(newRecorder(3), { cellId: "s", executionCount: 1 }, sample);
    const b = await runCell(newRecorder(3), { cellId: "s", executionCount: 1 }, sample);
    const c = await runCell(newRecorder(4), { cellId: "s", executionCount: 1 }, sample);
    expect(a).toEqual(b);
    expect(c).toEqual(a);
    expect(a).toHaveLength(10);
  });

  test("a small tfjs model trained twice ends with identical weights", async () => {
    const tf = await import("@tensorflow/tfjs");
    await tf.setBackend("cpu");
    const train = async (): Promise<number[][]> => {
      const model = tf.sequential();
      model.add(tf.layers.dense({ units: 8, inputShape: [4], activation: "relu" }));
      model.add(tf.layers.dropout({ rate: 0.2 }));
      model.add(tf.layers.dense({ units: 1 }));
      model.compile({ optimizer: "adam", loss: "meanSquaredError" });
      const xs = tf.randomNormal([64, 4]);
      const ys = tf.randomUniform([64, 1]);
      await model.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: true, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
      tf.dispose([xs, ys]);
      model.dispose();
      return weights;
    };
    const a = (await runCell(
      newRecorder(5),
      { cellId: "t", executionCount: 1 },
      train,
    )) as number[][];
    const b = (await runCell(
      newRecorder(5),
      { cellId: "t", executionCount: 1 },
      train,
    )) as number[][];
    const c = (await runCell(
      newRecorder(6),
      { cellId: "t", executionCount: 1 },
      train,
    )) as number[][];
    expect(a.length).toBe(4);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});
