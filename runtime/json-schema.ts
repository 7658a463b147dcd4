/**
 * A small JSON Schema (2020-12) checker for the schemas replab publishes in schema/: the
 * keywords they use (type, one or a list, const, enum, required, properties, items, minItems,
 * minLength, minimum, pattern, oneOf, additionalProperties, local $ref), so `replab verify`
 * checks a lock, and the commands that read a notebook's stored lineage check it, against the
 * published schema itself without a validator package at run time. A keyword it does not know is an
 * error in the schema, not silently ignored.
 */

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  "$schema",
  "$id",
  "$defs",
  "$ref",
  "title",
  "description",
  "type",
  "const",
  "enum",
  "required",
  "properties",
  "items",
  "minItems",
  "minLength",
  "minimum",
  "pattern",
  "oneOf",
  "additionalProperties",
  // An annotation in 2020-12 (date-time, uri): not asserted, as validators do by default.
  "format",
]);

/** The first place `value` breaks `schema`, as "where: what", or undefined when it conforms. */
export function firstViolation(schema: Schema, value: unknown): string | undefined {
  return check(schema, schema, value, "");
}

function check(root: Schema, schema: Schema, value: unknown, at: string): string | undefined {
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key)) throw new Error(`json-schema.ts does not know the keyword ${key}`);
  const where = at === "" ? "the top level" : at;
  if (typeof schema["$ref"] === "string")
    return check(root, resolveRef(root, schema["$ref"]), value, at);
  if (schema["type"] !== undefined) {
    // One type or a list of them (`["integer", "null"]`): the value must be one of them.
    const types = ([] as string[]).concat(schema["type"] as string | string[]);
    if (!types.some((type) => isType(value, type)))
      return `${where}: expected ${types.map(article).join(" or ")}, found ${describe(value)}`;
  }
  if ("const" in schema && value !== schema["const"])
    return `${where}: must be ${JSON.stringify(schema["const"])}, found ${describe(value)}`;
  if (Array.isArray(schema["enum"]) && !schema["enum"].includes(value))
    return `${where}: must be one of ${schema["enum"].map((v) => JSON.stringify(v)).join(", ")}`;
  if (Array.isArray(schema["oneOf"])) return oneOf(root, schema["oneOf"] as Schema[], value, at);
  return (
    checkString(schema, value, where) ??
    checkNumber(schema, value, where) ??
    checkObject(root, schema, value, at) ??
    checkArray(root, schema, value, at)
  );
}

function oneOf(root: Schema, options: Schema[], value: unknown, at: string): string | undefined {
  const failures = options.map((option) => check(root, option, value, at));
  const passed = failures.filter((f) => f === undefined).length;
  if (passed === 1) return undefined;
  if (passed > 1) return `${at || "the top level"}: matches more than one allowed form`;
  // The failure of the option that got furthest (the longest path) says the most.
  return failures.sort((a, b) => (b?.length ?? 0) - (a?.length ?? 0))[0];
}

function checkString(schema: Schema, value: unknown, where: string): string | undefined {
  if (typeof value !== "string") return undefined;
  if (typeof schema["minLength"] === "number" && value.length < schema["minLength"])
    return `${where}: must not be empty`;
  if (typeof schema["pattern"] === "string" && !new RegExp(schema["pattern"], "u").test(value))
    return `${where}: ${JSON.stringify(value)} does not match ${schema["pattern"]}`;
  return undefined;
}

function checkNumber(schema: Schema, value: unknown, where: string): string | undefined {
  if (typeof value !== "number" || typeof schema["minimum"] !== "number") return undefined;
  return value < schema["minimum"] ? `${where}: must be at least ${schema["minimum"]}` : undefined;
}

function checkObject(root: Schema, schema: Schema, value: unknown, at: string): string | undefined {
  if (!isType(value, "object")) return undefined;
  const object = value as Record<string, unknown>;
  for (const name of (schema["required"] as string[] | undefined) ?? [])
    if (!(name in object)) return `${at || "the top level"}: ${name} is missing`;
  const properties = (schema["properties"] as Record<string, Schema> | undefined) ?? {};
  for (const [name, sub] of Object.entries(properties)) {
    if (!(name in object)) continue;
    const problem = check(root, sub, object[name], at === "" ? name : `${at}.${name}`);
    if (problem !== undefined) return problem;
  }
  // A schema for every member not named in properties (a MIME bundle's types, say).
  const rest = schema["additionalProperties"] as Schema | undefined;
  if (typeof rest !== "object") return undefined;
  for (const [name, member] of Object.entries(object)) {
    if (name in properties) continue;
    const problem = check(root, rest, member, at === "" ? name : `${at}.${name}`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function checkArray(root: Schema, schema: Schema, value: unknown, at: string): string | undefined {
  if (!Array.isArray(value)) return undefined;
  if (typeof schema["minItems"] === "number" && value.length < schema["minItems"])
    return `${at || "the top level"}: needs at least ${schema["minItems"]} item(s), found ${value.length}`;
  const items = schema["items"] as Schema | undefined;
  if (items === undefined) return undefined;
  for (const [i, item] of value.entries()) {
    const problem = check(root, items, item, `${at}[${i}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function resolveRef(root: Schema, ref: string): Schema {
  // "#" is the whole schema: the lineage's previousSession.graph is a lineage itself.
  if (ref === "#") return root;
  if (!ref.startsWith("#/")) throw new Error(`json-schema.ts resolves local $refs only: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split("/")) node = (node as Schema | undefined)?.[part];
  if (typeof node !== "object" || node === null) throw new Error(`unresolved $ref ${ref}`);
  return node as Schema;
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isSafeInteger(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return JSON.stringify(value);
}
