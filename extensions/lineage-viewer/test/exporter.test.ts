import { describe, expect, it } from "vitest";
import { friendlyExportError, magicLine, type ExportOptions } from "../src/exporter.js";

const options: ExportOptions = { dir: "export/live", force: false, includeData: false, target: "" };

describe("magicLine", () => {
  it("passes the dialog's options to %repro export, quoting what needs it", () => {
    expect(magicLine(options)).toBe("%repro export export/live");
    expect(magicLine({ dir: "my export", force: true, includeData: true, target: "df" })).toBe(
      '%repro export "my export" --target df --include-data --force',
    );
    expect(magicLine("out")).toBe("%repro export out");
  });
});

describe("friendlyExportError", () => {
  // The kernel's own texts (runtime/export/write-dir.ts, slice.ts, export.ts), as the error reply carries them.
  const cases: [string, RegExp][] = [
    [
      "ReplabError: /tmp/replab-viewer-x/notebooks/export/live exists; pass --force to replace it",
      /already holds an export\. Tick “Replace the earlier export”/,
    ],
    [
      "ReplabError: /tmp/n/export/live is not empty and holds no .replab-export.json, so replab export did not write it; --force replaces only an earlier export: choose a new or empty -o DIR",
      /holds files replab did not write/,
    ],
    [
      "ReplabError: /tmp/n/export/live/README.md was not written by replab export, and the new export would overwrite it with README.md; move it out of /tmp/n/export/live or choose another -o DIR",
      /holds a file of yours, README\.md,/,
    ],
    [
      "ReplabError: --target zz is neither an executed cell id nor a variable a cell defines (cells: a, b)",
      /Nothing is called “zz”/,
    ],
    ["ReplabError: live.ipynb: no executed code cells to export", /run the notebook's cells first/],
    [
      "ReplabError: cell m2 was edited after it ran, so its outputs are not what its code gives; run the notebook again before exporting",
      /Run the stale cells \(Run stale cells\), then export/,
    ],
    [
      "ReplabError: /tmp/n is the notebook's directory; replab export never writes there: choose a new directory, e.g. -o /tmp/n/export",
      /notebook's own folder/,
    ],
  ];

  it("says what was wrong and which option changes it, with no class name, path or flag", () => {
    for (const [kernel, said] of cases) {
      const text = friendlyExportError(kernel, options);
      expect(text, kernel).toMatch(said);
      expect(text, kernel).not.toMatch(/ReplabError|--force|-o DIR|\/tmp\//);
    }
  });

  it("keeps an unknown message's words, without its class or absolute paths", () => {
    expect(
      friendlyExportError("ReplabError: cannot write /tmp/n/export/live: EACCES", options),
    ).toBe("cannot write export/live: EACCES");
  });
});
