/**
 * A kernel is two processes (docs/startup.md): this plain Node process owns the sockets and
 * answers the protocol, and the engine process it starts runs the cells, for TypeScript from
 * the warm-compiler snapshot. Node deserializes the 43 MB blob before any line of a process
 * (or of a worker in it) runs, ~250 ms; here that happens on the other core while this
 * process loads ZeroMQ and binds its sockets, with no worker thread to boot first.
 *
 * The engine's interrupt flag (a SharedArrayBuffer) cannot cross processes, so an interrupt
 * is a byte on a pipe that the engine's relay thread (interrupt-relay.ts) turns into the flag
 * and a SIGINT of its own process; until the relay says it is up (on that pipe: the engine's
 * main thread may be spinning), SIGINT, and the byte once the relay is up if nothing came
 * back from the engine meanwhile. The engine ends when this process closes, exits or is
 * killed; this process ends with the engine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import type { Duplex } from "node:stream";
import { shielded } from "../runtime/intrinsics.js";
import { forgetSnapshot } from "../runtime/warm/snapshot.js";
import {
  RELAY_LISTENING,
  type EngineExit,
  type EngineInterruptible,
  type EngineLink,
  type FromEngine,
  type ProtocolLink,
  type ToEngine,
} from "./bridge.js";
import { readEngineMessage } from "./engine-message.js";
import { log } from "./log.js";

/** Set in an engine process's environment: it serves the protocol process that started it. */
export const ENGINE_ENV = "REPLAB_KERNEL_ENGINE";
/** The interrupt pipe's file descriptor in the engine process (after stdio and the IPC channel). */
export const RELAY_FD = 4;
/** An engine that fails sooner than this after its start, unasked, blames the snapshot. */
const EARLY_FAILURE_MS = 5_000;
/** How long a stopped engine has to end before it is killed. */
const KILL_AFTER_MS = 5_000;

/** The protocol process's handle on its engine process: the EngineLink, and how it ended. */
export class EngineProcess implements EngineLink {
  /** How the engine ended. */
  readonly exited: Promise<EngineExit>;
  private readonly child: ChildProcess;
  private readonly relay: Duplex;
  /** How an interrupt reaches the engine now. */
  private interruptBy: "nothing" | "signal" | "relay" = "nothing";
  /** The execute call the engine has not answered yet. */
  private running: number | undefined;
  /** The execute an interrupt came for before the relay was up (a loop after an await may spin). */
  private pending: number | undefined;
  private listener: ((message: FromEngine) => void) | undefined;
  private readonly early: FromEngine[] = [];
  /** Whether this process told the engine to shut down (its exit is then no failure). */
  private askedToEnd = false;

  /** Start the engine from `blob`, running this command (`replab kernel ...`) again. */
  constructor(blob: string | undefined) {
    // Not WARM_CHILD_ENV: an engine that finds the blob stale drops it and builds a new one.
    const env: NodeJS.ProcessEnv = { ...process.env, [ENGINE_ENV]: "1" };
    // The engine watches this process; this process watches whoever JPY_PARENT_PID names.
    delete env["JPY_PARENT_PID"];
    const snapshot = blob === undefined ? [] : ["--snapshot-blob", blob];
    const args = [...process.execArgv, ...snapshot, ...process.argv.slice(1)];
    const started = Date.now();
    this.child = spawn(process.execPath, args, {
      stdio: ["inherit", "inherit", "inherit", "ipc", "pipe"],
      env,
      serialization: "json",
    });
    this.relay = this.child.stdio[RELAY_FD] as Duplex;
    // A byte to an engine that just died: its exit is reported below.
    this.relay.on("error", () => undefined);
    this.relay.on("data", (data: Buffer) => {
      if (!data.toString().includes(RELAY_LISTENING)) return;
      this.interruptBy = "relay";
      // Only while that cell still runs: a byte for a cell that ended would stop the next one.
      if (this.pending !== undefined && this.pending === this.running) this.relay.write("i");
      this.pending = undefined;
    });
    this.child.on("message", (raw: unknown) => {
      if ((raw as Partial<EngineInterruptible> | null)?.kind === "interruptible") {
        if (this.interruptBy === "nothing") this.interruptBy = "signal";
        return;
      }
      const message = readEngineMessage(raw);
      if ((message.kind === "reply" || message.kind === "failed") && message.id === this.running)
        this.running = undefined;
      if (this.listener === undefined) this.early.push(message);
      else this.listener(message);
    });
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        log(`could not start the engine process: ${error.message}`);
        resolve({ status: 1, signal: undefined });
      });
      this.child.on("exit", (code, signal) => {
        // An engine that fails this early never got to serve: take the snapshot out of use,
        // so the restart Jupyter tries starts cold.
        if (code !== 0 && !this.askedToEnd && Date.now() - started < EARLY_FAILURE_MS)
          forgetSnapshot();
        if (signal === null) resolve({ status: code ?? 0, signal: undefined });
        else resolve({ status: 128 + os.constants.signals[signal], signal });
      });
    });
  }

  /** Whether this process told the engine to shut down: an exit before that was unasked. */
  get asked(): boolean {
    return this.askedToEnd;
  }

  post(message: ToEngine): void {
    if (message.kind === "shutdown") this.askedToEnd = true;
    if (message.kind === "execute") this.running = message.id;
    if (this.child.connected) this.child.send(message);
  }

  listen(listener: (message: FromEngine) => void): void {
    this.listener = listener;
    for (const message of this.early.splice(0)) listener(message);
  }

  interrupt(): void {
    if (this.interruptBy === "relay") {
      this.relay.write("i");
      return;
    }
    // Before its listener is on, SIGINT would end the engine, and no cell runs yet.
    if (this.interruptBy === "signal") this.child.kill("SIGINT");
    // SIGINT stops all but a loop spinning after an await; the relay stops that once it is up.
    this.pending = this.running;
  }

  /** Stop the engine as SIGTERM stops a kernel (it records a running cell as killed), then kill it. */
  stop(): void {
    this.child.kill("SIGTERM");
    setTimeout(() => this.child.kill("SIGKILL"), KILL_AFTER_MS).unref();
  }
}

/** In an engine process: the protocol process, through the IPC channel it started this one with. */
export function parentProcessLink(): ProtocolLink {
  // Taken now, and the listeners shielded (intrinsics.ts): a cell that replaces process.send
  // or Function.prototype.apply must not cut the engine off from the protocol process.
  const send = process.send?.bind(process);
  return {
    post: (message) => {
      if (process.connected) send?.(message);
    },
    listen: (listener) =>
      process.on(
        "message",
        shielded((message: ToEngine) => listener(message)),
      ),
    // `on`, not `once`: once's own wrapper would be called through the patched apply.
    onGone: (listener) => process.on("disconnect", shielded(listener)),
    end: () => {
      // In a later turn: a message that came before the first listener is emitted from Node's
      // own tick, which then writes to the channel, and throws (Node 20) if it was closed.
      setImmediate(() => {
        if (process.connected) process.disconnect();
      });
    },
  };
}

/** In an engine process: tell the protocol process that SIGINT now interrupts a cell. */
export function announceInterruptible(): void {
  const message: EngineInterruptible = { kind: "interruptible" };
  if (process.connected) process.send?.(message);
}
