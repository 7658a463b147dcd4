/** kernel/validate.ts: request contents are checked and defaulted before handlers see them. */
import { describe, expect, it } from "vitest";
import { isKernelError } from "../../kernel/errors.js";
import type { Message, RequestType } from "../../kernel/messages.js";
import { assertMessage, assertRequest, isRequestType } from "../../kernel/validate.js";

function request(type: string, content: Record<string, unknown>): Message<string, unknown> {
  return {
    header: { msg_id: "m", msg_type: type, session: "s", username: "u", date: "", version: "5.3" },
    parent_header: {},
    metadata: {},
    content,
    buffers: [],
  };
}

function invalid(type: RequestType, content: Record<string, unknown>): boolean {
  try {
    assertRequest(request(type, content), type);
    return false;
  } catch (error) {
    return isKernelError(error, "message-invalid");
  }
}

describe("assertMessage", () => {
  it("accepts a full envelope", () => {
    expect(() => assertMessage(request("kernel_info_request", {}))).not.toThrow();
  });

  it("rejects non-object parent_header, metadata or content with message-invalid", () => {
    for (const part of ["parent_header", "metadata", "content"] as const) {
      const m = { ...request("kernel_info_request", {}), [part]: [] as unknown };
      let thrown: unknown;
      try {
        assertMessage(m);
      } catch (error) {
        thrown = error;
      }
      expect(isKernelError(thrown, "message-invalid")).toBe(true);
    }
  });
});

describe("assertRequest", () => {
  it("knows every request replab handles and nothing else", () => {
    expect(isRequestType("execute_request")).toBe(true);
    expect(isRequestType("input_reply")).toBe(true);
    expect(isRequestType("debug_request")).toBe(false);
    expect(isRequestType("__proto__")).toBe(false);
    expect(isRequestType("toString")).toBe(false);
  });

  it("fills execute_request defaults: store_history follows silent", () => {
    const loud = request("execute_request", { code: "1" });
    assertRequest(loud, "execute_request");
    expect(loud.content).toEqual({
      code: "1",
      silent: false,
      store_history: true,
      allow_stdin: true,
      stop_on_error: true,
      user_expressions: {},
    });
    const quiet = request("execute_request", { code: "1", silent: true });
    assertRequest(quiet, "execute_request");
    expect(quiet.content.store_history).toBe(false);
  });

  it("rejects wrongly typed fields", () => {
    expect(invalid("execute_request", {})).toBe(true);
    expect(invalid("execute_request", { code: 1 })).toBe(true);
    expect(invalid("execute_request", { code: "1", silent: "no" })).toBe(true);
    expect(invalid("complete_request", { code: "x", cursor_pos: -1 })).toBe(true);
    expect(invalid("complete_request", { code: "x", cursor_pos: 1.5 })).toBe(true);
    expect(invalid("inspect_request", { code: "x" })).toBe(true);
    expect(invalid("history_request", { hist_access_type: "all" })).toBe(true);
    expect(invalid("comm_open", { comm_id: "c" })).toBe(true);
    expect(invalid("shutdown_request", { restart: "yes" })).toBe(true);
    expect(invalid("input_reply", {})).toBe(true);
  });

  it("accepts the minimal valid contents", () => {
    expect(invalid("kernel_info_request", {})).toBe(false);
    expect(invalid("complete_request", { code: "x", cursor_pos: 1 })).toBe(false);
    expect(invalid("history_request", { hist_access_type: "tail", n: 3 })).toBe(false);
    expect(invalid("comm_msg", { comm_id: "c" })).toBe(false);
    expect(invalid("shutdown_request", {})).toBe(false);
  });

  // runtimed's kernel-testbed failed comm_info_request: its client sends target_name: null.
  it("reads a null comm_info target_name as no target", () => {
    const info = request("comm_info_request", { target_name: null });
    assertRequest(info, "comm_info_request");
    expect(info.content).toEqual({});
    expect(invalid("comm_info_request", { target_name: 5 })).toBe(true);
  });
});
