/**
 * The text each renderer shows for a node: cells by execution count and id with what they
 * define, files by path and short hash, frames by shape and short hash.
 */
import type { LineageNode } from "../types.js";

/** First 12 hex digits: enough to tell versions apart at a glance. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** Lines of a node's label, first line most important. */
export function nodeLabel(node: LineageNode): string[] {
  switch (node.kind) {
    case "cell": {
      const count = node.executionCount === null ? " " : String(node.executionCount);
      const defines = node.defines.length > 0 ? [clip(node.defines.join(", "), 40)] : [];
      return [`[${count}] ${clip(node.id, 32)}`, ...defines];
    }
    case "file":
      return [clip(node.path, 40), `${shortHash(node.sha256)} · ${node.bytes} B`];
    case "frame":
      return [`${node.rows} × ${node.columns.length} frame`, shortHash(node.sha256)];
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
