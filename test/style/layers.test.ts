/**
 * The dependency rule is a lint rule (eslint.config.js, the "replab/layer/*" blocks): each case
 * lints a snippet in place of a file of that layer, with the repo's own config, and checks that
 * a forbidden import is reported and an allowed one is not. Without this, a typo in a pattern
 * would leave a rule that never fires and a green lint that proves nothing.
 * The snippets stand in for files that exist (lintText never writes them), because the
 * type-aware rules need a file that a tsconfig.json includes.
 */
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const LAYER_RULES = new Set(["@typescript-eslint/no-restricted-imports", "no-restricted-syntax"]);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer-rule messages ESLint reports for `code` as the file `filePath`; fails on a parse error. */
async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal === true)).toEqual([]);
  return messages
    .filter((m) => m.ruleId !== null && LAYER_RULES.has(m.ruleId))
    .map((m) => m.message);
}

/** [file it stands in for, offending snippet, words the message must contain] */
const forbidden: [string, string, RegExp][] = [
  // runtime/ never reaches kernel/ or ZeroMQ, in any import form.
  [
    "runtime/errors.ts",
    `import { main } from "../kernel/main.js";\nvoid main;\n`,
    /kernel\/ depends on runtime/,
  ],
  ["runtime/errors.ts", `export * from "../kernel/comms.js";\n`, /kernel\/ depends on runtime/],
  [
    "runtime/errors.ts",
    `import type { Message } from "../kernel/messages.js";\nexport type M = Message;\n`,
    /kernel\//,
  ],
  [
    "runtime/errors.ts",
    `export const load = () => import("../kernel/main.js");\n`,
    /kernel\/ depends on runtime/,
  ],
  [
    "runtime/errors.ts",
    `import { Publisher } from "zeromq";\nvoid Publisher;\n`,
    /ZeroMQ belongs to kernel/,
  ],
  ["runtime/errors.ts", `import zmq = require("zeromq");\nvoid zmq;\n`, /ZeroMQ/],
  ["runtime/errors.ts", `export type Z = typeof import("zeromq");\n`, /ZeroMQ/],
  [
    "runtime/errors.ts",
    `import { createRequire } from "node:module";\nexport const z: unknown = createRequire(import.meta.url)("zeromq");\n`,
    /ZeroMQ/,
  ],
  // The headless runner, the export and the CLI commands are runtime/ too.
  ["runtime/runner/args.ts", `import "../../kernel/worker.js";\n`, /kernel\//],
  ["runtime/export/slice.ts", `import { Router } from "zeromq";\nvoid Router;\n`, /ZeroMQ/],
  ["runtime/cli/exit.ts", `export const k = () => import("../../kernel/main.js");\n`, /kernel\//],
  ["runtime/cli/exit.ts", `export const z = () => import("zeromq");\n`, /ZeroMQ/],
  // The viewer reads the lineage JSON and talks through the comm: no replab code at all.
  [
    "extensions/lineage-viewer/src/graph.ts",
    `import type { LineageGraph } from "../../../runtime/lineage/types.js";\nexport type G = LineageGraph;\n`,
    /lineage JSON/,
  ],
  [
    "extensions/lineage-viewer/src/graph.ts",
    `import { LINEAGE_TARGET } from "../../../kernel/comms.js";\nexport const t = LINEAGE_TARGET;\n`,
    /comm/,
  ],
  [
    "extensions/lineage-viewer/src/graph.ts",
    `import { Dealer } from "zeromq";\nexport const d = Dealer;\n`,
    /ZeroMQ/,
  ],
  [
    "extensions/lineage-viewer/src/graph.ts",
    `export const r = () => import("replab/dist/runtime/lineage/render/svg.js");\n`,
    /does not load replab/,
  ],
  [
    "extensions/lineage-viewer/test/fixtures.ts",
    `import type { LineageGraph } from "../../../runtime/lineage/types.js";\nexport type G = LineageGraph;\n`,
    /lineage JSON/,
  ],
  // kernel/ does not know TypeScript.
  ["kernel/errors.ts", `import ts from "typescript";\nvoid ts;\n`, /must not know TypeScript/],
  [
    "kernel/errors.ts",
    `import type { Node } from "typescript";\nexport type N = Node;\n`,
    /TypeScript/,
  ],
  ["kernel/errors.ts", `export type TS = typeof import("typescript");\n`, /TypeScript/],
  [
    "kernel/errors.ts",
    `import { createRequire } from "node:module";\nexport const ts: unknown = createRequire(import.meta.url)("typescript");\n`,
    /TypeScript/,
  ],
  [
    "kernel/errors.ts",
    `import { compileCell } from "../runtime/compiler/compile.js";\nvoid compileCell;\n`,
    /compiler/,
  ],
  [
    "kernel/errors.ts",
    `import ts from "../runtime/compiler/typescript.cjs";\nvoid ts;\n`,
    /TypeScript/,
  ],
  [
    "kernel/errors.ts",
    `export const c = () => import("../runtime/compiler/index.js");\n`,
    /TypeScript/,
  ],
];

/** [file it stands in for, allowed snippet] */
const allowed: [string, string][] = [
  [
    "runtime/errors.ts",
    `import { readFileSync } from "node:fs";\nimport ts from "./compiler/typescript.cjs";\nimport { ReplabError } from "./errors.js";\nexport const used = [readFileSync, ts, ReplabError];\n`,
  ],
  [
    "runtime/cli/exit.ts",
    `import { readNotebook } from "../notebook/read.js";\nexport const r = readNotebook;\n`,
  ],
  [
    "extensions/lineage-viewer/src/graph.ts",
    `import type { Kernel } from "@jupyterlab/services";\nimport { parseLineage } from "./schema";\nexport type K = Kernel.IKernelConnection;\nexport const p = parseLineage;\n`,
  ],
  [
    "kernel/errors.ts",
    `import { Publisher } from "zeromq";\nimport type { Session } from "../runtime/session/session.js";\nimport { PACKAGE_ROOT } from "../runtime/paths.js";\nexport type S = Session;\nexport const used = [Publisher, PACKAGE_ROOT];\nexport const load = () => import("../runtime/session/session.js");\n`,
  ],
  // bin/replab.ts dispatches to both sides.
  [
    "bin/replab.ts",
    `export const k = () => import("../kernel/main.js");\nexport const r = () => import("../runtime/cli/run.js");\n`,
  ],
];

describe("layer rules in eslint.config.js", { timeout: 120_000 }, () => {
  for (const [filePath, code, message] of forbidden) {
    it(`reports ${filePath}: ${code.split("\n")[0] ?? ""}`, async () => {
      const errors = await layerErrors(filePath, code);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(message);
    });
  }
  for (const [filePath, code] of allowed) {
    it(`allows the imports of ${filePath}: ${code.split("\n")[0] ?? ""}`, async () => {
      expect(await layerErrors(filePath, code)).toEqual([]);
    });
  }
});
