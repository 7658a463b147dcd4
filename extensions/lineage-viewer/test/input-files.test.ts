import { createHash } from "node:crypto";
import type { Contents } from "@jupyterlab/services";
import { describe, expect, it } from "vitest";
import { GraphIndex } from "../src/graph.js";
import {
  InputFileChecker,
  MAX_HASH_BYTES,
  serverPath,
  type ContentsReader,
} from "../src/input-files.js";
import { sampleGraph } from "./fixtures.js";

describe("serverPath", () => {
  it("resolves a path relative to the notebook's folder on the server", () => {
    expect(serverPath("work/nb.ipynb", "data/a.csv")).toBe("work/data/a.csv");
    expect(serverPath("nb.ipynb", "./a.csv")).toBe("a.csv");
    expect(serverPath("work/sub/nb.ipynb", "../a.csv")).toBe("work/a.csv");
  });

  it("gives up on paths the server cannot show", () => {
    expect(serverPath("nb.ipynb", "../outside.csv")).toBeNull();
    expect(serverPath("nb.ipynb", "/etc/passwd")).toBeNull();
  });
});

/** A contents service over an in-memory folder, counting downloads. */
function folder(files: Map<string, { text: string; modified: string; size?: number }>) {
  const calls = { downloads: 0 };
  const reader: ContentsReader = {
    get: async (path: string, options?: Contents.IFetchOptions) => {
      const f = files.get(path);
      if (!f) throw new Error(`Invalid response: 404 Not Found`);
      if (options?.content) calls.downloads++;
      return {
        name: path,
        path,
        type: "file",
        writable: true,
        created: f.modified,
        last_modified: f.modified,
        mimetype: "text/plain",
        format: options?.content ? "base64" : null,
        size: f.size ?? f.text.length,
        content: options?.content ? Buffer.from(f.text).toString("base64") : null,
      } as Contents.IModel;
    },
  };
  return { reader, calls };
}

describe("InputFileChecker", () => {
  const index = new GraphIndex(sampleGraph());

  it("hashes each file a cell reads, again only when its time or size changed", async () => {
    const files = new Map([["data.csv", { text: "a,b\n1,2\n", modified: "t1" }]]);
    const { reader, calls } = folder(files);
    const checker = new InputFileChecker(reader);
    const sha = createHash("sha256").update("a,b\n1,2\n").digest("hex");
    expect(await checker.check(index, "nb.ipynb")).toEqual(new Map([["file:data.csv", sha]]));
    await checker.check(index, "nb.ipynb");
    expect(calls.downloads).toBe(1);
    files.set("data.csv", { text: "a,b\n1,3\n", modified: "t2" });
    const now = await checker.check(index, "nb.ipynb");
    expect(now.get("file:data.csv")).not.toBe(sha);
    expect(calls.downloads).toBe(2);
  });

  it("says a file that is gone is gone, and compares a huge one by size", async () => {
    const { reader } = folder(new Map());
    expect(await new InputFileChecker(reader).check(index, "nb.ipynb")).toEqual(
      new Map([["file:data.csv", ""]]),
    );
    const huge = folder(
      new Map([["data.csv", { text: "", modified: "t", size: MAX_HASH_BYTES + 1 }]]),
    );
    const result = await new InputFileChecker(huge.reader).check(index, "nb.ipynb");
    expect(result.get("file:data.csv")).toBe(`size:${MAX_HASH_BYTES + 1}`);
    expect(huge.calls.downloads).toBe(0);
  });
});
