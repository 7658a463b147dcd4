/**
 * Errors as a user meets them first: a file that is not there, a package that is not
 * installed. Their tracebacks name the cell line once, nothing of replab, and what to do. Its own file
 * (one session in the process): each session's file tracers wrap the functions the one before
 * wrapped, which no kernel does.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createSession, type Session } from "../../runtime/session/session.js";
import { notebookDir, recordingSink } from "./helpers.js";

let session: Session | undefined;

afterAll(async () => {
  await session?.dispose();
});

async function start(): Promise<Session> {
  session ??= await createSession({
    language: "typescript",
    notebookDir: notebookDir(),
    notebookName: "analysis.ipynb",
  });
  return session;
}

async function run(code: string): Promise<string> {
  const sink = recordingSink();
  const request = { code, silent: false, storeHistory: true, allowStdin: false };
  const outcome = await (await start()).execute(request, sink);
  if (outcome.status !== "ok") return `${outcome.ename}: ${outcome.evalue}`;
  return `${sink.stdout()}${String(outcome.result?.data["text/plain"] ?? "")}`;
}

/** A cell that must fail: its evalue, and its traceback as one text. */
async function failure(code: string): Promise<{ evalue: string; traceback: string }> {
  const request = { code, silent: false, storeHistory: true, allowStdin: false };
  const outcome = await (await start()).execute(request, recordingSink());
  expect(outcome.status, code).toBe("error");
  if (outcome.status !== "error") return { evalue: "", traceback: "" };
  return { evalue: outcome.evalue, traceback: outcome.traceback.join("\n") };
}

// replab's file tracers sit between a cell and the fs call it made; they must neither show
// in a stack nor push the cell's own frame out of Node's 10.
describe("an error thrown inside a traced fs call", () => {
  it("names the cell line in its traceback and its stack, and no replab frame", async () => {
    await run('import { readFileSync } from "node:fs";');
    const { evalue, traceback } = await failure('\nreadFileSync("missing.csv", "utf8")');
    expect(evalue).toMatch(/ENOENT/);
    expect(traceback).toMatch(/at cell \d+:2:1$/);
    const stack = await run(
      'try { readFileSync("missing.csv") } catch (e) { console.log(e.stack) }',
    );
    expect(stack).toMatch(/at cell \d+:1:7\n$/);
    expect(stack).not.toMatch(/dist\/runtime|runtime\/trace/);
  });
});

describe("a cell importing a package that is not installed", () => {
  it("reports the import's error once", async () => {
    const { traceback } = await failure('import _ from "not-installed-anywhere";');
    expect(traceback.match(/Cannot find module 'not-installed-anywhere'/g)).toHaveLength(1);
  });

  it("says which package to install, and where", async () => {
    const dir = (await start()).notebookDir;
    // Checked: the package of a scoped subpath import.
    expect((await failure('import { x } from "@acme/not-there/sub";')).traceback).toContain(
      `run \`npm install @acme/not-there\` in ${dir}`,
    );
    // Run: a require the checker cannot see (its argument is computed).
    const required = await failure('const name = "left-" + "pad-not-there";\nrequire(name)');
    expect(required.traceback).toContain(`run \`npm install left-pad-not-there\` in ${dir}`);
    // A missing file of the notebook's own is no package.
    expect((await failure('import { a } from "./not-a-file";')).traceback).not.toContain(
      "npm install",
    );
  });

  it("names the notebook in Node's require stack, not a file replab made up", async () => {
    const dir = (await start()).notebookDir;
    const { evalue } = await failure('require("./not-a-file-either")');
    expect(evalue).toBe(
      `Cannot find module './not-a-file-either'\nRequire stack:\n- ${dir}/analysis.ipynb`,
    );
  });
});
