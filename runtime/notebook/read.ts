/**
 * Reading a notebook is the boundary where bad input is caught (docs/style.md, practice 3):
 * every failure is a ReplabError naming the file and what was wrong, before anything runs
 * or is written.
 */
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { ReplabError } from "../errors.js";
import type { Language } from "../session/types.js";
import type { Cell, Notebook } from "./types.js";

/** Kernel names replab runs, and the language each runs in. */
const KERNEL_LANGUAGES: Record<string, Language> = {
  replab: "typescript",
  "replab-js": "javascript",
  tslab: "typescript",
  jslab: "javascript",
  deno: "typescript",
};

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/** Read, parse and validate a notebook file; `name` (default: the path) is how messages call it. */
export async function readNotebook(path: string, name = path): Promise<Notebook> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new ReplabError("notebook-unreadable", `${name}: no such file`);
  if (!info.isFile()) throw new ReplabError("notebook-unreadable", `${name}: not a file`);
  const text = await readFile(path, "utf8").catch((cause: unknown) => {
    throw new ReplabError("notebook-unreadable", `${name}: cannot read (${String(cause)})`);
  });
  return parseNotebook(text, name);
}

/** Parse and validate notebook JSON; `name` is used in messages. */
export function parseNotebook(text: string, name: string): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ReplabError("notebook-invalid", `${name}: not valid JSON (${detail})`);
  }
  if (!isObject(raw)) throw new ReplabError("notebook-invalid", `${name}: not a notebook object`);
  if (raw["nbformat"] !== 4) {
    const found =
      raw["nbformat"] === undefined ? "no nbformat field" : `nbformat ${String(raw["nbformat"])}`;
    throw new ReplabError("notebook-invalid", `${name}: not an nbformat 4 notebook (${found})`);
  }
  if (!Array.isArray(raw["cells"]))
    throw new ReplabError("notebook-invalid", `${name}: "cells" is not a list`);
  const metadata = isObject(raw["metadata"]) ? raw["metadata"] : {};
  const minor = typeof raw["nbformat_minor"] === "number" ? raw["nbformat_minor"] : 0;
  const cells = raw["cells"].map((cell, index) => normaliseCell(cell, index, name));
  const notebook = { ...raw, nbformat: 4, nbformat_minor: minor, metadata, cells } as Notebook;
  assignIds(notebook);
  return notebook;
}

function normaliseCell(cell: unknown, index: number, name: string): Cell {
  const where = `${name}: cell ${index + 1}`;
  if (!isObject(cell)) throw new ReplabError("notebook-invalid", `${where} is not an object`);
  const type = cell["cell_type"];
  if (type !== "code" && type !== "markdown" && type !== "raw") {
    throw new ReplabError(
      "notebook-invalid",
      `${where} has unknown cell_type ${JSON.stringify(type)}`,
    );
  }
  const source = cell["source"];
  if (
    typeof source !== "string" &&
    !(Array.isArray(source) && source.every((s) => typeof s === "string"))
  ) {
    throw new ReplabError(
      "notebook-invalid",
      `${where}: "source" is not a string or list of strings`,
    );
  }
  const id = cell["id"];
  if (id !== undefined && (typeof id !== "string" || !CELL_ID.test(id))) {
    throw new ReplabError("notebook-invalid", `${where}: invalid cell id ${JSON.stringify(id)}`);
  }
  const metadata = isObject(cell["metadata"]) ? cell["metadata"] : {};
  if (type !== "code") return { ...cell, cell_type: type, id: id ?? "", source, metadata } as Cell;
  const outputs = Array.isArray(cell["outputs"]) ? cell["outputs"] : [];
  const count = typeof cell["execution_count"] === "number" ? cell["execution_count"] : null;
  return {
    ...cell,
    cell_type: "code",
    id: id ?? "",
    source,
    metadata,
    outputs,
    execution_count: count,
  } as Cell;
}

/**
 * Notebooks older than nbformat 4.5 have no cell ids. Lineage is keyed on ids, so we give
 * each cell a stable one (derived from its position, so re-running gives the same ids) and
 * upgrade the notebook to 4.5, where ids are part of the schema.
 */
function assignIds(notebook: Notebook): void {
  const seen = new Set<string>();
  notebook.cells.forEach((cell, index) => {
    if (cell.id === "" || seen.has(cell.id)) {
      const base = createHash("sha256").update(`replab-cell:${index}`).digest("hex").slice(0, 8);
      let id = base;
      for (let n = 1; seen.has(id); n++) id = `${base}-${n}`;
      cell.id = id;
    }
    seen.add(cell.id);
  });
  if (notebook.nbformat_minor < 5) notebook.nbformat_minor = 5;
}

/** The language a notebook's kernel runs; fails for kernels replab does not run. */
export function notebookLanguage(notebook: Notebook, name: string): Language {
  const spec = isObject(notebook.metadata["kernelspec"]) ? notebook.metadata["kernelspec"] : {};
  const info = isObject(notebook.metadata["language_info"])
    ? notebook.metadata["language_info"]
    : {};
  const kernel = typeof spec["name"] === "string" ? spec["name"] : undefined;
  if (kernel !== undefined && kernel in KERNEL_LANGUAGES)
    return KERNEL_LANGUAGES[kernel] as Language;
  const language = spec["language"] ?? info["name"];
  if (language === "typescript" || language === "javascript") return language;
  if (kernel === undefined && language === undefined) return "typescript";
  const described = [kernel, typeof language === "string" ? `language ${language}` : undefined]
    .filter((s) => s !== undefined)
    .join(", ");
  throw new ReplabError(
    "unsupported-language",
    `${name}: kernel ${described} is not one replab runs (it runs TypeScript and JavaScript: kernels replab, replab-js, tslab, jslab, deno)`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
