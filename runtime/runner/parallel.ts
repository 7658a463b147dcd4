/**
 * `replab run NB1 NB2 ... -j N`: each notebook runs in its own process (a notebook's state
 * is process-wide), at most N at a time, and prints one summary line when it ends.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { writeRealStderr } from "../executor/capture.js";

const BIN = fileURLToPath(new URL("../../bin/replab.js", import.meta.url));

interface JobResult {
  notebook: string;
  code: number;
  lastLine: string;
}

/** Run each notebook with the shared `flags`; exit code is the worst child's (2 > 1 > 0). */
export async function runParallel(
  notebooks: string[],
  flags: string[],
  jobs: number,
): Promise<number> {
  const queue = [...notebooks];
  let worst = 0;
  const worker = async (): Promise<void> => {
    for (let nb = queue.shift(); nb !== undefined; nb = queue.shift()) {
      const result = await runChild(nb, flags);
      worst = Math.max(worst, result.code);
      writeRealStderr(summary(result));
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, notebooks.length) }, worker));
  return worst;
}

function summary(result: JobResult): string {
  const status = result.code === 0 ? "ok  " : "FAIL";
  const detail = result.code === 0 ? "" : `  ${result.lastLine}`;
  return `${status} ${result.notebook}${detail}\n`;
}

function runChild(notebook: string, flags: string[]): Promise<JobResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, "run", notebook, ...flags, "--quiet"], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => {
      const lines = stderr
        .trim()
        .split("\n")
        .filter((l) => l.startsWith("replab:"));
      resolve({
        notebook,
        code: code ?? 1,
        lastLine: lines[0] ?? stderr.trim().split("\n")[0] ?? "",
      });
    });
  });
}
