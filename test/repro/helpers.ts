/** Helpers for the reproducibility tests: a temporary notebook directory and a recorder driver. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import ts from "typescript";
import { Recorder, type CellFacts } from "../../runtime/repro/recorder.js";

/** A fresh directory to act as the notebook's. */
export function tempNotebookDir(prefix = "replab-repro-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `sha256sum FILE`, the independent reference the file hashes must equal. */
export function sha256sum(path: string): string {
  return execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0] ?? "";
}

/** Run `body` as cell `cellId` between beginCell and endCell, like the engine does. */
export async function runCell(
  recorder: Recorder,
  cell: Partial<CellFacts> & { cellId: string; executionCount: number },
  body: () => unknown = () => undefined,
): Promise<unknown> {
  recorder.beginCell(cell.cellId, cell.code ?? "");
  let status: "ok" | "error" = "ok";
  let value: unknown;
  try {
    value = await body();
  } catch {
    status = "error";
  }
  await recorder.endCell({
    code: "",
    language: "typescript",
    status,
    bindings: new Map(),
    ...cell,
  });
  return value;
}

/**
 * Transpile the reproducibility modules to plain JavaScript under test-output/, so a child
 * process (Node without a TypeScript loader) can import them. Inside the repo, so bare imports
 * such as "typescript" and "seedrandom" resolve from its node_modules.
 */
export function transpileForChild(): string {
  const root = join(import.meta.dirname, "..", "..");
  const out = mkdtempSync(join(root, "test-output", "repro-child-"));
  const dirs = ["compiler", "hashing", "lineage", "lineage/render", "repro", "seed", "trace"];
  const files = [
    "runtime/errors.ts",
    "runtime/json-schema.ts",
    ...dirs.flatMap((d) =>
      readdirSync(join(root, "runtime", d))
        .filter((f) => f.endsWith(".ts"))
        .map((f) => `runtime/${d}/${f}`),
    ),
  ];
  for (const file of files) {
    const source = readFileSync(join(root, file), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    const target = join(out, file.replace(/\.ts$/, ".js"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  // The lineage analysis loads TypeScript through CommonJS shims (typescript.cts and the
  // warm-compiler module it loads first).
  for (const shim of readdirSync(join(root, "runtime", "compiler")).filter((f) =>
    f.endsWith(".cts"),
  )) {
    const path = join("runtime", "compiler", shim);
    const { outputText } = ts.transpileModule(readFileSync(join(root, path), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    });
    mkdirSync(join(out, "runtime", "compiler"), { recursive: true });
    writeFileSync(join(out, path.replace(/\.cts$/, ".cjs")), outputText);
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  return out;
}
