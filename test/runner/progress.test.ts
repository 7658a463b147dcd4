/** What `replab run` shows while it works: one updating line on a terminal, plain lines elsewhere. */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as capture from "../../runtime/executor/capture.js";
import { createProgress } from "../../runtime/runner/progress.js";

const written: string[] = [];
vi.spyOn(capture, "writeRealStderr").mockImplementation((text: string) => {
  written.push(text);
});

afterEach(() => {
  written.length = 0;
});

describe("run progress", () => {
  it("prints one plain line per finished cell when stderr is not a terminal", () => {
    const progress = createProgress(false, false);
    progress.start(1, 2, "load");
    progress.finish(1, 2, "load", true, 1234);
    progress.start(2, 2, "plot");
    progress.finish(2, 2, "plot", false, 5);
    progress.done();
    expect(written).toEqual(["[1/2] load ok 1.23s\n", "[2/2] plot FAILED 0.01s\n"]);
  });

  it("redraws a single line with cell n of N and the cell id on a terminal, and clears it at the end", () => {
    const progress = createProgress(false, true);
    progress.start(3, 10, "train");
    progress.finish(3, 10, "train", true, 10);
    progress.done();
    expect(written[0]).toMatch(/^\r\x1b\[2Kcell 3 of 10 {2}train {2}\d+\.\d\ds$/);
    expect(written.every((w) => !w.includes("\n"))).toBe(true);
    expect(written.at(-1)).toBe("\r\x1b[2K");
  });

  it("prints nothing with --quiet", () => {
    const progress = createProgress(true, true);
    progress.start(1, 1, "x");
    progress.finish(1, 1, "x", true, 1);
    progress.done();
    expect(written).toEqual([]);
  });
});
