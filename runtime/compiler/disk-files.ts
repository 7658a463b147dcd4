/**
 * Files the language service reads from disk (lib.d.ts, @types, packages' typings), cached
 * across programs. Every cell builds a new program, and re-reading a few hundred typings
 * per cell was most of a cell's check time. Versions follow mtimes, looked at again only
 * after `revalidate()`, which the checker calls before a cell that imports something: an
 * `npm install` between cells is seen by the next import, and no other cell pays for a stat.
 */
import { statSync } from "node:fs";
import ts from "./typescript.cjs";

interface Entry {
  mtimeMs: number;
  /** `disk:<mtimeMs>`, made once: the service asks for it per file per program. */
  version: string;
  snapshot: ts.IScriptSnapshot | undefined;
  checked: boolean;
}

export class DiskFiles {
  private readonly entries = new Map<string, Entry>();

  /** The version the language service compares; changes when the file's mtime does. */
  version(fileName: string): string {
    return this.entry(fileName).version;
  }

  /** The file's text, read once per version. */
  snapshot(fileName: string): ts.IScriptSnapshot | undefined {
    return this.entry(fileName).snapshot;
  }

  /** Look at every cached file's mtime again on next use. */
  revalidate(): void {
    for (const entry of this.entries.values()) entry.checked = false;
  }

  private entry(fileName: string): Entry {
    const cached = this.entries.get(fileName);
    if (cached?.checked === true) return cached;
    const mtimeMs = statSync(fileName, { throwIfNoEntry: false })?.mtimeMs ?? -1;
    if (cached !== undefined && cached.mtimeMs === mtimeMs) {
      cached.checked = true;
      return cached;
    }
    const text = mtimeMs < 0 ? undefined : ts.sys.readFile(fileName);
    const entry: Entry = {
      mtimeMs,
      version: `disk:${mtimeMs}`,
      snapshot: text === undefined ? undefined : ts.ScriptSnapshot.fromString(text),
      checked: true,
    };
    this.entries.set(fileName, entry);
    return entry;
  }
}
