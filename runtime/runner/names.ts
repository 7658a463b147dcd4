/**
 * What a `-p NAME=VALUE` parameter may be called: a name the injected cell can declare
 * (`let NAME = ...`), so neither a reserved word (class, await, let, yield, ...) nor a
 * read-only global (undefined, NaN, Infinity), whose assignment would silently do nothing.
 */
import vm from "node:vm";

const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u;
const READ_ONLY = new Set(["undefined", "NaN", "Infinity"]);

/** Why `name` cannot name a parameter (a phrase for a usage error), or undefined when it can. */
export function parameterNameProblem(name: string): string | undefined {
  if (!IDENTIFIER.test(name)) return "expected NAME=VALUE with NAME a JavaScript identifier";
  if (READ_ONLY.has(name))
    return `${name} is a read-only global and cannot be set; choose another NAME`;
  try {
    // Compiled, never run: strict mode inside an async function rejects every reserved word.
    new vm.Script(`(async function () { "use strict"; let ${name} = 0; })`);
  } catch {
    return `${name} is a reserved word in JavaScript and cannot name a variable; choose another NAME`;
  }
  return undefined;
}
