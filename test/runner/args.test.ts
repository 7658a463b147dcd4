import { describe, expect, it } from "vitest";
import { isReplabError } from "../../runtime/errors.js";
import { parseRunArgs, parseValue } from "../../runtime/runner/args.js";

const usageError = (args: string[]): string => {
  try {
    parseRunArgs(args);
  } catch (error) {
    if (isReplabError(error, "usage")) return error.message.split("\n")[0] ?? "";
    throw error;
  }
  throw new Error("expected a usage error");
};

describe("replab run arguments", () => {
  it("parses every flag", () => {
    const options = parseRunArgs([
      "nb.ipynb",
      "-o",
      "out.ipynb",
      "-p",
      "n=3",
      "-p",
      "name=Ada",
      "--seed",
      "7",
      "--check",
      "--allow-errors",
      "--timeout",
      "1.5",
      "--quiet",
    ]);
    expect(options).toMatchObject({
      notebooks: ["nb.ipynb"],
      output: "out.ipynb",
      seed: 7,
      check: true,
      allowErrors: true,
      timeoutMs: 1500,
      quiet: true,
      jobs: 1,
    });
    expect([...options.parameters]).toEqual([
      ["n", 3],
      ["name", "Ada"],
    ]);
  });

  it("reads parameter values as JSON when they are JSON, else as strings (papermill's rule)", () => {
    expect(parseValue("3")).toBe(3);
    expect(parseValue('{"a":[1]}')).toEqual({ a: [1] });
    expect(parseValue("true")).toBe(true);
    expect(parseValue("hello world")).toBe("hello world");
    expect(parseValue("")).toBe("");
  });

  it("names the argument in every usage error", () => {
    expect(usageError([])).toBe("no notebook given");
    expect(usageError(["a.ipynb", "-o", "x", "--inplace"])).toBe(
      "-o and --inplace exclude each other",
    );
    expect(usageError(["a.ipynb", "--seed", "x"])).toBe("--seed x: expected an integer");
    expect(usageError(["a.ipynb", "-p", "1x=3"])).toBe(
      "-p 1x=3: expected NAME=VALUE with NAME a JavaScript identifier",
    );
    expect(usageError(["a.ipynb", "--timeout", "0"])).toBe(
      "--timeout 0: expected a number of seconds > 0",
    );
    expect(usageError(["a.ipynb", "--frobnicate"])).toBe("unknown option --frobnicate");
    expect(usageError(["a.ipynb", "-o"])).toBe("-o needs a value");
    expect(usageError(["a.ipynb", "b.ipynb", "-o", "x.ipynb"])).toMatch(/^-o names one output/);
  });
});
