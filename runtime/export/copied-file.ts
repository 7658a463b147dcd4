/**
 * A data file an export copies into data/ without holding it in memory: the copy is made by
 * the kernel (copyFile) and then hashed streaming, so a file of any size (2 GiB and more) costs
 * one buffer, and data/ is proven to hold exactly the bytes the notebook's cells read.
 */
import { copyFile } from "node:fs/promises";
import { ReplabError } from "../errors.js";
import { hashFile } from "../hashing/sha256.js";

/** A file of the export that is copied from `from`, whose content must have this sha256 and size. */
export class CopiedFile {
  constructor(
    readonly from: string,
    readonly sha256: string,
    readonly bytes: number,
    /** The path the lineage knows it by, for messages. */
    readonly label: string,
  ) {}

  /** Copy to `to` and check the copy against the recorded hash. */
  async copyTo(to: string): Promise<void> {
    await copyFile(this.from, to).catch((cause: unknown) => {
      throw new ReplabError(
        "export-failed",
        `--include-data: cannot copy ${this.label}: ${String(cause)}`,
        { cause },
      );
    });
    const copied = await hashFile(to);
    if (copied.sha256 !== this.sha256 || copied.bytes !== this.bytes)
      throw new ReplabError(
        "export-failed",
        `--include-data: ${this.label} changed since the notebook ran (the cells read sha256 ${this.sha256}, ${this.bytes} bytes; it now holds ${copied.sha256}, ${copied.bytes} bytes): run the notebook again, then export`,
      );
  }
}

/** What an export writes at one path: text, bytes, or a file copied from disk. */
export type ExportContent = string | Uint8Array | CopiedFile;
