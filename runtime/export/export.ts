/**
 * Export: an ExportSource becomes the directory of docs/contracts.md "Export
 * directory". Every file is a pure function of the source and the Node version, so two
 * exports of the same run are byte-identical.
 */
import { isAbsolute, join, normalize } from "node:path";
import { ReplabError } from "../errors.js";
import { writeRealStderr } from "../executor/capture.js";
import { CopiedFile, type ExportContent } from "./copied-file.js";
import { DOCKERIGNORE, TSCONFIG, dockerfile, readme, reproLock } from "./files.js";
import { withLocalModules, type CarriedModule } from "./local-modules.js";
import { refuseStale } from "./stale.js";
import { withSloppyLineage } from "./sloppy-lineage.js";
import { importedPackages, packageFiles } from "./packages.js";
import { pipelineMjs, pipelineTs } from "./pipeline.js";
import { sliceToTarget } from "./slice.js";
import { inputFiles, type ExportSource } from "./source.js";
import { writeDirectory } from "./write-dir.js";

/** Where and what to export; `notify` hears what the user should know (default: stderr). */
export interface ExportOptions {
  dir: string;
  target: string | undefined;
  includeData: boolean;
  force: boolean;
  notify?: ((message: string) => void) | undefined;
}

/** Generate the export's files in memory (relative path -> content). */
export async function exportFiles(
  full: ExportSource,
  target: string | undefined,
  includeDataFlag: boolean,
): Promise<Map<string, ExportContent>> {
  // A JavaScript notebook's undeclared globals, which the lineage misses, go into it first.
  const whole = withSloppyLineage(full);
  const sliced = target === undefined ? whole : sliceToTarget(whole, target);
  refuseStale(sliced);
  const source = withLocalModules(sliced);
  // With no file read there is no data/ to copy; the pipeline then reads from its working directory.
  const includeData = includeDataFlag && inputFiles(source.cells).length > 0;
  if (source.cells.length === 0)
    throw new ReplabError("export-failed", `${source.name}: no executed code cells to export`);
  const modules = source.modules?.modules ?? [];
  const node = process.versions.node;
  const platform = `${process.platform}-${process.arch}`;
  const slug = source.name
    .replace(/\.ipynb$/, "")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const packages = packageFiles(
    source.notebookDir,
    `${slug || "notebook"}-pipeline`,
    importedPackages([...source.cells.map((c) => c.source), ...modules.map((m) => m.content)]),
  );
  const ts = pipelineTs(source, includeData);
  const files = new Map<string, ExportContent>([
    ["pipeline.ts", ts],
    ["pipeline.mjs", pipelineMjs(ts, source.notebookDir)],
    ["package.json", packages.packageJson],
    ["package-lock.json", packages.packageLock],
    ["repro.lock.json", reproLock(source, includeData, node, platform)],
    ["tsconfig.json", TSCONFIG],
    ["Dockerfile", dockerfile(source, node, [...packages.tarballs.keys()])],
    [".dockerignore", DOCKERIGNORE],
    ["README.md", readme(source, includeData, node)],
  ]);
  for (const [path, bytes] of packages.tarballs) files.set(join(...path.split("/")), bytes);
  if (includeData) addData(files, source);
  for (const module of modules) addModule(files, module);
  return files;
}

/** Export `source` into `options.dir`. */
export async function exportPipeline(
  source: ExportSource,
  options: ExportOptions,
): Promise<number> {
  const files = await exportFiles(source, options.target, options.includeData);
  const notify = options.notify ?? ((m: string) => writeRealStderr(`replab: ${m}\n`));
  const { kept, leftOver } = await writeDirectory(
    options.dir,
    files,
    options.force,
    source.notebookDir,
  );
  if (kept.length > 0)
    notify(
      `kept ${kept.length} file(s) in ${options.dir} that replab export did not write: ${kept.join(", ")}`,
    );
  if (leftOver !== undefined)
    notify(`the earlier export was left in ${leftOver}: it holds files it did not list`);
  return files.size;
}

/** A carried module goes at its own path; one that would replace a file of the export cannot. */
function addModule(files: Map<string, ExportContent>, module: CarriedModule): void {
  const path = join(...module.path.split("/"));
  if (files.has(path))
    throw new ReplabError(
      "export-failed",
      `the notebook's module ${module.from} would be carried as ${module.path}, a file the export writes itself: rename it to export this notebook`,
    );
  files.set(path, module.content);
}

/**
 * Copy the input files (not those a cell writes: the pipeline makes them) into data/, streamed
 * when the directory is written, and checked against what the cells read.
 */
function addData(files: Map<string, ExportContent>, source: ExportSource): void {
  for (const file of inputFiles(source.cells)) {
    const path = normalize(file.path);
    if (isAbsolute(path) || path.startsWith("..")) {
      throw new ReplabError(
        "export-failed",
        `--include-data: ${file.path} is outside the notebook's directory and cannot be copied into data/`,
      );
    }
    const from = join(source.notebookDir, path);
    files.set(join("data", path), new CopiedFile(from, file.sha256, file.bytes, file.path));
  }
}
