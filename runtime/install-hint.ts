/**
 * What to do about a package that is not there: "Cannot find module 'x'" from the type
 * checker or from Node names what is wrong; this adds how to mend it.
 */
import { createRequire } from "node:module";
import { join } from "node:path";

/** The npm package a bare specifier names (`lodash/fp` → `lodash`), or undefined for a path or a built-in. */
function packageOf(specifier: string): string | undefined {
  if (/^(\.|\/|[A-Za-z]:[\\/]|node:|file:|data:|https?:)/.test(specifier)) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  return name === undefined || name === "" ? undefined : name;
}

/** Whether Node finds the package from `dir` (its package.json, or its main). */
function installedFrom(dir: string, name: string): boolean {
  const require = createRequire(join(dir, "__replab_resolve__.js"));
  for (const request of [`${name}/package.json`, name]) {
    try {
      require.resolve(request);
      return true;
    } catch {
      // A package whose exports hide package.json still resolves by its name.
    }
  }
  return false;
}

/**
 * The line to add to a "Cannot find module 'x'" (the checker's TS2307) or "Cannot find package
 * 'x'" (Node's) message when Node cannot load that package from `dir` either, if any.
 */
export function installHint(message: string, dir: string): string | undefined {
  const specifier = /Cannot find (?:package|module) '([^']+)'/.exec(message)?.[1];
  const name = specifier === undefined ? undefined : packageOf(specifier);
  if (name === undefined || installedFrom(dir, name)) return undefined;
  return `'${name}' is not installed where this notebook can load it: run \`npm install ${name}\` in ${dir}`;
}

/** The hint for an error Node threw because a package is missing (its code says so), if any. */
export function missingPackageHint(thrown: unknown, dir: string): string | undefined {
  try {
    if (!(thrown instanceof Error)) return undefined;
    const code = (thrown as { code?: unknown }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return undefined;
    return installHint(thrown.message, dir);
  } catch {
    // A cell's own error object whose getters throw: it gets no hint.
    return undefined;
  }
}
