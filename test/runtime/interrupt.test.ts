/**
 * Interrupt stops a synchronous loop and a pending await, and earlier state survives.
 * The engine runs in a child process because interrupts are signals to the whole process.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { needsSigintBreak } from "../../runtime/executor/run.js";
import type { ExecuteOutcome } from "../../runtime/session/types.js";

let child: ChildProcess;

beforeAll(async () => {
  child = fork(fileURLToPath(new URL("./fixtures/interrupt-child.mjs", import.meta.url)), {
    stdio: "ignore",
  });
  await new Promise((resolve) => child.once("message", resolve));
});

afterAll(() => {
  child.kill("SIGKILL");
});

/**
 * Run a cell; when `interrupt` is set, send SIGINT every 100 ms until the cell ends, at most
 * 300 times: a hang guard sized for a loaded 2-core CI machine, where type-checking the cell
 * before it runs took longer than the 5 s an earlier guard of 50 allowed.
 */
function execute(code: string, interrupt = false): Promise<ExecuteOutcome> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let signals = 0;
    const onMessage = (message: { running?: boolean; outcome?: ExecuteOutcome }) => {
      if (message.running === true && interrupt) {
        timer = setInterval(() => {
          if (++signals > 300) reject(new Error("the cell did not stop after 300 interrupts"));
          child.kill("SIGINT");
        }, 100);
      }
      if (message.outcome !== undefined) {
        clearInterval(timer);
        child.off("message", onMessage);
        resolve(message.outcome);
      }
    };
    child.on("message", onMessage);
    child.send({ code });
  });
}

it("stops a synchronous infinite loop and keeps earlier state", async () => {
  await execute("const kept: number = 7;");
  const looped = await execute("let spins = 0;\nwhile (true) { spins++; }", true);
  expect(looped.status).toBe("error");
  expect(looped.status === "error" && looped.ename).toBe("Interrupted");
  expect(looped.status === "error" && looped.evalue).toBe("The cell was interrupted.");
  const after = await execute("kept * 6");
  expect(after.status === "ok" && after.result?.data["text/plain"]).toBe("42");
});

it("stops a pending await", async () => {
  const waited = await execute("await new Promise(() => {});", true);
  expect(waited.status === "error" && waited.evalue).toBe("The cell was interrupted.");
  const after = await execute("kept + 1");
  expect(after.status === "ok" && after.result?.data["text/plain"]).toBe("8");
});

it("runs an arithmetic-only cell without the SIGINT watchdog, and still stops a loop after it", async () => {
  const sum = await execute("(1 + 2) * 3");
  expect(sum.status === "ok" && sum.result?.data["text/plain"]).toBe("9");
  const looped = await execute("while (true) {}", true);
  expect(looped.status === "error" && looped.ename).toBe("Interrupted");
});

it("keeps the watchdog for anything that could run code: names, strings, brackets, regexes", () => {
  for (const source of ["1 + 1", " (2 ** 10) % 7 > 3;\n", "1 < 2 ? 3 : 4", ".5 * -2"])
    expect(needsSigintBreak(source)).toBe(false);
  // [] + [] calls Array.prototype.toString, /a/ + 1 RegExp's, and a name may be a getter.
  for (const source of ["[] + []", "/1/ + 1", "x + 1", "'a' + 1", "1e9 + 1", "({}) + 1", "`${1}`"])
    expect(needsSigintBreak(source)).toBe(true);
});
