/** The protocol process checks each engine message at the boundary: a garbled one is named, not trusted. */
import { describe, expect, it } from "vitest";
import { readEngineMessage } from "../../kernel/engine-message.js";

describe("readEngineMessage", () => {
  it.each([
    ["a string (what a cell's toJSON made of the message)", "proto", /a string, not an object/],
    ["null", null, /^null, not an object/],
    ["an array", [1], /^an array, not an object/],
    ["an unknown kind", { kind: "hello" }, /kind "hello" is not one the kernel knows/],
    ["no kind", { id: 1 }, /kind \(missing\)/],
    ["a reply without an id", { kind: "reply", result: 1 }, /"reply" message without the fields/],
    ["an output without its output", { kind: "output", executeId: 1 }, /"output" message/],
  ])("names %s as unreadable", (_, raw, why) => {
    const read = readEngineMessage(raw);
    expect(read.kind).toBe("unreadable");
    expect(read.kind === "unreadable" && read.why).toMatch(why);
  });

  it("passes the messages the engine sends", () => {
    for (const message of [
      { kind: "reply", id: 3, result: { status: "ok" } },
      { kind: "failed", id: 3, ename: "Error", evalue: "no" },
      { kind: "output", executeId: 2, output: { type: "stream", name: "stdout", text: "x" } },
      { kind: "input_request", id: 1, executeId: 2, prompt: "? ", password: false },
      { kind: "lineage_changed", graph: { cells: [] } },
      { kind: "close" },
    ])
      expect(readEngineMessage(message)).toBe(message);
  });
});
