/** zeromq.js allows one send in flight per socket; this queue serialises them. */
import type { Writable } from "zeromq";
import { log } from "./log.js";

/** A message's frames, or what makes them when the message's turn comes (undefined: not sent). */
export type Frames = Buffer[] | (() => Buffer[] | undefined);

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Writable,
    private readonly name: string,
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
        return made === undefined ? undefined : this.socket.send(made);
      })
      .catch((error: unknown) => {
        log(`${this.name}: send failed: ${(error as Error).message}`);
      });
    return this.tail;
  }
}
