/** The small text files of an export directory; each is a pure function of the ExportSource. */
import { createHash } from "node:crypto";
import type { FileNode } from "../lineage/types.js";
import { inputFiles, type DataFile, type ExportSource } from "./source.js";
import { lockDisplays } from "./verify-outputs.js";

/** repro.lock.json: what a re-run must reproduce (docs/contracts.md, "Export directory"). */
export function reproLock(
  source: ExportSource,
  dataIncluded: boolean,
  nodeVersion: string,
  platform: string,
): string {
  const lock = {
    schema: "replab.repro-lock/1",
    notebook: source.name,
    language: source.language,
    seed: source.seed,
    node: nodeVersion,
    platform,
    ...(source.timeZone === undefined ? {} : { timeZone: source.timeZone }),
    ...(source.locale === undefined ? {} : { locale: source.locale }),
    dataIncluded,
    data: inputFiles(source.cells),
    writes: writtenFiles(source),
    ...(source.modules === undefined ? {} : { modules: lockModules(source) }),
    cells: source.cells.map((c) => ({
      id: c.id,
      executionCount: c.executionCount,
      sourceSha256: c.sourceSha256,
      ...(c.outputSha256 === undefined ? {} : { outputSha256: c.outputSha256 }),
      stdout:
        c.stdout === undefined
          ? null
          : { sha256: sha256Text(c.stdout), bytes: Buffer.byteLength(c.stdout) },
      ...(c.displays === undefined ? {} : { displays: lockDisplays(c.displays) }),
      ...(c.nondeterminism === undefined || c.nondeterminism.length === 0
        ? {}
        : { nondeterminism: c.nondeterminism }),
      reads: c.reads.map((f) => f.path),
    })),
  };
  return `${JSON.stringify(lock, null, 2)}\n`;
}

/**
 * The files the exported cells write, each with what its last writer left (the write edge's
 * content, else the file node's), sorted by path: verify hashes them after the run.
 */
export function writtenFiles(source: ExportSource): DataFile[] {
  const nodes = new Map(
    source.lineage.nodes.filter((n): n is FileNode => n.kind === "file").map((n) => [n.id, n]),
  );
  const last = new Map<string, DataFile>();
  for (const cell of source.cells) {
    for (const edge of source.lineage.edges) {
      if (edge.kind !== "write" || edge.from !== cell.id) continue;
      const node = nodes.get(edge.to);
      if (node === undefined) continue;
      const content = { sha256: edge.sha256 ?? node.sha256, bytes: edge.bytes ?? node.bytes };
      last.set(node.path, { path: node.path, ...content });
    }
  }
  return [...last.values()].sort((a, b) => a.path.localeCompare(b.path, "en"));
}

/** The notebook's own modules as carried (export/local-modules.ts): verify checks them before the run. */
function lockModules(source: ExportSource): DataFile[] {
  return (source.modules?.modules ?? []).map((m) => ({
    path: m.path,
    sha256: m.sha256,
    bytes: m.bytes,
  }));
}

const sha256Text = (text: string): string =>
  createHash("sha256").update(text, "utf8").digest("hex");

/**
 * The Dockerfile: Node pinned to the version that ran the notebook, UTC, a fixed locale;
 * `tarballs` (the export's carried package tarballs) are copied before `npm ci` installs them.
 */
export function dockerfile(
  source: ExportSource,
  nodeVersion: string,
  tarballs: string[] = [],
): string {
  const copyTarballs = tarballs.map((t) => `COPY ${JSON.stringify([t, t])}\n`).join("");
  return `# Reproduces ${source.name} (exported by replab). Build: docker build -t pipeline .
FROM node:${nodeVersion}-bookworm-slim
ENV TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8 NODE_ENV=production
WORKDIR /pipeline
COPY package.json package-lock.json ./
${copyTarballs}RUN npm ci --omit=dev
COPY . .
CMD ["node", "pipeline.mjs"]
`;
}

/** Files Docker must not copy: a local install would shadow the locked one. */
export const DOCKERIGNORE = "node_modules\nnpm-debug.log\n.git\n";

/** Compiler settings under which pipeline.ts type-checks (`npx tsc --noEmit`). */
export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "NodeNext",
      moduleResolution: "NodeNext",
      types: ["node"],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
    },
    files: ["pipeline.ts"],
  },
  null,
  2,
)}\n`;

/** The README's line on the notebook's own modules, carried beside the pipeline. */
function modulesNote(source: ExportSource): string {
  const modules = source.modules?.modules ?? [];
  if (modules.length === 0) return "";
  const list = modules.map((m) =>
    m.path === m.from ? `\`${m.path}\`` : `\`${m.path}\` (from \`${m.from}\`)`,
  );
  return `\nThe notebook's own modules are carried beside the pipeline, TypeScript compiled as the kernel loaded it: ${list.join(", ")}.\n`;
}

/** README.md of the export: how to run and check it, and what it does and does not reproduce. */
export function readme(source: ExportSource, dataIncluded: boolean, nodeVersion: string): string {
  const files = inputFiles(source.cells).map((f) => f.path);
  const data = dataIncluded
    ? "The data files the cells read are in `data/`, under their paths relative to the notebook."
    : "Data files are not included (export with `--include-data` to copy them). Run the pipeline from the notebook's directory, or set `REPLAB_DATA_DIR` to it.";
  return `# Pipeline exported from ${source.name}

Exported by replab. ${source.cells.length} cells, in the order of the executions that produced
the notebook's outputs; seed ${source.seed}; Node.js ${nodeVersion}.

## Run

    npm ci
    node pipeline.mjs

or with Docker: \`docker build -t pipeline . && docker run --rm pipeline\`.
To check the run against \`repro.lock.json\`: \`replab verify .\`

${data}
${files.length === 0 ? "" : `\nFiles read: ${files.map((f) => `\`${f}\``).join(", ")}.\n`}${modulesNote(source)}
## What it reproduces

- Each cell's \`Math.random\` stream is reseeded before it runs, from the seed and the sha256 of the cell source,
  exactly as in the notebook (\`seedrandom("replab:<seed>:<sha256 of the cell source>")\`).
- Before a cell that reads a file runs, the file's sha256 and size are checked against the
  notebook's run; a difference stops the pipeline with exit 1 naming the file.
- stdout is the cells' printed output, in order, and nothing else. Rich displays
  (\`display.html\`, charts, images) and a cell's last-expression value are dropped: a
  script has no screen for them. \`repro.lock.json\` holds the sha256 of each cell's
  expected stdout and of each result the notebook displayed; \`replab verify\` captures
  what the pipeline displays and compares both.

\`pipeline.ts\` is the readable source (\`npx tsc --noEmit\` type-checks it);
\`pipeline.mjs\` is the same code with the types removed, and is what runs.
`;
}
