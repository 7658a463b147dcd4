import { describe, expect, it } from "vitest";
import { defaultExportDir, magicLine, runExport, type ExecuteKernel } from "../src/exporter.js";
import { LineageModel, type LineageChange } from "../src/model.js";
import { sampleGraph } from "./fixtures.js";

function record(model: LineageModel): LineageChange[] {
  const seen: LineageChange[] = [];
  model.changed.connect((_, c) => seen.push(c));
  return seen;
}

describe("LineageModel", () => {
  it("accepts a valid graph and emits a graph change", () => {
    const m = new LineageModel();
    const seen = record(m);
    expect(m.setData(sampleGraph(), "live")).toBe(true);
    expect(m.source).toBe("live");
    expect(m.index?.nodes.size).toBe(7);
    expect(m.version).toBe(1);
    expect(seen).toEqual(["graph"]);
  });

  it("refuses a bad graph, shows why and keeps nothing of it", () => {
    const m = new LineageModel();
    m.setData(sampleGraph(), "live");
    expect(m.setData({ schema: "nope" }, "live")).toBe(false);
    expect(m.graph).toBeNull();
    expect(m.error).toMatch(/lineage\.schema/);
  });

  it("selection emits only a selection change and is dropped when the node goes away", () => {
    const m = new LineageModel();
    m.setData(sampleGraph(), "stored");
    const seen = record(m);
    m.select("c2");
    m.select("c2");
    expect(seen).toEqual(["selection"]);
    const g = sampleGraph();
    g.nodes = g.nodes.filter((n) => n.id !== "c2");
    m.setGraph(g, "live");
    expect(m.selected).toBeNull();
  });

  it("clears on missing data", () => {
    const m = new LineageModel();
    m.setData(sampleGraph(), "stored");
    expect(m.setData(undefined, "stored")).toBe(false);
    expect(m.graph).toBeNull();
    expect(m.error).toBeNull();
    expect(m.source).toBe("none");
  });
});

/** A kernel that answers one execute_request with the given iopub messages and reply. */
function fakeKernel(iopub: { msg_type: string; content: unknown }[], reply: unknown) {
  const sent: unknown[] = [];
  const kernel = {
    requestExecute(content: unknown) {
      sent.push(content);
      const future = {
        onIOPub: (() => undefined) as (msg: unknown) => void,
        get done() {
          for (const m of iopub)
            future.onIOPub({ header: { msg_type: m.msg_type }, content: m.content });
          return Promise.resolve({ content: reply });
        },
      };
      return future;
    },
  };
  return { kernel: kernel as unknown as ExecuteKernel, sent };
}

describe("export", () => {
  it("names the directory after the notebook", () => {
    expect(defaultExportDir("work/My Analysis.ipynb")).toBe("export/My-Analysis");
    expect(defaultExportDir("quickstart.ipynb")).toBe("export/quickstart");
  });

  it("quotes directories the magic line could split", () => {
    expect(magicLine("export/a")).toBe("%repro export export/a");
    expect(magicLine("my dir")).toBe('%repro export "my dir"');
  });

  it("runs the magic silently and reports what it printed", async () => {
    const { kernel, sent } = fakeKernel(
      [
        {
          msg_type: "stream",
          content: { name: "stdout", text: "Exported 3 cells to export/nb\n" },
        },
      ],
      { status: "ok" },
    );
    const r = await runExport(kernel, "export/nb");
    expect(sent).toEqual([
      { code: "%repro export export/nb", silent: true, store_history: false, allow_stdin: false },
    ]);
    expect(r).toEqual({ ok: true, dir: "export/nb", message: "Exported 3 cells to export/nb" });
  });

  it("falls back to the directory when the kernel printed nothing", async () => {
    const { kernel } = fakeKernel([], { status: "ok" });
    expect((await runExport(kernel, "x")).message).toBe("Exported the pipeline to x");
  });

  it("reports the kernel's error", async () => {
    const { kernel } = fakeKernel(
      [
        {
          msg_type: "error",
          content: { ename: "ReplabError", evalue: "no lineage", traceback: [] },
        },
      ],
      { status: "error", ename: "ReplabError", evalue: "no lineage", traceback: [] },
    );
    expect(await runExport(kernel, "x")).toEqual({
      ok: false,
      dir: "x",
      message: "ReplabError: no lineage",
    });
  });
});
