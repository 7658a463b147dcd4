import { defineConfig } from "vitest/config";

// Protocol and browser tests spawn real processes; they get generous per-test limits
// (a limit is a hang guard, never an assertion on speed).
export default defineConfig({
  resolve: {
    // runtime/compiler/typescript.cts only exists to load TypeScript with require in the
    // built package; vite does not transform .cts, and the tests can import it directly.
    alias: [{ find: /^(\.\.?\/)+(compiler\/)?typescript\.cjs$/, replacement: "typescript" }],
  },
  test: {
    include: ["test/**/*.test.ts", "extensions/lineage-viewer/test/**/*.test.ts"],
    // One temporary folder per run, removed at its end (test/setup/temp-root.ts).
    globalSetup: ["test/setup/temp-root.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
    // Cells print through the real process.stdout, as in a kernel; vitest must not swap console.
    disableConsoleIntercept: true,
  },
});
