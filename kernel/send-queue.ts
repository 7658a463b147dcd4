/**
 * zeromq.js allows one send in flight per socket; this queue serialises them, and waits out
 * a subscriber at its high-water mark. iopub is an XPUB with noDrop, whose send fails with
 * EAGAIN while a subscriber's queue is full, yet ZeroMQ reports it writable all the while, so
 * zeromq.js's own wait never happens: without the retry here, a cell's 30,000 displays read
 * late by a client lost two thirds of them and the idle after them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Writable } from "zeromq";
import { log } from "./log.js";

/** A message's frames, or what makes them when the message's turn comes (undefined: not sent). */
export type Frames = Buffer[] | (() => Buffer[] | undefined);

/**
 * How long one message waits on a full subscriber before output is dropped: a client busy
 * rendering catches up well within it; one that never reads (a script reading only shell)
 * would otherwise stall iopub, and with it every reply, for good.
 */
export const STALL_LIMIT_MS = 10_000;
/** The longest pause between two tries of a send to a full subscriber. */
const MAX_PAUSE_MS = 20;

/** The socket a queue sends on: zeromq.js's, or a test's. */
export type SendSocket = Writable & { readonly closed: boolean };

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Whether a send already failed because the socket had closed (the kernel was ending). */
  private closedSaid = false;
  /** Set once a message waited STALL_LIMIT_MS; cleared by the next send that goes through. */
  private dropping = false;

  constructor(
    private readonly socket: SendSocket,
    private readonly name: string,
    private readonly stallLimitMs = STALL_LIMIT_MS,
  ) {}

  /**
   * Queue frames for sending; resolves when they are handed to ZeroMQ. Failures are logged,
   * not thrown. Frames given as a function are made in the queue's turn, after the caller's
   * synchronous work: the engine call an execute_request posts next leaves before its busy
   * and execute_input are signed, and those are signed while the engine works.
   */
  send(frames: Frames): Promise<void> {
    this.tail = this.tail
      .then(() => {
        const made = typeof frames === "function" ? frames() : frames;
        return made === undefined ? undefined : this.sendWaiting(made);
      })
      .catch((error: unknown) => {
        // Ending with a backlog fails every queued send: one line says so, not one per message.
        if (this.socket.closed) {
          if (!this.closedSaid)
            log(`${this.name}: closed with messages not yet sent; they are dropped`);
          this.closedSaid = true;
          return;
        }
        log(`${this.name}: send failed: ${(error as Error).message}`);
      });
    return this.tail;
  }

  /** Send, trying again while a subscriber is full, for about the stall limit at most. */
  private async sendWaiting(frames: Buffer[]): Promise<void> {
    let waited = 0;
    let pause = 1;
    for (;;) {
      try {
        await this.socket.send(frames);
        this.dropping = false;
        return;
      } catch (error) {
        if ((error as { code?: unknown }).code !== "EAGAIN" || this.socket.closed) throw error;
      }
      if (this.dropping || waited >= this.stallLimitMs) {
        if (!this.dropping)
          log(
            `${this.name}: a client has read nothing for ${this.stallLimitMs / 1000} s; its output is dropped until it reads again`,
          );
        this.dropping = true;
        return;
      }
      await sleep(pause);
      waited += pause;
      pause = Math.min(pause * 2, MAX_PAUSE_MS);
    }
  }
}
