/** zeromq.js allows one send in flight per socket; this queue serialises them. */
import type { Writable } from "zeromq";
import { log } from "./log.js";

export class SendQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Writable,
    private readonly name: string,
  ) {}

  /** Queue frames for sending; resolves when they are handed to ZeroMQ. Failures are logged, not thrown. */
  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail
      .then(() => this.socket.send(frames))
      .catch((error: unknown) => {
        log(`${this.name}: send failed: ${(error as Error).message}`);
      });
    return this.tail;
  }
}
