/**
 * traceValue (runtime/trace/machine.ts) notes reads of a property without changing what a
 * read gives. Regression: it replaced the property with a getter returning the value seen
 * when the tracer was installed and put that frozen value back on undo, which froze
 * process.ppid, so a kernel never saw its launcher die (f4e4afb).
 */
import { expect, test } from "vitest";
import { traceValue } from "../../runtime/trace/machine.js";

test("an accessor stays live while traced and gets its own getter and setter back", () => {
  let source = 1;
  const get = (): number => source;
  const set = (value: number): void => {
    source = value * 10;
  };
  const target = {};
  Object.defineProperty(target, "live", { get, set, configurable: true, enumerable: true });
  const holder = target as { live: number };
  let reads = 0;
  const undo = traceValue(target, "live", () => reads++);
  expect(holder.live).toBe(1);
  source = 2;
  expect(holder.live).toBe(2);
  holder.live = 3;
  expect(holder.live).toBe(30);
  expect(reads).toBe(3);
  undo();
  source = 4;
  expect(holder.live).toBe(4);
  expect(Object.getOwnPropertyDescriptor(target, "live")).toEqual({
    get,
    set,
    configurable: true,
    enumerable: true,
  });
  expect(reads).toBe(3);
});

test("a read-only value (process.pid) is noted and keeps its value", () => {
  const before = Object.getOwnPropertyDescriptor(process, "pid");
  let reads = 0;
  const undo = traceValue(process, "pid", () => reads++);
  try {
    expect(process.pid).toBe(before?.value);
    expect(reads).toBe(1);
  } finally {
    undo();
  }
  expect(Object.getOwnPropertyDescriptor(process, "pid")).toEqual(before);
});

test("a writable native value (process.ppid) is left alone: it must stay what Node computes", () => {
  const before = Object.getOwnPropertyDescriptor(process, "ppid");
  expect(before).toMatchObject({ writable: true, configurable: true });
  let reads = 0;
  const undo = traceValue(process, "ppid", () => reads++);
  try {
    expect(Object.getOwnPropertyDescriptor(process, "ppid")).toEqual(before);
    expect(process.ppid).toBe(before?.value);
    expect(reads).toBe(0);
  } finally {
    undo();
  }
  expect(Object.getOwnPropertyDescriptor(process, "ppid")).toEqual(before);
});
