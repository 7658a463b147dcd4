/**
 * The headless runner and the export never load ZeroMQ or kernel/ (docs/architecture.md, "The
 * dependency rule").
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../cli/helpers.js";

/** Every file reachable through static and dynamic imports, as "relative path" or "package name". */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)["']([^"']+)["']/g)) {
      const specifier = match[1] ?? "";
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, ".ts"));
        if (existsSync(target)) pending.push(target);
      } else {
        seen.add(`package:${specifier}`);
      }
    }
  }
  return seen;
}

describe("module boundaries", () => {
  for (const command of ["run", "export", "verify", "lineage"]) {
    it(`replab ${command} reaches neither kernel/ nor zeromq`, () => {
      const files = [...reachable(join(ROOT, `runtime/cli/${command}.ts`))];
      expect(
        files.filter((f) => f.startsWith(join(ROOT, "kernel")) || f.includes("zeromq")),
      ).toEqual([]);
      expect(files.length).toBeGreaterThan(3);
    });
  }
});
