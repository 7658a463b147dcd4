/**
 * The rules behind run records, each as a user meets it: which parameter-cell values become
 * params, what a column profile says, when a column counts as drifted, and that the chart of
 * the same metrics is the same SVG.
 */
import { describe, expect, it } from "vitest";
import { metricChart } from "../../runtime/tracking/chart.js";
import { columnChanges } from "../../runtime/tracking/compare.js";
import { literalAssignments } from "../../runtime/tracking/params.js";
import { profileFrame } from "../../runtime/tracking/profile.js";

describe("params from the parameters cell", () => {
  it("keeps literal assignments, JSON-like values included, and skips computed ones", () => {
    const source = [
      "let lr = 0.01;",
      "const name = 'baseline', epochs = -3;",
      "var layers = [64, 32];",
      'let opts = { decay: null, "nesterov": true };',
      "let started = Date.now();",
      "let shape = [epochs, 2];",
      "function helper() { const hidden = 1; }",
    ].join("\n");
    expect(literalAssignments(source)).toEqual({
      lr: 0.01,
      name: "baseline",
      epochs: -3,
      layers: [64, 32],
      opts: { decay: null, nesterov: true },
    });
  });
});

describe("column profiles", () => {
  const frame = {
    columns: ["price", "city"],
    dtypes: ["float32", "string"],
    shape: [4, 2],
    $data: [
      [10, "oslo"],
      [Number.NaN, "rome"],
      [14, null],
      [12, "oslo"],
    ],
  };

  it("counts missing values (NaN and null) and summarises each column by its dtype", () => {
    expect(profileFrame(frame)).toEqual([
      { name: "price", dtype: "number", nulls: 1, min: 10, max: 14, mean: 12 },
      { name: "city", dtype: "string", nulls: 1, distinct: 2 },
    ]);
    expect(profileFrame({ rows: [] })).toBeUndefined();
  });

  it("reports a moved mean, min, max, nulls or dtype, and not a change within 5%", () => {
    const before = { name: "price", dtype: "number", nulls: 0, min: 10, max: 14, mean: 12 };
    expect(columnChanges(before, { ...before, mean: 12.3, max: 14.5 })).toEqual([]);
    expect(columnChanges(before, { ...before, mean: 19.8, nulls: 37 })).toEqual([
      "nulls 0 -> 37",
      "mean 12 -> 19.8",
    ]);
    expect(
      columnChanges(before, { name: "price", dtype: "string", nulls: 0, distinct: 4 }),
    ).toEqual([
      "dtype number -> string",
      "mean 12 -> -",
      "min 10 -> -",
      "max 14 -> -",
      "distinct - -> 4",
    ]);
  });
});

describe("metric chart", () => {
  it("draws one line per run, breaks it at a missing value, and is the same SVG for the same data", () => {
    const series = [
      { label: "run-a", points: [0, 1, 2].map((step) => ({ step, value: 1 / (step + 1) })) },
      {
        label: "run-b",
        points: [
          { step: 0, value: 0.8 },
          { step: 1, value: null },
          { step: 2, value: 0.2 },
        ],
      },
    ];
    const svg = metricChart("loss", series);
    expect(metricChart("loss", structuredClone(series))).toBe(svg);
    const paths = [...svg.matchAll(/data-run="([^"]+)"><path d="([^"]+)"/g)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(paths.map(([run]) => run)).toEqual(["run-a", "run-b"]);
    expect(paths[0]?.[1]?.match(/[ML]/g)).toEqual(["M", "L", "L"]);
    expect(paths[1]?.[1]?.match(/[ML]/g)).toEqual(["M", "M"]);
  });
});
