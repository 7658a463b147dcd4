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
  session ??= await createSession({ language: "typescript", notebookDir: notebookDir() });
  return session;
}

async function run(code: string): Promise<string> {
  const sink = recordingSink();
  const request = { code, silent: false, storeHistory: true, allowStdin: false };
  const outcome = await (await start()).execute(request, sink);
  if (outcome.status !== "ok") return `${outcome.ename}: ${outcome.evalue}`;
  return `${sink.stdout()}${String(outcome.result?.data["text/plain"] ?? "")}`;
}

// replab's file tracers sit between a cell and the fs call it made; they must neither show
// in a stack nor push the cell's own frame out of Node's 10.
describe("an error thrown inside a traced fs call", () => {
  it("names the cell line in its traceback and its stack, and no replab frame", async () => {
    const ts = await start();
    await run('import { readFileSync } from "node:fs";');
    const outcome = await ts.execute(
      {
        code: '\nreadFileSync("missing.csv", "utf8")',
        silent: false,
        storeHistory: true,
        allowStdin: false,
      },
      recordingSink(),
    );
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.evalue).toMatch(/ENOENT/);
    expect(outcome.traceback.join("\n")).toMatch(/at cell \d+:2:1$/);
    const stack = await run(
      'try { readFileSync("missing.csv") } catch (e) { console.log(e.stack) }',
    );
    expect(stack).toMatch(/at cell \d+:1:7\n$/);
    expect(stack).not.toMatch(/dist\/runtime|runtime\/trace/);
  });
});

describe("a cell importing a package that is not installed", () => {
  it("reports the import's error once", async () => {
    const ts = await start();
    const error = await ts.execute(
      {
        code: 'import _ from "not-installed-anywhere";',
        silent: false,
        storeHistory: true,
        allowStdin: false,
      },
      recordingSink(),
    );
    expect(error.status).toBe("error");
    if (error.status !== "error") return;
    const said = error.traceback.join("\n").match(/Cannot find module 'not-installed-anywhere'/g);
    expect(said).toHaveLength(1);
  });

  it("says which package to install, and where", async () => {
    const ts = await start();
    const traceback = async (code: string): Promise<string> => {
      const request = { code, silent: false, storeHistory: true, allowStdin: false };
      const outcome = await ts.execute(request, recordingSink());
      return outcome.status === "error" ? outcome.traceback.join("\n") : "(no error)";
    };
    const dir = ts.notebookDir;
    // Checked: the package of a scoped subpath import.
    expect(await traceback('import { x } from "@acme/not-there/sub";')).toContain(
      `run \`npm install @acme/not-there\` in ${dir}`,
    );
    // Run: a require the checker cannot see (its argument is computed).
    expect(await traceback('const name = "left-" + "pad-not-there";\nrequire(name)')).toContain(
      `run \`npm install left-pad-not-there\` in ${dir}`,
    );
    // A missing file of the notebook's own is no package.
    expect(await traceback('import { a } from "./not-a-file";')).not.toContain("npm install");
  });
});
