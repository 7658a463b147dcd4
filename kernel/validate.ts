/** Boundary checks: after these, handlers trust the message types (docs/style.md, practice 3). */
import { KernelError } from "./errors.js";
import type { Message, RequestContent, RequestType } from "./messages.js";

/** A JSON object (not null, not an array). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The envelope: a header with the fields every message has, and object parts. */
export function assertMessage(value: {
  header: unknown;
  parent_header: unknown;
  metadata: unknown;
  content: unknown;
  buffers: Uint8Array[];
}): asserts value is Message<string, unknown> {
  const { header } = value;
  if (!isObject(header)) throw new KernelError("message-invalid", "header is not an object");
  for (const field of ["msg_id", "msg_type", "session"] as const) {
    if (typeof header[field] !== "string")
      throw new KernelError("message-invalid", `header.${field} is missing`);
  }
  if (!isObject(value.parent_header))
    throw new KernelError("message-invalid", "parent_header is not an object");
  if (!isObject(value.metadata))
    throw new KernelError("message-invalid", "metadata is not an object");
  if (!isObject(value.content))
    throw new KernelError("message-invalid", "content is not an object");
}

type Check = (c: Record<string, unknown>) => string | undefined;

const str =
  (field: string): Check =>
  (c) =>
    typeof c[field] === "string" ? undefined : `${field} must be a string`;
const int =
  (field: string): Check =>
  (c) =>
    Number.isInteger(c[field]) && (c[field] as number) >= 0
      ? undefined
      : `${field} must be a non-negative integer`;
const bool =
  (field: string): Check =>
  (c) =>
    c[field] === undefined || typeof c[field] === "boolean"
      ? undefined
      : `${field} must be a boolean`;

const optional =
  (check: (field: string) => Check) =>
  (field: string): Check =>
  (c) =>
    c[field] === undefined ? undefined : check(field)(c);
const object =
  (field: string): Check =>
  (c) =>
    c[field] === undefined || isObject(c[field]) ? undefined : `${field} must be an object`;
const anyInt =
  (field: string): Check =>
  (c) =>
    c[field] === undefined || Number.isInteger(c[field])
      ? undefined
      : `${field} must be an integer`;

const CHECKS: Record<RequestType, Check[]> = {
  kernel_info_request: [],
  execute_request: [
    str("code"),
    bool("silent"),
    bool("store_history"),
    bool("allow_stdin"),
    bool("stop_on_error"),
    object("user_expressions"),
    (c) =>
      Object.values((c["user_expressions"] ?? {}) as object).every((v) => typeof v === "string")
        ? undefined
        : "user_expressions values must be strings",
  ],
  complete_request: [str("code"), int("cursor_pos")],
  inspect_request: [str("code"), int("cursor_pos"), anyInt("detail_level")],
  is_complete_request: [str("code")],
  history_request: [
    (c) =>
      ["range", "tail", "search"].includes(c["hist_access_type"] as string)
        ? undefined
        : "hist_access_type must be range, tail or search",
    bool("output"),
    bool("raw"),
    bool("unique"),
    optional(str)("pattern"),
    optional(int)("n"),
    anyInt("session"),
    anyInt("start"),
    anyInt("stop"),
  ],
  comm_info_request: [
    (c) => (c["target_name"] === null ? undefined : optional(str)("target_name")(c)),
  ],
  comm_open: [str("comm_id"), str("target_name"), object("data")],
  comm_msg: [str("comm_id"), object("data")],
  comm_close: [str("comm_id"), object("data")],
  shutdown_request: [bool("restart")],
  interrupt_request: [],
  input_reply: [str("value")],
};

/** Whether msg_type is a request replab handles. */
export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(CHECKS, type);
}

/** Check a request's content and fill the protocol's defaults. */
export function assertRequest<T extends RequestType>(
  message: Message<string, unknown>,
  type: T,
): asserts message is Message<T, RequestContent[T]> {
  const content = message.content as Record<string, unknown>;
  for (const check of CHECKS[type]) {
    const problem = check(content);
    if (problem !== undefined) throw new KernelError("message-invalid", `${type}: ${problem}`);
  }
  if (type === "execute_request") {
    content["silent"] ??= false;
    content["store_history"] ??= !(content["silent"] as boolean);
    content["allow_stdin"] ??= true;
    content["stop_on_error"] ??= true;
    content["user_expressions"] ??= {};
  }
  if (type === "inspect_request") content["detail_level"] = content["detail_level"] === 1 ? 1 : 0;
  if (type === "comm_open" || type === "comm_msg" || type === "comm_close") content["data"] ??= {};
  if (type === "shutdown_request") content["restart"] ??= false;
  // Rust clients (runtimed's jupyter-protocol) send an absent target as null: every comm.
  if (type === "comm_info_request" && content["target_name"] === null)
    delete content["target_name"];
}
