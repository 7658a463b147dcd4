#!/usr/bin/env node
// Medians of the per-phase lines a kernel writes with REPLAB_PHASES=1 (runtime/session/phases.ts).
// Usage: node bench/phases.mjs KERNEL_STDERR.log [--skip N]
// Prints, for the protocol process and the engine, each phase's median ms over the executions
// in the log (the first N of each thread left out: warm-up), and the bridge: the protocol
// thread's wait on the engine less the engine's own time, matched by execution id.
import { readFileSync } from "node:fs";

const [file, ...rest] = process.argv.slice(2);
if (file === undefined) {
  console.error("usage: node bench/phases.mjs KERNEL_STDERR.log [--skip N]");
  process.exit(2);
}
const skipAt = rest.indexOf("--skip");
const skip = skipAt >= 0 ? Number(rest[skipAt + 1]) : 5;

/** @type {Map<string, Map<string, Record<string, number>>>} thread -> label -> fields */
const threads = new Map();
for (const line of readFileSync(file, "utf8").split("\n")) {
  const match = /^\[replab\] phases (\S+) (#\S+) (.*)$/.exec(line);
  if (match === null) continue;
  const [, thread = "", label = "", text = ""] = match;
  /** @type {Record<string, number>} */
  const fields = {};
  for (const pair of text.split(" ")) {
    const [name = "", value = ""] = pair.split("=");
    fields[name] = Number(value);
  }
  if (!threads.has(thread)) threads.set(thread, new Map());
  threads.get(thread)?.set(label, fields);
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** @type {Record<string, Record<string, number>>} */
const report = {};
for (const [thread, byLabel] of threads) {
  const kept = [...byLabel.values()].slice(skip);
  /** @type {Map<string, number[]>} */
  const columns = new Map();
  for (const fields of kept)
    for (const [name, value] of Object.entries(fields))
      if (name !== "at") columns.set(name, [...(columns.get(name) ?? []), value]);
  report[thread] = { executions: kept.length };
  for (const [name, values] of columns) report[thread][name] = Number(median(values).toFixed(3));
}
const protocol = threads.get("protocol");
const engine = threads.get("engine");
if (protocol !== undefined && engine !== undefined) {
  const bridge = [];
  for (const [label, fields] of [...protocol].slice(skip)) {
    const own = engine.get(label);
    if (own !== undefined && fields["engine"] !== undefined && own["total"] !== undefined)
      bridge.push(fields["engine"] - own["total"]);
  }
  report["bridge (protocol's wait on the engine - engine total)"] = {
    executions: bridge.length,
    median: Number(median(bridge).toFixed(3)),
  };
}
console.log(JSON.stringify(report, null, 1));
