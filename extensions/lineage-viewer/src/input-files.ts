/**
 * Reads the files cells read, as they are on disk now, through JupyterLab's contents service
 * (the Jupyter server, not the kernel), and hashes them, so a cell whose input changed since
 * it ran is marked even while no kernel runs. A file is hashed again only when its size or
 * modification time changed; files above MAX_HASH_BYTES are compared by size alone.
 */
import type { Contents } from "@jupyterlab/services";
import type { GraphIndex } from "./graph";
import { sha256Hex } from "./sha256";

/** Files larger than this are not downloaded to hash: a changed size still shows. */
export const MAX_HASH_BYTES = 32 * 1024 * 1024;

/** The contents calls the check needs (a seam for unit tests). */
export type ContentsReader = Pick<Contents.IManager, "get">;

/**
 * The server path of a file the lineage names relative to the notebook's directory, or null
 * when it leaves the server's root (the server cannot show it).
 */
export function serverPath(notebookPath: string, filePath: string): string | null {
  const parts = notebookPath.split("/").slice(0, -1);
  if (filePath.startsWith("/")) return null;
  for (const part of filePath.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ""));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Remembers each file's hash by size and modification time, across checks. */
export class InputFileChecker {
  private readonly known = new Map<string, { stamp: string; sha256: string }>();

  constructor(private readonly contents: ContentsReader) {}

  /**
   * The current sha256 of every file the graph's cells read, by file node id: "" for a file
   * that is gone, a size-based stand-in for one too large to hash, nothing for one the
   * server cannot reach.
   */
  async check(index: GraphIndex, notebookPath: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const read = new Set(index.edges.filter((e) => e.kind === "read").map((e) => e.from));
    for (const id of read) {
      const node = index.nodes.get(id);
      if (node?.kind !== "file") continue;
      const path = serverPath(notebookPath, node.path);
      if (path === null) continue;
      const now = await this.hashOf(path, node.bytes, node.sha256);
      if (now !== undefined) out.set(id, now);
    }
    return out;
  }

  private async hashOf(
    path: string,
    recordedBytes: number,
    recordedSha: string,
  ): Promise<string | undefined> {
    let meta: Contents.IModel;
    try {
      meta = await this.contents.get(path, { content: false, type: "file" });
    } catch (e) {
      // 404: the file is gone. Anything else (a directory, no permission): say nothing.
      return /404|not found/i.test(String(e)) ? "" : undefined;
    }
    const size = typeof meta.size === "number" ? meta.size : undefined;
    if (size !== undefined && size > MAX_HASH_BYTES) {
      return size === recordedBytes ? recordedSha : `size:${size}`;
    }
    const stamp = `${meta.last_modified}|${size}`;
    const cached = this.known.get(path);
    if (cached?.stamp === stamp) return cached.sha256;
    const full = await this.contents.get(path, { content: true, type: "file", format: "base64" });
    if (typeof full.content !== "string") return undefined;
    const sha256 = sha256Hex(decodeBase64(full.content));
    this.known.set(path, { stamp, sha256 });
    return sha256;
  }
}
