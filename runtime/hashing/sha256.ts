/**
 * Streamed sha256 of files (docs/contracts.md, "Determinism rules": hashes are sha256 over
 * full content, named, with the
 * size"). One reused buffer per hash, so a 2 GB file costs the buffer, not the file. The fs
 * functions are captured at load, before the tracer patches the module, so hashing is never
 * traced and never recurses.
 */
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";

const open = fsp.open.bind(fsp);
const CHUNK = 1 << 20;

/** Content hash of a file: lowercase hex sha256 and size in bytes. */
export interface FileHash {
  sha256: string;
  bytes: number;
}

/**
 * Hash a file by streaming it through sha256 in 1 MiB chunks. Two buffers alternate: the next
 * chunk is read on the thread pool while this one is hashed, so throughput stays near sha256's.
 */
export async function hashFile(path: string): Promise<FileHash> {
  const handle = await open(path, "r");
  try {
    const hash = createHash("sha256");
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const;
    let bytes = 0;
    let turn = 0;
    let pending = handle.read(buffers[0], 0, CHUNK, null);
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      turn ^= 1;
      pending = handle.read(buffers[turn] as Buffer, 0, CHUNK, null);
      hash.update(bytesRead === CHUNK ? buffer : buffer.subarray(0, bytesRead));
      bytes += bytesRead;
    }
    return { sha256: hash.digest("hex"), bytes };
  } finally {
    await handle.close();
  }
}

/** sha256 of a string or bytes, lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
