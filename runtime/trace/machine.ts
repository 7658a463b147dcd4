/**
 * Records reads of the machine and the process that differ between runs (high-resolution
 * clocks, uptime, host name, CPU and memory figures) and I/O replab cannot see (child
 * processes, worker threads) as nondeterminism, so a cell whose output changes with them is
 * flagged instead of silently differing. `process.pid` is a read-only value: it becomes a
 * getter that notes each read. `process.ppid` is left alone: Node computes it on every read
 * (the parent changes when the launcher dies, which is how a kernel notices it must exit),
 * and traceValue leaves such writable native values untouched (see there).
 */
import childProcess from "node:child_process";
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import { performance } from "node:perf_hooks";
import workerThreads from "node:worker_threads";
import type { TraceState } from "./cell-trace.js";
import { seededChildArgs } from "./child-seed.js";
import { CHILD_PROCESS_CALLS } from "./child-seed-args.js";
import { seededWorkerArgs } from "./worker-seed.js";
import { workerExecArgv } from "./worker-seed-args.js";
import { patchMethod, wrapMethod, type Unpatch } from "./patch.js";

const PROCESS = ["uptime", "cpuUsage", "memoryUsage", "resourceUsage"];
const OS = [
  "hostname",
  "cpus",
  "uptime",
  "freemem",
  "totalmem",
  "loadavg",
  "networkInterfaces",
  "userInfo",
];

/** Patch the machine and process sources; returns the undo. */
export function traceMachine(state: TraceState): Unpatch {
  const note = (label: string) => () => {
    if (state.active) state.nondeterminism(label);
  };
  const undo: Unpatch[] = [
    traceHrtime(note("clock:process.hrtime"), note("clock:process.hrtime.bigint")),
    traceTimeOrigin(note("clock:performance.timeOrigin")),
    traceValue(process, "pid", note("machine:process.pid")),
    traceWorker(state),
  ];
  for (const name of PROCESS)
    undo.push(patchMethod(process, name, note(`machine:process.${name}`)));
  for (const name of OS) undo.push(patchMethod(os, name, note(`machine:os.${name}`)));
  for (const name of CHILD_PROCESS_CALLS) undo.push(traceChild(state, name));
  syncBuiltinESMExports();
  return () => {
    for (const u of undo.reverse()) u();
    syncBuiltinESMExports();
  };
}

/** A child process: flagged (its files are not seen); a child `node` gets a seeded Math.random. */
function traceChild(state: TraceState, name: string): Unpatch {
  return wrapMethod(childProcess, name, (call, args) => {
    if (!state.active) return call(...args);
    let seeded: unknown[] | undefined;
    try {
      state.nondeterminism(`unseen-io:child_process.${name}`);
      const key = state.childRandomKey();
      seeded = key === undefined ? undefined : seededChildArgs(name, args, key);
    } catch {
      // Tracing is best effort: the call goes ahead as the cell made it.
    }
    return call(...(seeded ?? args));
  });
}

/** process.hrtime is a function that carries `bigint`: keep it on the wrapper. */
function traceHrtime(onCall: () => void, onBigint: () => void): Unpatch {
  const original = process.hrtime;
  const undoBigint = patchMethod(original, "bigint", onBigint);
  const undoCall = patchMethod(process, "hrtime", onCall);
  Object.defineProperty(process.hrtime, "bigint", {
    value: original.bigint,
    writable: true,
    configurable: true,
  });
  return () => {
    undoCall();
    undoBigint();
  };
}

/** performance.timeOrigin is a getter: shadow it on the instance. */
function traceTimeOrigin(onRead: () => void): Unpatch {
  const proto = Object.getPrototypeOf(performance) as object;
  const descriptor = Object.getOwnPropertyDescriptor(proto, "timeOrigin");
  const get = descriptor?.get;
  if (get === undefined || Object.getOwnPropertyDescriptor(performance, "timeOrigin"))
    return () => undefined;
  Object.defineProperty(performance, "timeOrigin", {
    configurable: true,
    enumerable: descriptor?.enumerable ?? true,
    get() {
      onRead();
      return get.call(performance) as number;
    },
  });
  return () => {
    delete (performance as { timeOrigin?: number }).timeOrigin;
  };
}

/**
 * Note each read of `target[name]`; a read gives what it would give untraced. An accessor
 * keeps its own getter and setter, so its value stays live, and gets them back on undo. A
 * read-only value (process.pid) keeps its value. A writable data property is left alone: it
 * may be a native one whose value Node computes on every read (process.ppid, which changes
 * when the parent dies), and neither a getter returning the value seen now nor the descriptor
 * put back afterwards would stay live: both freeze it.
 */
export function traceValue(target: object, name: string, onRead: () => void): Unpatch {
  const descriptor = Object.getOwnPropertyDescriptor(target, name);
  if (descriptor === undefined || descriptor.configurable !== true) return () => undefined;
  const read = liveRead(descriptor);
  if (read === undefined) return () => undefined;
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: descriptor.enumerable ?? true,
    get(this: unknown) {
      onRead();
      return read.call(this);
    },
    ...(descriptor.set === undefined ? {} : { set: descriptor.set }),
  });
  return () => Object.defineProperty(target, name, descriptor);
}

/** How to read the property as it was: its getter, or a value that cannot change; else undefined. */
function liveRead(descriptor: PropertyDescriptor): ((this: unknown) => unknown) | undefined {
  const get = descriptor.get as ((this: unknown) => unknown) | undefined;
  if (get !== undefined) return get;
  if (!("value" in descriptor) || descriptor.writable !== false) return undefined;
  const value: unknown = descriptor.value;
  return () => value;
}

/** `new Worker(...)`: its reads and writes are not seen; its Math.random is seeded (worker-seed.ts). */
function traceWorker(state: TraceState): Unpatch {
  const Original = workerThreads.Worker;
  const proxy: typeof Original = new Proxy(Original, {
    construct(target, args, newTarget) {
      const Target = newTarget === proxy ? target : newTarget;
      if (!state.active) return Reflect.construct(target, args, Target) as object;
      let key: string | undefined;
      try {
        state.nondeterminism("unseen-io:Worker");
        key = state.workerRandomKey();
      } catch {
        // Tracing is best effort: the worker starts as the cell asked.
      }
      if (key === undefined) return Reflect.construct(target, args, Target) as object;
      return constructSeeded(
        key,
        args,
        (with_) => Reflect.construct(target, with_, Target) as object,
      );
    },
  });
  const holder = workerThreads as { Worker: typeof Original };
  const descriptor = Object.getOwnPropertyDescriptor(holder, "Worker");
  if (descriptor !== undefined && descriptor.configurable !== true && descriptor.writable !== true)
    return () => undefined;
  holder.Worker = proxy;
  return () => {
    if (holder.Worker === proxy) holder.Worker = Original;
  };
}

/** The options of this thread's execArgv that a Worker accepts, once a refusal has named the others. */
let workerInherits: readonly string[] = process.execArgv;

/** Start the worker seeded; as the cell asked when seeding cannot be added. */
function constructSeeded(
  key: string,
  args: unknown[],
  construct: (args: unknown[]) => object,
): object {
  const seeded = seededWorkerArgs(args, key, workerInherits);
  if (seeded === undefined) return construct(args);
  try {
    return construct(seeded);
  } catch (refusal) {
    // The cell's own execArgv is passed on as given: a refusal of it is the cell's error.
    const own = (args[1] as { execArgv?: unknown } | undefined)?.execArgv;
    const kept = own === undefined ? workerExecArgv(refusal, workerInherits) : undefined;
    if (kept === undefined) return construct(args);
    workerInherits = kept;
    return construct(seededWorkerArgs(args, key, kept) ?? args);
  }
}
