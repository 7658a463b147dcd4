/**
 * OpenLineage: `replab lineage --format openlineage` of each example notebook validates
 * against the published JSON Schema (vendored at tag 1.52.0, checked by Python's jsonschema
 * with formats), and `replab run` with OPENLINEAGE_URL posts START and COMPLETE to a real HTTP
 * endpoint on 127.0.0.1 served by this test; a backend that is down or refuses costs a warning.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replab } from "../cli/helpers.js";
import { EXAMPLES, outName, python, replabAsync, runExamples, writeFileNotebook } from "./setup.js";

interface Dataset {
  namespace: string;
  name: string;
  facets: Record<string, Record<string, unknown>>;
}
interface RunEvent {
  eventType: string;
  run: { runId: string; facets: Record<string, Record<string, unknown>> };
  job: { namespace: string; name: string };
  inputs: Dataset[];
  outputs: Dataset[];
}

let dir: string;
beforeAll(() => {
  dir = runExamples("audit-openlineage");
}, 600_000);

function validate(lines: string): { events: number; errors: string[] } {
  const file = join(dir, `events-${Math.random().toString(36).slice(2)}.ndjson`);
  writeFileSync(file, lines);
  return python("validate_openlineage.py", [file]) as { events: number; errors: string[] };
}

const sha256 = (path: string): string =>
  createHash("sha256").update(readFileSync(path)).digest("hex");

describe("replab lineage --format openlineage", () => {
  for (const nb of EXAMPLES) {
    it(
      `prints START and COMPLETE for ${nb} that validate against the OpenLineage schema`,
      { timeout: 60_000 },
      () => {
        const result = replab(["lineage", outName(nb), "--format", "openlineage"], { cwd: dir });
        expect(result).toMatchObject({ code: 0, stderr: "" });
        expect(validate(result.stdout)).toEqual({ events: 2, errors: [] });
        const [start, complete] = result.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as RunEvent);
        expect([start?.eventType, complete?.eventType]).toEqual(["START", "COMPLETE"]);
        expect(complete?.run.runId).toBe(start?.run.runId);
        expect(complete?.job).toMatchObject({ namespace: "replab", name: outName(nb) });
        const graph = complete?.run.facets["replab_cellGraph"] as { cells: { id: string }[] };
        const stored = JSON.parse(readFileSync(join(dir, outName(nb)), "utf8")) as {
          metadata: { replab: { lineage: { nodes: { kind: string; id: string }[] } } };
        };
        const cells = stored.metadata.replab.lineage.nodes
          .filter((n) => n.kind === "cell")
          .map((n) => n.id);
        expect(graph.cells.map((c) => c.id)).toEqual(cells);
      },
    );
  }

  it(
    "carries each input file's sha256 and size, and each frame's schema",
    { timeout: 60_000 },
    () => {
      const out = replab(["lineage", outName("penguins-danfo.ipynb"), "--format", "openlineage"], {
        cwd: dir,
      });
      const complete = JSON.parse(out.stdout.trim().split("\n")[1] ?? "") as RunEvent;
      const file = join(dir, "data", "penguins.json");
      expect(complete.inputs).toEqual([
        expect.objectContaining({
          namespace: "file",
          name: file,
          facets: {
            replab_content: expect.objectContaining({
              sha256: sha256(file),
              bytes: 67120,
              path: "data/penguins.json",
            }),
          },
        }),
      ]);
      const frame = complete.outputs.find((d) => d.name.endsWith("/frames/load/penguins"));
      const fields = (frame?.facets["schema"] as { fields: { name: string; type: string }[] })
        .fields;
      expect(fields.slice(0, 3)).toEqual([
        { name: "Species", type: "string", ordinal_position: 1 },
        { name: "Island", type: "string", ordinal_position: 2 },
        { name: "Beak Length (mm)", type: "number", ordinal_position: 3 },
      ]);
    },
  );
});

describe("replab run with OPENLINEAGE_URL", () => {
  let server: Server;
  let url: string;
  const received: { path: string; auth: string | undefined; body: string }[] = [];
  let status = 201;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", auth: req.headers.authorization, body });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((ok) => server.close(ok));
  });

  it(
    "posts START then COMPLETE to /api/v1/lineage, valid, with the files' real hashes",
    { timeout: 120_000 },
    async () => {
      received.length = 0;
      writeFileNotebook(dir);
      const env = {
        OPENLINEAGE_URL: url,
        OPENLINEAGE_API_KEY: "k3y",
        OPENLINEAGE_NAMESPACE: "audits",
      };
      const run = await replabAsync(["run", "writes.ipynb", "-o", "writes.out.ipynb", "--quiet"], {
        cwd: dir,
        env,
      });
      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(received.map((r) => [r.path, r.auth])).toEqual([
        ["/api/v1/lineage", "Bearer k3y"],
        ["/api/v1/lineage", "Bearer k3y"],
      ]);
      expect(validate(received.map((r) => `${r.body}\n`).join(""))).toEqual({
        events: 2,
        errors: [],
      });
      const [start, complete] = received.map((r) => JSON.parse(r.body) as RunEvent);
      expect([start?.eventType, complete?.eventType]).toEqual(["START", "COMPLETE"]);
      expect(complete?.run.runId).toBe(start?.run.runId);
      expect(complete?.job).toEqual(
        expect.objectContaining({ namespace: "audits", name: "writes.ipynb" }),
      );
      const content = (d: Dataset | undefined) => d?.facets["replab_content"];
      const input = join(dir, "data", "seattle-weather.csv");
      expect(complete?.inputs.map(content)).toEqual([
        expect.objectContaining({ sha256: sha256(input), path: "data/seattle-weather.csv" }),
      ]);
      const output = join(dir, "rows.txt");
      expect(complete?.outputs.map(content)).toEqual([
        expect.objectContaining({
          sha256: sha256(output),
          bytes: readFileSync(output).length,
          path: "rows.txt",
        }),
      ]);
    },
  );

  it(
    "warns and still writes the notebook when the backend refuses or is down",
    { timeout: 120_000 },
    async () => {
      status = 500;
      const refused = await replabAsync(
        ["run", "writes.ipynb", "-o", "refused.out.ipynb", "--quiet"],
        { cwd: dir, env: { OPENLINEAGE_URL: url } },
      );
      status = 201;
      expect(refused.code).toBe(0);
      expect(refused.stderr).toContain(
        `replab: warning: the OpenLineage backend at ${url}/api/v1/lineage answered 500`,
      );
      expect(refused.stderr).toContain("for the COMPLETE event; the run is not affected");
      const closed = createServer();
      await new Promise<void>((ok) => closed.listen(0, "127.0.0.1", ok));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((ok) => closed.close(ok));
      const down = await replabAsync(["run", "writes.ipynb", "-o", "down.out.ipynb", "--quiet"], {
        cwd: dir,
        env: { OPENLINEAGE_URL: `http://127.0.0.1:${port}` },
      });
      expect(down.code).toBe(0);
      expect(down.stderr).toMatch(
        /the OpenLineage backend at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage could not be reached \(.*ECONNREFUSED.*\) for the START event/,
      );
      expect(JSON.parse(readFileSync(join(dir, "down.out.ipynb"), "utf8"))).toHaveProperty(
        "metadata.replab.lineage",
      );
    },
  );
});
