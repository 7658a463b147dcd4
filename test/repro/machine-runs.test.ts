/**
 * Two `replab run`s of one notebook on "different machines" (another TZ, locale and host name,
 * the host name through a UTS namespace) for the sources of issue 10, item 9: every cell whose
 * output differs between the runs is flagged in its lineage, and time-zone-dependent output
 * does not differ at all, because a run uses the recorded time zone (UTC by default) and
 * records it. The exported pipeline sets the recorded time zone and locale itself.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import seedrandom from "seedrandom";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, replab, scratch, writeNotebook } from "../cli/helpers.js";

const CELLS: Record<string, string> = {
  timeZone:
    'console.log(new Date(0).getHours(), new Date(0).toString(), Intl.DateTimeFormat().resolvedOptions().timeZone, new Date(0).toLocaleString("en-US"));',
  hostname: 'import os from "node:os";\nconsole.log(os.hostname());',
  pid: "console.log(process.pid, process.ppid);",
  hrtime: "console.log(String(process.hrtime.bigint()), process.hrtime()[1]);",
  timeOrigin: "console.log(performance.timeOrigin);",
  process: "console.log(process.uptime(), process.cpuUsage().user, process.memoryUsage().rss);",
  machine: "console.log(os.cpus().length + os.uptime() + os.freemem());",
  keys: 'import { generateKeyPairSync } from "node:crypto";\nconsole.log(generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" }).toString("hex"));',
  worker:
    'import { Worker } from "node:worker_threads";\nconsole.log(await new Promise((done) => new Worker(\'require("node:worker_threads").parentPort.postMessage(Math.random())\', { eval: true }).once("message", done)));',
  child:
    'import { execFileSync } from "node:child_process";\nconsole.log(execFileSync(process.execPath, ["-e", "console.log(Math.random())"], { encoding: "utf8" }).trim());',
};

interface Run {
  stdout: Map<string, string>;
  flags: Map<string, string[]>;
  timeZone: unknown;
  locale: unknown;
}

const canUnshare = process.getuid?.() === 0 && spawnSync("unshare", ["--uts", "true"]).status === 0;

/** `replab run` in a UTS namespace with its own host name, and with `env`. */
function runAs(dir: string, out: string, host: string, env: Record<string, string>): Run {
  const script = `hostname ${host} && exec "$0" "$@"`;
  const result = spawnSync(
    "unshare",
    ["--uts", "sh", "-c", script, process.execPath, BIN, "run", "nb.ipynb", "-o", out, "--quiet"],
    {
      cwd: dir,
      env: { ...process.env, REPLAB_SEED: "", ...env },
      encoding: "utf8",
      timeout: 180_000,
    },
  );
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  const nb = JSON.parse(readFileSync(join(dir, out), "utf8")) as {
    cells: { id: string; outputs: { text?: string | string[] }[] }[];
    metadata: {
      replab: {
        timeZone?: unknown;
        locale?: unknown;
        lineage: { nodes: { kind: string; id: string; nondeterminism?: string[] }[] };
      };
    };
  };
  const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join("") : (t ?? ""));
  const replabMeta = nb.metadata.replab;
  return {
    stdout: new Map(nb.cells.map((c) => [c.id, c.outputs.map((o) => text(o.text)).join("")])),
    flags: new Map(
      replabMeta.lineage.nodes
        .filter((n) => n.kind === "cell")
        .map((n) => [n.id, n.nondeterminism ?? []]),
    ),
    timeZone: replabMeta.timeZone,
    locale: replabMeta.locale,
  };
}

let dir: string;
let first: Run;
let second: Run;

describe.skipIf(!canUnshare)("two runs on different machines (root: unshare --uts)", () => {
  beforeAll(() => {
    dir = scratch("machine-runs");
    writeNotebook(
      join(dir, "nb.ipynb"),
      Object.entries(CELLS).map(([id, source]) => ({ id, source })),
    );
    first = runAs(dir, "a.ipynb", "replab-host-a", { TZ: "Asia/Tokyo", LC_ALL: "de_DE.UTF-8" });
    second = runAs(dir, "b.ipynb", "replab-host-b", { TZ: "America/New_York", LC_ALL: "C.UTF-8" });
  }, 400_000);

  it("time-zone- and locale-dependent output is the same: both ran in UTC and en-US, and say so", () => {
    expect(first.stdout.get("timeZone")).toBe(second.stdout.get("timeZone"));
    expect(first.stdout.get("timeZone")).toMatch(/^0 Thu Jan 01 1970 00:00:00 GMT\+0000 .* UTC /);
    expect([first.timeZone, second.timeZone]).toEqual(["UTC", "UTC"]);
    // The first run had LC_ALL=de_DE.UTF-8: it ran itself again with the default locale.
    expect([first.locale, second.locale]).toEqual(["en-US", "en-US"]);
  });

  it.each(Object.keys(CELLS).filter((id) => id !== "timeZone"))(
    "%s: its output differs between the runs only when its cell is flagged",
    (id) => {
      const flagged = (first.flags.get(id) ?? []).length > 0;
      const differs = first.stdout.get(id) !== second.stdout.get(id);
      expect({ id, differs, flagged: flagged || !differs }).toEqual({
        id,
        differs,
        flagged: true,
      });
      // These always differ between two machines or processes: the flag must be there.
      expect(flagged).toBe(true);
    },
  );

  it("a child node process draws from a seeded stream: the cell's key, child 0", () => {
    const source = CELLS["child"] as string;
    const key = `replab:42:${createHash("sha256").update(source).digest("hex")}:child:0`;
    expect(first.stdout.get("child")).toBe(`${seedrandom(key)()}\n`);
    expect(second.stdout.get("child")).toBe(first.stdout.get("child"));
    // Its files are still not seen.
    expect(first.flags.get("child")).toEqual(["unseen-io:child_process.execFileSync"]);
  });

  it("names what was read", () => {
    expect(first.flags.get("hostname")).toContain("machine:os.hostname");
    expect(first.flags.get("pid")).toEqual(["machine:process.pid"]);
    expect(first.flags.get("timeZone")).toEqual([]);
  });

  it("the exported pipeline sets the recorded time zone and locale itself", () => {
    writeNotebook(join(dir, "zone.ipynb"), [
      { id: "zone", source: CELLS["timeZone"] as string },
      {
        id: "number",
        source: "console.log((1234.5).toLocaleString(), new Date(0).toLocaleDateString());",
      },
    ]);
    const env = { TZ: "Asia/Tokyo", LC_ALL: "de_DE.UTF-8" };
    expect(
      replab(["run", "zone.ipynb", "-o", "zone.out.ipynb", "--quiet"], { cwd: dir, env }).code,
    ).toBe(0);
    expect(replab(["export", "zone.out.ipynb", "-o", "zone-export"], { cwd: dir }).code).toBe(0);
    const lock = JSON.parse(readFileSync(join(dir, "zone-export/repro.lock.json"), "utf8")) as {
      timeZone?: string;
      locale?: string;
    };
    expect([lock.timeZone, lock.locale]).toEqual(["UTC", "en-US"]);
    // Verify's pipeline runs in another time zone and locale; it prints what the notebook did.
    const verify = replab(["verify", "zone-export"], {
      cwd: dir,
      env: { TZ: "Pacific/Auckland", LC_ALL: "de_DE.UTF-8" },
    });
    expect(verify.stderr).toBe(
      "replab: verified zone-export: 2 cells and 0 data files match repro.lock.json\n",
    );
    expect(verify.code).toBe(0);
  });
});
