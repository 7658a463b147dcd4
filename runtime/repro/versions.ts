/**
 * The versions that produced a run: recorded in notebook metadata, run records, reports and
 * OpenLineage events alike, so every reader names the same runtime.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../paths.js";

/** Node, replab, TypeScript and the platform a run used. */
export interface RuntimeVersions {
  node: string;
  replab: string;
  typescript: string;
  platform: string;
}

/** The versions that produced a run. */
export function runtimeVersions(): RuntimeVersions {
  const version = (file: string): string =>
    String((JSON.parse(readFileSync(file, "utf8")) as { version?: unknown }).version ?? "unknown");
  const require = createRequire(join(PACKAGE_ROOT, "package.json"));
  return {
    node: process.versions.node,
    replab: version(join(PACKAGE_ROOT, "package.json")),
    typescript: version(require.resolve("typescript/package.json")),
    platform: `${process.platform}-${process.arch}`,
  };
}
