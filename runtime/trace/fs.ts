/**
 * Traces every file a cell reads or writes through `fs`: sync, callback, promise and stream
 * APIs. The module objects themselves are patched (CommonJS callers such as danfo.js and
 * xlsx look functions up on them at call time), and syncBuiltinESMExports makes ESM named
 * imports see the same functions.
 */
import fs from "node:fs";
import { constants } from "node:fs";
import Module, { syncBuiltinESMExports } from "node:module";
import { resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { TraceState } from "./cell-trace.js";
import { patchMethod, wrapMethod, type OriginalCall, type Unpatch } from "./patch.js";
import { PendingRead, readCallback, readPromise, readSync, tapStream } from "./read-bytes.js";

type Access = "read" | "write";

const PACKAGES = `${sep}node_modules${sep}`;

const WRITES = [
  "writeFile",
  "writeFileSync",
  "appendFile",
  "appendFileSync",
  "truncate",
  "truncateSync",
];
const OPENS = ["open", "openSync"];
const COPIES = ["copyFile", "copyFileSync", "cp", "cpSync"];
/** (from, to) calls that make `to` hold content: the destination is written. */
const MOVES = ["rename", "renameSync", "symlink", "symlinkSync", "link", "linkSync"];
const PROMISE_WRITES = ["writeFile", "appendFile", "truncate"];
const WRITE_FLAGS = constants.O_WRONLY | constants.O_RDWR | constants.O_APPEND | constants.O_CREAT;

/** Patch fs and fs.promises; returns the undo. */
export function traceFs(state: TraceState): Unpatch {
  /** The path a running cell touched, when it is data; undefined otherwise. */
  const tracked = (path: unknown): string | undefined => {
    if (!state.active) return undefined;
    const absolute = toPath(path);
    // Packages are never data; dropping them here keeps require() of a big package cheap.
    return absolute !== undefined && !absolute.includes(PACKAGES) ? absolute : undefined;
  };
  const note = (access: Access, path: unknown): void => {
    const absolute = tracked(path);
    if (absolute !== undefined) state.file(access, absolute);
  };
  const undo: Unpatch[] = [];
  const on = (target: object, names: string[], observe: (args: readonly unknown[]) => void) => {
    for (const name of names) undo.push(patchMethod(target, name, observe));
  };
  const openObserver = (args: readonly unknown[]): void => {
    for (const access of openAccess(args[1])) note(access, args[0]);
  };
  const copyObserver = (args: readonly unknown[]): void => {
    note("read", args[0]);
    note("write", args[1]);
  };
  // Whole-file reads are hashed from the bytes they returned (read-bytes.ts).
  const read = (
    target: object,
    name: string,
    how: (call: OriginalCall, args: unknown[], pending: PendingRead) => unknown,
  ): void => {
    undo.push(
      wrapMethod(target, name, (call, args) => {
        const pending = watchRead(args[0]);
        if (pending === undefined) return call(...args);
        try {
          return how(call, args, pending);
        } catch (error) {
          pending.abandon();
          throw error;
        } finally {
          // Settled by now when it returned bytes; otherwise the file itself is hashed.
          if (name.endsWith("Sync")) pending.abandon();
        }
      }),
    );
  };
  const watchRead = (path: unknown): PendingRead | undefined => {
    const absolute = tracked(path);
    if (absolute === undefined) return undefined;
    const pending = new PendingRead();
    state.file("read", absolute, pending);
    return pending;
  };
  read(fs, "readFileSync", (call, args, p) => readSync(call, args, p.seen));
  read(fs, "readFile", (call, args, p) => readCallback(call, args, p.seen));
  read(fs.promises, "readFile", (call, args, p) => {
    const result = readPromise(call, args, p.seen) as Promise<unknown>;
    result.catch(() => p.abandon());
    return result;
  });
  read(fs, "createReadStream", (call, args, p) => {
    const stream = call(...args) as fs.ReadStream;
    const options = args[1] as { start?: unknown; end?: unknown } | undefined;
    // A byte range is not the file: hash the file instead.
    if (
      typeof options === "object" &&
      options !== null &&
      (options.start ?? options.end) !== undefined
    )
      p.abandon();
    else tapStream(stream, p.seen);
    stream.once("close", () => p.abandon());
    return stream;
  });
  on(fs, WRITES, (args) => note("write", args[0]));
  undo.push(
    wrapMethod(fs, "createWriteStream", (call, args) => {
      const stream = call(...args) as fs.WriteStream;
      const absolute = tracked(args[0]);
      if (absolute !== undefined) state.writeStream(absolute, stream);
      return stream;
    }),
  );
  undo.push(traceJsonRequire(state));
  on(fs, OPENS, openObserver);
  on(fs, COPIES, copyObserver);
  on(fs, MOVES, (args) => note("write", args[1]));
  on(fs.promises, PROMISE_WRITES, (args) => note("write", args[0]));
  on(fs.promises, ["open"], openObserver);
  on(fs.promises, ["copyFile", "cp"], copyObserver);
  on(fs.promises, ["rename", "symlink", "link"], (args) => note("write", args[1]));
  syncBuiltinESMExports();
  return () => {
    for (const u of undo.reverse()) u();
    syncBuiltinESMExports();
  };
}

/**
 * `require("./data.json")` reads the file through fs.readFileSync, but from inside Node's
 * loader called by the notebook's require (replab's shim), so the read would pass for
 * replab's own: the JSON loader runs as the cell's, and the read is hashed like any other.
 */
function traceJsonRequire(state: TraceState): Unpatch {
  const extensions = (Module as unknown as { _extensions?: Record<string, unknown> })._extensions;
  const original = extensions?.[".json"];
  if (extensions === undefined || typeof original !== "function") return () => undefined;
  const load = original as (this: unknown, module: unknown, filename: string) => unknown;
  const wrapped = function (this: unknown, module: unknown, filename: string): unknown {
    if (!state.active) return load.call(this, module, filename);
    return state.asUser(() => load.call(this, module, filename));
  };
  extensions[".json"] = wrapped;
  return () => {
    if (extensions[".json"] === wrapped) extensions[".json"] = original;
  };
}

/** The access an open flag grants: "r" reads, "w"/"a" write, "+" both. */
export function openAccess(flags: unknown): Access[] {
  if (flags === undefined || flags === null) return ["read"];
  if (typeof flags === "number") {
    const writes = (flags & WRITE_FLAGS) !== 0;
    const reads = (flags & constants.O_WRONLY) === 0;
    return [...(reads ? (["read"] as const) : []), ...(writes ? (["write"] as const) : [])];
  }
  const text = String(flags);
  const plus = text.includes("+");
  if (text.startsWith("r")) return plus ? ["read", "write"] : ["read"];
  return plus ? ["read", "write"] : ["write"];
}

/** A path argument as an absolute path; file descriptors and FileHandles are not paths. */
function toPath(path: unknown): string | undefined {
  if (typeof path === "string") return resolve(path);
  if (Buffer.isBuffer(path)) return resolve(path.toString("utf8"));
  if (path instanceof URL) return path.protocol === "file:" ? fileURLToPath(path) : undefined;
  return undefined;
}
