#!/usr/bin/env node
// Part of `npm run build`: pins the exported pipeline's own packages for an installed replab,
// which has no package-lock.json (see runtime/export/pipeline-lock.ts).
// Loaded by URL so that `npm run typecheck` checks this file against the source's types
// (tsconfig.scripts.json) rather than type-checking the compiled JavaScript in dist/.
/** @type {typeof import("../runtime/export/pipeline-lock.js")} */
const { writeShippedPipelineLock } = await import(
  new URL("../dist/runtime/export/pipeline-lock.js", import.meta.url).href
);

writeShippedPipelineLock();
