// One linter for the repo. Type-aware rules catch the promise mistakes docs/style.md warns about,
// and the layer rules below keep the dependency rule (kernel -> runtime, never back; the
// viewer talks to neither) a lint error rather than a convention.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const TS = "*.{ts,mts,cts,tsx}";
const TS_FILES = [`**/${TS}`];
const JS_FILES = ["**/*.js", "**/*.mjs", "**/*.cjs"];

/** Import specifiers a layer may be forbidden to name. Relative paths are matched by their
 * segments, so `../kernel/main.js` and `../../kernel/x.js` both count as kernel/. */
const FORBIDDEN = {
  zeromq: {
    regex: /^zeromq(\/|$)/,
    message: "ZeroMQ belongs to kernel/ only: the runtime and the viewer run without it.",
  },
  kernel: {
    regex: /^\.{1,2}\/(.*\/)?kernel(\/|$)/,
    message: "kernel/ depends on runtime/, never the other way: keep the runtime kernel-agnostic.",
  },
  kernelFromViewer: {
    regex: /^\.{1,2}\/(.*\/)?kernel(\/|$)/,
    message: "The viewer talks to the kernel only through the comm and the lineage JSON.",
  },
  runtimeFromViewer: {
    regex: /^\.{1,2}\/(.*\/)?runtime(\/|$)/,
    message: "The viewer reads only the lineage JSON (src/schema.ts mirrors it): no runtime/ code.",
  },
  replabFromViewer: {
    regex: /^replab(\/|$)/,
    message: "The viewer does not load replab itself: it reads only the lineage JSON and the comm.",
  },
  typescript: {
    regex: /^typescript(\/|$)/,
    message:
      "kernel/ must not know TypeScript: compiling is the runtime's job (runtime/compiler/).",
  },
  compiler: {
    regex: /^\.{1,2}\/(.*\/)?compiler(\/|$)/,
    message:
      "kernel/ must not know TypeScript: it talks to the runtime's session, not its compiler.",
  },
};

/**
 * A layer: `files` may not name any of `forbidden`, whether in a static import or re-export
 * (including `import type` and `import x = require()`), a dynamic `import()`, an `import("…")`
 * type, `require()` or `createRequire(…)(…)`. no-restricted-imports sees only the first kind,
 * so the others go through no-restricted-syntax with the same regular expressions.
 * Layers must not overlap: a later block's options for the same rule replace an earlier one's.
 */
function layer(name, files, forbidden) {
  const syntax = forbidden.flatMap(({ regex, message }) => {
    const value = `/${regex.source}/`;
    return [
      `ImportExpression[source.value=${value}]`,
      `TSImportType[source.value=${value}]`,
      `CallExpression[callee.name="require"][arguments.0.value=${value}]`,
      `CallExpression[callee.callee.name="createRequire"][arguments.0.value=${value}]`,
    ].map((selector) => ({ selector, message }));
  });
  return {
    name: `replab/layer/${name}`,
    files,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        { patterns: forbidden.map(({ regex, message }) => ({ regex: regex.source, message })) },
      ],
      "no-restricted-syntax": ["error", ...syntax],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      ".venv/**",
      "test-output/**",
      // Golden copies of generated pipelines: they are compared byte for byte, not linted.
      "test/fixtures/**",
      "extensions/lineage-viewer/lib/**",
      "extensions/lineage-viewer/labextension/**",
      "extensions/lineage-viewer/node_modules/**",
    ],
  },
  ...tseslint.configs.recommended.map((config) => ({ files: TS_FILES, ...config })),
  {
    files: [
      "bin/**/*.ts",
      "kernel/**/*.ts",
      "runtime/**/*.ts",
      "test/**/*.ts",
      "extensions/lineage-viewer/test/**/*.ts",
    ],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["error"] }],
    },
  },
  // The dependency rule. bin/replab.ts is the one place that may load both sides: it
  // dispatches `replab kernel` and `replab install` to kernel/ and every other command to
  // runtime/cli/. The headless runner, the export and the CLI commands all live in runtime/,
  // so the runtime layer covers them.
  layer("runtime", [`runtime/**/${TS}`], [FORBIDDEN.kernel, FORBIDDEN.zeromq]),
  layer(
    "extensions",
    [`extensions/**/${TS}`],
    [
      FORBIDDEN.runtimeFromViewer,
      FORBIDDEN.kernelFromViewer,
      FORBIDDEN.replabFromViewer,
      FORBIDDEN.zeromq,
    ],
  ),
  // kernel/ may load the runtime's session, paths, errors and types, but no compiler.
  layer("kernel", [`kernel/**/${TS}`], [FORBIDDEN.typescript, FORBIDDEN.compiler]),
  {
    // Scripts and benchmarks (bench/, scripts/, fixtures run as child processes) and config.
    ...js.configs.recommended,
    files: JS_FILES,
    languageOptions: { ecmaVersion: "latest", sourceType: "module", globals: globals.node },
  },
);
