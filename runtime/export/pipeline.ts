/**
 * Generates pipeline.ts (readable, type-checks) and pipeline.mjs (what runs, transpiled
 * from pipeline.ts so the two never disagree). The pipeline reseeds Math.random per cell
 * exactly as the notebook did (`seedrandom("replab:" + seed + ":" + sha256 of the cell's
 * source)`, docs/determinism.md), checks each
 * data file's sha256 and size before the cell that reads it, and prints only the cells'
 * own stdout.
 */
import ts from "../compiler/typescript.cjs";
import { runtimeChoices } from "../compiler/options.js";
import type { ExportCell, ExportSource } from "./source.js";
import { planRebinding } from "./rebinding.js";
import {
  NO_SLOPPY_PLAN,
  SLOPPY_HELPER,
  createdGlobalsText,
  planSloppy,
  sloppyNames,
} from "./sloppy.js";
import { transformCell } from "./transform.js";
import { posixLocale } from "../runner/run-locale.js";
import { PIPELINE_CHILD_SEED } from "../trace/child-seed-pipeline.js";

/** The TypeScript pipeline text. */
export function pipelineTs(source: ExportSource, dataIncluded: boolean): string {
  const sources = source.cells.map((c) => c.source);
  const plan = planRebinding(sources);
  const sloppy = source.language === "javascript" ? planSloppy(sources) : NO_SLOPPY_PLAN;
  // A name a cell deletes is assigned undefined there, so its first declaration cannot be const.
  const mutable = new Set([...plan.assigned, ...sloppy.deleted]);
  const declared = new Set<string>();
  const openers: string[] = [];
  const cells = source.cells.map((cell, i) => {
    const rebound = plan.rebound[i] ?? new Set<string>();
    for (const name of rebound) declared.delete(name);
    // An implicit global is the name's binding from here on: a later `let` of it assigns it.
    const globals = sloppy.globals[i] ?? new Set<string>();
    for (const name of globals) declared.add(name);
    const specifiers = source.modules?.specifiers;
    const names = source.language === "javascript" ? sloppyNames(sloppy, i) : undefined;
    const transformed = transformCell(cell.source, declared, mutable, specifiers, names);
    const created = sloppy.created[i] ?? [];
    const code =
      created.length === 0 ? transformed : `${createdGlobalsText(created)}\n${transformed}`;
    if (rebound.size === 0) return cellBlock(cell, code, "");
    openers.push(cell.id);
    const again = [...rebound].join(", ");
    return cellBlock(
      cell,
      code,
      `{ // ${again} declared again: new bindings for this and every later cell\n`,
    );
  });
  if (openers.length > 0) {
    cells.push(
      `${"}".repeat(openers.length)} // end of the blocks opened by cells ${openers.join(", ")}`,
    );
  }
  const nocheck =
    source.language === "javascript"
      ? "// @ts-nocheck: the notebook's cells are JavaScript.\n"
      : "";
  const local = source.modules === undefined ? "" : LOCAL_MODULE_LOADER;
  const helper = cells.some((c) => /__sloppy(This)?\(/.test(c)) ? SLOPPY_HELPER : "";
  return `${nocheck}${header(source, dataIncluded)}${local}${helper}\n${cells.join("\n\n")}\n`;
}

/**
 * pipeline.mjs: pipeline.ts with the types erased, its decorators and class fields compiled as
 * the notebook's cells were (compiler/options.ts: legacy decorators unless the notebook's
 * project, in `notebookDir`, chose otherwise).
 */
export function pipelineMjs(source: string, notebookDir: string): string {
  const out = ts.transpileModule(source, {
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      removeComments: false,
      verbatimModuleSyntax: false,
      experimentalDecorators: true,
      ...runtimeChoices(notebookDir),
    },
    fileName: "pipeline.ts",
  });
  return out.outputText.replace("// @ts-nocheck: the notebook's cells are JavaScript.\n", "");
}

/**
 * Loads a module of the notebook's own that the export carries beside this file (its path
 * relative to it), as the kernel's importLocal loaded it (executor/local-modules.ts):
 * CommonJS and JSON through require, a compiled ES module as it is and any other module with
 * its exports as the default; ES modules through import().
 */
const LOCAL_MODULE_LOADER = `
/** A module of the notebook's own, carried beside this file: loaded as the notebook loaded it. */
async function __importLocal(path: string): Promise<any> {
  if (path.endsWith(".mjs") || path.endsWith(".js")) return await import(path);
  const exports: unknown = require(path);
  const record = exports as Record<string, unknown> | null;
  if (record !== null && typeof record === "object" && record["__esModule"] === true) return record;
  const named = typeof exports === "object" || typeof exports === "function" ? exports : {};
  return { ...(named as object), default: exports };
}
`;

function cellBlock(cell: ExportCell, code: string, opener: string): string {
  const files = cell.reads.map(
    (f) => `  { path: ${JSON.stringify(f.path)}, sha256: "${f.sha256}", bytes: ${f.bytes} },`,
  );
  const check = files.length === 0 ? "[]" : `[\n${files.join("\n")}\n]`;
  const title = `// ── cell ${cell.id} (execution ${cell.executionCount}) `;
  const start = `__startCell(${JSON.stringify(cell.id)}, "${cell.sourceSha256}", ${check});`;
  return `${title.padEnd(90, "─")}\n${opener}${start}\n${code}`;
}

/**
 * The time zone and locale the notebook ran with (metadata.replab). TZ can be set in the
 * running process; the default locale is fixed when Node starts, so the script runs itself
 * again, once, with LC_ALL naming the recorded one.
 */
function settings(source: ExportSource): string {
  const lines: string[] = [];
  if (source.timeZone !== undefined) {
    lines.push(
      "// The time zone the notebook ran in: Date's local methods and Intl give what they gave there.",
      `process.env["TZ"] = ${JSON.stringify(source.timeZone)};`,
    );
  }
  if (source.locale !== undefined) {
    const posix = posixLocale(source.locale);
    lines.push(
      "// The locale the notebook ran with; Node reads it only at start-up, so run again with it.",
      `if (Intl.DateTimeFormat().resolvedOptions().locale !== ${JSON.stringify(source.locale)} && process.env["REPLAB_PIPELINE_LOCALE"] === undefined) {`,
      `  const __again = (await import("node:child_process")).spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {`,
      `    stdio: "inherit",`,
      `    env: { ...process.env, LC_ALL: ${JSON.stringify(posix)}, REPLAB_PIPELINE_LOCALE: ${JSON.stringify(source.locale)} },`,
      "  });",
      "  process.exit(__again.status ?? 1);",
      "}",
    );
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n\n`;
}

function header(source: ExportSource, dataIncluded: boolean): string {
  const dataDir = dataIncluded
    ? `process.env["REPLAB_DATA_DIR"] ?? __path.join(__path.dirname(__url.fileURLToPath(import.meta.url)), "data")`
    : `process.env["REPLAB_DATA_DIR"] ?? process.cwd()`;
  return `// Pipeline exported by replab from ${source.name}: its cells in the order of the
// executions that produced the notebook's outputs. Generated; re-export instead of editing.
// Run: npm ci && node pipeline.mjs   (pipeline.mjs is this file with the types removed)
// The helpers' names start with "__" so they cannot clash with the cells' own names.
import * as __crypto from "node:crypto";
import * as __fs from "node:fs";
import { createRequire as __createRequire } from "node:module";
import * as __path from "node:path";
import * as __url from "node:url";
import { types as __types } from "node:util";
import __seedrandom from "seedrandom";

const __SEED = ${source.seed};

// Cells may use require() as in the notebook; packages resolve from this directory.
const require = __createRequire(import.meta.url);

${settings(source)}// Relative paths in cells are read from here: the notebook's directory${dataIncluded ? " as copied into data/" : " (run from it, or set REPLAB_DATA_DIR)"}.
process.chdir(${dataDir});

// \`replab verify\` reads each cell's stdout from the real stream, not from anything this
// script says about itself: with REPLAB_VERIFY_MARK set, a mark goes before each cell's output.
const __mark = process.env["REPLAB_VERIFY_MARK"];
const __captureModule = process.env["REPLAB_VERIFY_CAPTURE"];

// Under \`replab verify\`, what the cells display (display.*, a last expression's value) goes
// through the verifying replab's own notebook module, written as records under the same mark.
const __capture: { cell(id: string): void; display: unknown; newDisplay: unknown; result(value: unknown): Promise<void> } | undefined =
  __mark === undefined || __captureModule === undefined
    ? undefined
    : (await import(__url.pathToFileURL(__captureModule).href)).capture(__mark, __SEED);

/** sha256 and size of a file, read in 1 MiB chunks (a file of any size costs one buffer); undefined when unreadable. */
function __hashFile(path: string): { sha256: string; bytes: number } | undefined {
  let fd: number;
  try {
    fd = __fs.openSync(path, "r");
  } catch {
    return undefined;
  }
  try {
    const hash = __crypto.createHash("sha256");
    const buffer = Buffer.allocUnsafe(1 << 20);
    let bytes = 0;
    for (;;) {
      const n = __fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) return { sha256: hash.digest("hex"), bytes };
      hash.update(buffer.subarray(0, n));
      bytes += n;
    }
  } catch {
    return undefined;
  } finally {
    __fs.closeSync(fd);
  }
}

/** Stop with exit 1 when a data file is not the one the notebook read. */
function __checkFile(file: { path: string; sha256: string; bytes: number }): void {
  const actual = __hashFile(file.path);
  if (actual === undefined) {
    __fail(\`data file \${file.path} is missing: expected sha256 \${file.sha256} (\${file.bytes} bytes)\`);
  }
  if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) {
    __fail(\`data file \${file.path} changed: expected sha256 \${file.sha256} (\${file.bytes} bytes), found \${actual.sha256} (\${actual.bytes} bytes)\`);
  }
}

function __fail(message: string): never {
  process.stderr.write(\`pipeline: \${message}\\n\`);
  process.exit(1);
}

${PIPELINE_CHILD_SEED}
/** Start a cell as the notebook did: the random stream of its source, then its input files checked. */
function __startCell(id: string, sourceSha256: string, files: { path: string; sha256: string; bytes: number }[]): void {
  Math.random = __seedrandom(\`replab:\${__SEED}:\${sourceSha256}\`);
  __cellStarted(id, \`replab:\${__SEED}:\${sourceSha256}\`);
  for (const file of files) __checkFile(file);
  if (__mark !== undefined) process.stdout.write(\`\\x1e\${__mark} \${id}\\n\`);
  __capture?.cell(id);
}

/** A cell's last expression: the notebook showed its value, a Promise once settled. */
async function __result(value: unknown): Promise<void> {
  if (__capture !== undefined) return __capture.result(value);
  // The notebook showed a rejected Promise as the cell's result and went on (README,
  // "Promises as results"); so does the pipeline.
  // isPromise, not instanceof: a revoked Proxy's prototype cannot be asked for.
  if (__types.isPromise(value)) await value.then(__ignoreResult, __ignoreResult);
}

function __ignoreResult(): void {}

/**
 * The notebook module (\`replab\` / \`tslab\`) for a plain script. Rich displays (HTML,
 * images, charts) have no screen here and are dropped (under \`replab verify\`, captured), so
 * stdout stays exactly the cells' printed text; seed() and lineage() answer as in the notebook.
 */
const __ignore = (..._args: unknown[]): void => {};
const __displays = {
  html: __ignore, markdown: __ignore, svg: __ignore, png: __ignore, jpeg: __ignore, gif: __ignore,
  pdf: __ignore, latex: __ignore, json: __ignore, text: __ignore, javascript: __ignore, raw: __ignore,
  vegaLite: async (..._args: unknown[]): Promise<void> => {},
  chart: async (..._args: unknown[]): Promise<void> => {},
};
const __shown = { ...__displays, clear: __ignore };
const __notebook = {
  display: (__capture?.display as typeof __shown | undefined) ?? __shown,
  newDisplay: (__capture?.newDisplay as (() => typeof __displays) | undefined) ?? (() => ({ ...__displays })),
  seed: (): number => __SEED,
  lineage: () => ({ schema: "replab.lineage/1", seed: __SEED, nodes: [], edges: [] }),
  isNode: (): boolean => true,
  isBrowser: (): boolean => false,
  versions: { tslab: "1.0.22", typescript: ${JSON.stringify(ts.version)}, node: process.version },
};
`;
}
