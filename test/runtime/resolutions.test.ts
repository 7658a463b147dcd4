/**
 * Resolutions made earlier (as the warm-compiler snapshot's build makes them) are adopted by
 * a new checker only while the disk still gives them: a package that appeared where a lookup
 * had found nothing, or a package.json rewritten since, makes the new checker resolve again.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Resolutions, type EarlierResolutions } from "../../runtime/compiler/resolution.js";
import ts from "typescript";
import { checkOptions } from "../../runtime/compiler/options.js";

/** A folder with a typing that imports `name`, and the import's literal in its parse. */
function typingImporting(name: string): { dir: string; file: string; source: ts.SourceFile } {
  const dir = mkdtempSync(join(tmpdir(), "replab-resolutions-"));
  const file = join(dir, "typings", "index.d.ts");
  mkdirSync(join(dir, "typings"));
  const text = `import { value } from "${name}";\nexport declare const again: typeof value;\n`;
  writeFileSync(file, text);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  return { dir, file, source };
}

function literalOf(source: ts.SourceFile): ts.StringLiteralLike {
  const statement = source.statements[0];
  if (statement === undefined || !ts.isImportDeclaration(statement)) throw new Error("no import");
  return statement.moduleSpecifier as ts.StringLiteralLike;
}

/** Resolve as the snapshot's build does: into a cache kept with its outcomes. */
function earlierResolve(dir: string, file: string, source: ts.SourceFile): EarlierResolutions {
  const options = checkOptions(dir);
  // Before the lookup, as the build takes it.
  const since = Date.now();
  const modules = ts.createModuleResolutionCache(dir, (f) => f, options);
  const literal = literalOf(source);
  const mode = ts.getModeForUsageLocation(source, literal, options);
  const outcome = ts.resolveModuleName(
    literal.text,
    file,
    options,
    ts.sys,
    modules,
    undefined,
    mode,
  );
  return { options, modules, outcomes: [outcome], since };
}

function resolvedNow(
  earlier: EarlierResolutions,
  dir: string,
  file: string,
  source: ts.SourceFile,
) {
  const resolutions = new Resolutions(dir, earlier.options, ts.sys, earlier);
  const [outcome] = resolutions.resolveModules(
    [literalOf(source)],
    file,
    undefined,
    earlier.options,
    source,
  );
  return outcome?.resolvedModule?.resolvedFileName;
}

function writePackage(dir: string, name: string, types: string): void {
  const pkg = join(dir, "node_modules", name);
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name, types }));
  writeFileSync(join(pkg, "a.d.ts"), "export declare const value: number;\n");
  writeFileSync(join(pkg, "b.d.ts"), "export declare const value: string;\n");
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

/**
 * A typing importing `name`, with the package installed (its types: a.d.ts), resolved as the
 * build does once the install has settled, then some time later.
 */
async function installedAndResolved(name: string) {
  const typing = typingImporting(name);
  writePackage(typing.dir, name, "a.d.ts");
  await settle();
  const earlier = earlierResolve(typing.dir, typing.file, typing.source);
  await settle();
  return { ...typing, earlier };
}

describe("earlier resolutions", () => {
  it("are not adopted once a package appears where a lookup found nothing", async () => {
    const { dir, file, source } = typingImporting("appears-later");
    const earlier = earlierResolve(dir, file, source);
    expect(earlier.outcomes[0]?.resolvedModule).toBeUndefined();
    await settle();
    writePackage(dir, "appears-later", "a.d.ts");
    expect(resolvedNow(earlier, dir, file, source)).toBe(
      join(dir, "node_modules/appears-later/a.d.ts"),
    );
  });

  it("are not adopted once a package.json they read is rewritten", async () => {
    const { dir, file, source, earlier } = await installedAndResolved("retargeted");
    writeFileSync(
      join(dir, "node_modules", "retargeted", "package.json"),
      JSON.stringify({ name: "retargeted", types: "b.d.ts" }),
    );
    expect(resolvedNow(earlier, dir, file, source)).toBe(
      join(dir, "node_modules/retargeted/b.d.ts"),
    );
  });

  it("are adopted while nothing they looked at changed", async () => {
    const { dir, earlier } = await installedAndResolved("stays");
    const resolutions = new Resolutions(dir, earlier.options, ts.sys, earlier);
    // The adopted cache is the earlier one: what it resolved is answered from it.
    expect(resolutions.moduleCache()).toBe(earlier.modules);
  });
});
