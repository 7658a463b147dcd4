/** Test helpers: a recording OutputSink and a temporary notebook directory with packages. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MimeBundle, OutputSink } from "../../runtime/session/types.js";

export interface Recorded {
  streams: { name: "stdout" | "stderr"; text: string }[];
  displays: { data: MimeBundle; displayId: string | undefined; update: boolean }[];
  clears: boolean[];
}

/** An OutputSink that keeps everything it is given. */
export function recordingSink(): OutputSink & {
  recorded: Recorded;
  stdout(): string;
  stderr(): string;
} {
  const recorded: Recorded = { streams: [], displays: [], clears: [] };
  const text = (name: "stdout" | "stderr") =>
    recorded.streams
      .filter((s) => s.name === name)
      .map((s) => s.text)
      .join("");
  return {
    recorded,
    stream: (name, text) => recorded.streams.push({ name, text }),
    display: (data, _metadata, displayId, update) =>
      recorded.displays.push({ data, displayId, update }),
    clearOutput: (wait) => recorded.clears.push(wait),
    input: () => Promise.reject(new Error("no stdin in tests")),
    stdout: () => text("stdout"),
    stderr: () => text("stderr"),
  };
}

/** A notebook directory with an ESM-only package and a CommonJS package in node_modules. */
export function notebookDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "replab-engine-"));
  const esm = join(dir, "node_modules", "esm-only");
  mkdirSync(esm, { recursive: true });
  writeFileSync(
    join(esm, "package.json"),
    JSON.stringify({
      name: "esm-only",
      version: "1.0.0",
      type: "module",
      exports: { import: "./index.js" },
    }),
  );
  writeFileSync(join(esm, "index.js"), 'export const hello = "from esm"; export default 7;\n');
  const cjs = join(dir, "node_modules", "cjs-only");
  mkdirSync(cjs, { recursive: true });
  writeFileSync(
    join(cjs, "package.json"),
    JSON.stringify({ name: "cjs-only", version: "1.0.0", main: "index.js" }),
  );
  writeFileSync(join(cjs, "index.js"), "exports.twice = (n) => n * 2;\n");
  return dir;
}
