// One linter for the repo. Type-aware rules catch the promise mistakes STYLE.md warns about.
import tseslint from "typescript-eslint";

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
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ["bin/**/*.ts", "kernel/**/*.ts", "runtime/**/*.ts", "test/**/*.ts"],
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
);
