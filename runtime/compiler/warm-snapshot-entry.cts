/**
 * The script `node --build-snapshot` runs to make the warm-compiler start-up snapshot
 * (docs/startup.md): it loads the TypeScript compiler, then parses and binds the standard
 * library and @types declarations a cell is checked against, and leaves both in the heap the
 * snapshot saves. A kernel started from the snapshot skips ~1.5 s of CPU: loading
 * typescript.js, parsing 2.8 MB of declarations and binding them.
 *
 * Node 20 lets a snapshot builder require only built-in modules, and neither `import()` nor
 * `createRequire` survive into the deserialized process, so this file stands alone: it
 * evaluates typescript.js itself and takes everything else from the JSON file
 * REPLAB_WARM_CONFIG names (written by warm-build.ts).
 */
// A script, not a module: the builder runs it without `exports`, so it imports nothing and
// keeps its names inside one function.
(function buildWarmSnapshot(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- only require exists here */
  const fs = require("node:fs") as typeof import("node:fs");
  const path = require("node:path") as typeof import("node:path");
  const vm = require("node:vm") as typeof import("node:vm");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  /* eslint-enable @typescript-eslint/no-require-imports */
  type TS = typeof import("typescript");

  /** What warm-build.ts asks for. */
  interface WarmConfig {
    /** Absolute path of the typescript.js the kernel would require. */
    typescript: string;
    /** The compiler options a cell is checked with (checkOptions of an empty folder). */
    options: import("typescript").CompilerOptions;
    /** An empty folder that stands in for the notebook's. */
    dir: string;
    /** Where to write the list of declaration files and their content hashes. */
    manifest: string;
    /** The options a cell is transpiled with (transpileOptions in options.ts). */
    transpile: import("typescript").CompilerOptions;
  }

  /** The state a kernel started from the snapshot picks up (warm-compiler.cts reads it). */
  interface WarmState {
    typescriptPath: string;
    ts: TS;
    registry: import("typescript").DocumentRegistry;
    /** The build's module resolutions, for the kernel to adopt while they hold (resolution.ts). */
    resolutions: {
      options: import("typescript").CompilerOptions;
      modules: import("typescript").ModuleResolutionCache;
      outcomes: import("typescript").ResolvedModuleWithFailedLookupLocations[];
      since: number;
    };
  }

  const WARM_KEY = Symbol.for("replab.warmCompiler");

  /**
   * A cell as the checker's cell file holds one (its declarations exported, see cellTail in
   * service.ts), with what first cells do: declare, annotate, call, index, a class, a closure.
   */
  const WARM_UP_CELL = [
    "const answer: number = 6 * 7;",
    "function twice(x: number): string { return String(x * 2); }",
    "class Point { constructor(readonly x = 1) {} norm() { return Math.abs(this.x); } }",
    "const xs = [1, 2, 3].map((v) => v + answer).filter((v) => v > 0);",
    'const table: Record<string, number> = { a: 1 }; table["a"] = xs.length;',
    "console.log(twice(answer), new Point().norm(), Math.max(...xs), `${answer}`);",
    "export { answer, twice, Point, xs, table };",
  ].join("\n");

  function loadCompiler(file: string): TS {
    const source = fs.readFileSync(file, "utf8");
    const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
    const factory = vm.runInThisContext(wrapped, { filename: file }) as (
      exports: object,
      require: NodeJS.Require,
      module: { exports: object },
      filename: string,
      dirname: string,
    ) => void;
    const module = { exports: {} };
    factory(module.exports, require, module, file, path.dirname(file));
    return module.exports as TS;
  }

  /** Parse and bind every declaration file an empty cell's program loads; returns their paths. */
  function warm(
    ts: TS,
    config: WarmConfig,
    registry: import("typescript").DocumentRegistry,
    resolutions: WarmState["resolutions"],
  ): string[] {
    const root = path.join(config.dir, "__replab_warm.ts");
    const { modules, outcomes } = resolutions;
    let rootText = "";
    let rootVersion = 1;
    // getModuleResolutionCache is read by the service though not in its declared host type.
    const host: import("typescript").LanguageServiceHost & {
      getModuleResolutionCache(): import("typescript").ModuleResolutionCache;
    } = {
      getScriptFileNames: () => [root],
      // The same version string runtime/compiler/disk-files.ts gives a file on disk, so the
      // kernel's language service finds these parses in the registry instead of redoing them.
      getScriptVersion: (f) =>
        f === root ? String(rootVersion) : `disk:${fs.statSync(f).mtimeMs}`,
      getScriptSnapshot: (f) =>
        f === root
          ? ts.ScriptSnapshot.fromString(rootText)
          : fs.existsSync(f)
            ? ts.ScriptSnapshot.fromString(fs.readFileSync(f, "utf8"))
            : undefined,
      getCurrentDirectory: () => config.dir,
      getCompilationSettings: () => config.options,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => f === root || ts.sys.fileExists(f),
      readFile: (f) => (f === root ? rootText : ts.sys.readFile(f)),
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
      // As resolution.ts resolves, into a cache the kernel can adopt, keeping each outcome:
      // what it probed on disk is how the kernel tells whether the outcome still holds.
      getModuleResolutionCache: () => modules,
      resolveModuleNameLiterals: (literals, file, redirected, options, source) =>
        literals.map((literal) => {
          const mode = ts.getModeForUsageLocation(source, literal, options);
          const outcome = ts.resolveModuleName(
            literal.text,
            file,
            options,
            host,
            modules,
            redirected,
            mode,
          );
          outcomes.push(outcome);
          return outcome;
        }),
    };
    const service = ts.createLanguageService(host, registry);
    // Diagnostics build the program (parse) and its checker (bind every file).
    service.getSemanticDiagnostics(root);
    const files = service.getProgram()?.getSourceFiles() ?? [];
    // Node keeps the bytecode of every function that ran here in the snapshot; the checker,
    // declaration emit and transpiler paths a first cell takes then start compiled, which
    // took ~18 ms of CPU of a warm kernel's first cell (bench/RESULTS.md, "Profile").
    rootText = WARM_UP_CELL;
    rootVersion++;
    service.getSyntacticDiagnostics(root);
    service.getSemanticDiagnostics(root);
    service.getEmitOutput(root, true);
    ts.transpileModule(WARM_UP_CELL, {
      compilerOptions: config.transpile,
      fileName: "cell.ts",
      reportDiagnostics: false,
    });
    return files.map((f) => f.fileName).filter((f) => f !== root);
  }

  function sha256(file: string): string {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  }

  function build(): void {
    const configFile = process.env["REPLAB_WARM_CONFIG"];
    if (configFile === undefined) throw new Error("REPLAB_WARM_CONFIG is not set");
    const config = JSON.parse(fs.readFileSync(configFile, "utf8")) as WarmConfig;
    const ts = loadCompiler(config.typescript);
    const registry = ts.createDocumentRegistry();
    const canonical = (f: string): string =>
      ts.sys.useCaseSensitiveFileNames ? f : f.toLowerCase();
    const resolutions: WarmState["resolutions"] = {
      options: config.options,
      modules: ts.createModuleResolutionCache(config.dir, canonical, config.options),
      outcomes: [],
      // Before the first lookup: a path changed after this may have changed an outcome.
      since: Date.now(),
    };
    const files = warm(ts, config, registry, resolutions);
    const manifest = {
      node: process.version,
      execPath: process.execPath,
      typescript: {
        path: config.typescript,
        version: ts.version,
        size: fs.statSync(config.typescript).size,
        mtimeMs: fs.statSync(config.typescript).mtimeMs,
      },
      files: files.map((fileName) => ({ fileName, sha256: sha256(fileName) })),
    };
    fs.writeFileSync(config.manifest, JSON.stringify(manifest));
    const state: WarmState = { typescriptPath: config.typescript, ts, registry, resolutions };
    (globalThis as Record<symbol, unknown>)[WARM_KEY] = state;
  }

  build();
})();
