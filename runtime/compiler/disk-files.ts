/**
 * Files the language service reads from disk (lib.d.ts, @types, packages' typings), cached
 * across programs. Every cell builds a new program, and re-reading a few hundred typings
 * per cell was most of a cell's check time. Versions follow mtimes, looked at again only
 * after `revalidate()`, which the checker calls before a cell that imports something: an
 * `npm install` between cells is seen by the next import, and no other cell pays for a stat.
 * A file's text is read when the service first asks for it: the document registry asks only
 * for a file it has no parse of at that version, so the ~160 typings the warm-compiler
 * snapshot holds parsed are stat'ed, never read.
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
    const entry: Entry = {
      mtimeMs,
      version: `disk:${mtimeMs}`,
      snapshot: mtimeMs < 0 ? undefined : new FileText(fileName),
      checked: true,
    };
    this.entries.set(fileName, entry);
    return entry;
  }
}

/**
 * A file's text, read on first use. A file gone by then reads as empty: its mtime was seen,
 * and the next revalidate() finds it missing.
 */
class FileText implements ts.IScriptSnapshot {
  private text: string | undefined;

  constructor(private readonly fileName: string) {}

  getText(start: number, end: number): string {
    return this.content().substring(start, end);
  }

  getLength(): number {
    return this.content().length;
  }

  getChangeRange(): ts.TextChangeRange | undefined {
    // Unknown: the service then reparses the file whole, as it did for fromString's snapshots.
    return undefined;
  }

  private content(): string {
    return (this.text ??= ts.sys.readFile(this.fileName) ?? "");
  }
}
