/**
 * Hashes files a few at a time: a cell that touches a thousand files must not open a
 * thousand files (and buffers) at once. Regular files only: hashing /dev/urandom would never end.
 */
import { promises as fsp } from "node:fs";
import { hashFile, type FileHash } from "./sha256.js";

const stat = fsp.stat.bind(fsp);

/** Runs at most `limit` file hashes concurrently, in request order. */
export class HashQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit = 2) {}

  /** Hash a regular file; undefined when it is missing, unreadable or not a regular file. */
  async hash(path: string): Promise<FileHash | undefined> {
    await this.slot();
    try {
      const info = await stat(path);
      if (!info.isFile()) return undefined;
      return await hashFile(path);
    } catch {
      // A file a cell tried and failed to open (or deleted) has no content to record.
      return undefined;
    } finally {
      // Hand the slot straight to the next waiter, so nobody can overtake it.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }

  private async slot(): Promise<void> {
    if (this.running < this.limit) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }
}
