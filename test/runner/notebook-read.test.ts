import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isReplabError, type ReplabErrorKind } from "../../runtime/errors.js";
import { notebookLanguage, parseNotebook, readNotebook } from "../../runtime/notebook/read.js";
import type { Notebook } from "../../runtime/notebook/types.js";

const failure = async (
  work: () => unknown,
): Promise<{ kind: ReplabErrorKind; message: string }> => {
  try {
    await work();
  } catch (error) {
    if (isReplabError(error)) return { kind: error.kind, message: error.message };
    throw error;
  }
  throw new Error("expected a ReplabError");
};

const notebook = (metadata: Record<string, unknown>): Notebook =>
  parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] }), "nb");

describe("reading notebooks", () => {
  const dir = mkdtempSync(join(tmpdir(), "replab-read-"));

  it("names what is wrong with bad input", async () => {
    expect(await failure(() => readNotebook(join(dir, "missing.ipynb")))).toEqual({
      kind: "notebook-unreadable",
      message: `${join(dir, "missing.ipynb")}: no such file`,
    });
    expect(await failure(() => readNotebook(dir))).toEqual({
      kind: "notebook-unreadable",
      message: `${dir}: not a file`,
    });
    expect((await failure(() => parseNotebook("{", "nb"))).message).toMatch(/^nb: not valid JSON/);
    expect(await failure(() => parseNotebook('{"nbformat": 3, "worksheets": []}', "nb"))).toEqual({
      kind: "notebook-invalid",
      message: "nb: not an nbformat 4 notebook (nbformat 3)",
    });
    expect(
      (
        await failure(() =>
          parseNotebook('{"nbformat":4,"cells":[{"cell_type":"code","source":1}]}', "nb"),
        )
      ).message,
    ).toBe('nb: cell 1: "source" is not a string or list of strings');
  });

  it("gives cells of pre-4.5 notebooks stable ids and upgrades them to 4.5", () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 2,
      metadata: {},
      cells: [
        { cell_type: "code", source: "1", metadata: {}, outputs: [], execution_count: null },
        { cell_type: "markdown", source: "x", metadata: {} },
      ],
    });
    const a = parseNotebook(text, "nb");
    const b = parseNotebook(text, "nb");
    expect(a.nbformat_minor).toBe(5);
    expect(a.cells.map((c) => c.id)).toEqual(b.cells.map((c) => c.id));
    expect(new Set(a.cells.map((c) => c.id)).size).toBe(2);
    for (const c of a.cells) expect(c.id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });

  it("knows which kernels it runs, and names the one it does not", async () => {
    expect(notebookLanguage(notebook({ kernelspec: { name: "replab" } }), "nb")).toBe("typescript");
    expect(notebookLanguage(notebook({ kernelspec: { name: "jslab" } }), "nb")).toBe("javascript");
    expect(
      notebookLanguage(notebook({ kernelspec: { name: "deno", language: "typescript" } }), "nb"),
    ).toBe("typescript");
    expect(notebookLanguage(notebook({ language_info: { name: "javascript" } }), "nb")).toBe(
      "javascript",
    );
    const python = await failure(() =>
      notebookLanguage(notebook({ kernelspec: { name: "python3", language: "python" } }), "nb"),
    );
    expect(python.kind).toBe("unsupported-language");
    expect(python.message).toContain("kernel python3, language python is not one replab runs");
  });

  it("reads a notebook from disk", async () => {
    const path = join(dir, "ok.ipynb");
    writeFileSync(
      path,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          {
            cell_type: "code",
            id: "x1",
            source: ["a\n", "b"],
            metadata: {},
            outputs: [],
            execution_count: 3,
          },
        ],
      }),
    );
    const nb = await readNotebook(path);
    expect(nb.cells[0]).toMatchObject({ id: "x1", execution_count: 3 });
  });
});
