#!/usr/bin/env node
// The floor under the kernel's own share of `1 + 1` (issue 12): a Jupyter kernel that does
// nothing a kernel could skip. One process, one thread, the same ZeroMQ binding as replab
// (zeromq.js), HMAC-signed messages, and for an execute_request the five messages every
// kernel sends (busy, execute_input, execute_result, the reply, idle); the code is eval'd
// in this thread, with no types, seeds, lineage, journal or isolation from the sockets.
// Whatever replab's share is above this one's is replab's own work and design.
// Usage (a kernelspec's argv): node bench/floor-kernel.mjs CONNECTION_FILE
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Publisher, Reply, Router } from "zeromq";

/** @type {{transport: string, ip: string, key: string, shell_port: number, control_port: number, iopub_port: number, hb_port: number, stdin_port: number}} */
const connection = JSON.parse(readFileSync(process.argv[2] ?? "", "utf8"));
const at = (/** @type {number} */ port) => `${connection.transport}://${connection.ip}:${port}`;
const shell = new Router();
const control = new Router();
const iopub = new Publisher();
const heartbeat = new Reply();
const stdin = new Router();
await Promise.all([
  shell.bind(at(connection.shell_port)),
  control.bind(at(connection.control_port)),
  iopub.bind(at(connection.iopub_port)),
  heartbeat.bind(at(connection.hb_port)),
  stdin.bind(at(connection.stdin_port)),
]);

const session = randomUUID();
const DELIMITER = Buffer.from("<IDS|MSG>");
const sign = (/** @type {string[]} */ parts) => {
  const hmac = createHmac("sha256", connection.key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
};
/** @param {string} type @param {unknown} content @param {unknown} parent */
const frames = (type, content, parent) => {
  const header = {
    msg_id: randomUUID(),
    session,
    username: "floor",
    date: new Date().toISOString(),
    msg_type: type,
    version: "5.3",
  };
  const parts = [JSON.stringify(header), JSON.stringify(parent), "{}", JSON.stringify(content)];
  return [DELIMITER, sign(parts), ...parts];
};
// zeromq.js takes one send at a time per socket.
let published = Promise.resolve();
/** @param {string} type @param {unknown} content @param {unknown} parent */
const publish = (type, content, parent) =>
  (published = published.then(() => iopub.send(frames(type, content, parent))));

void (async () => {
  for await (const ping of heartbeat) await heartbeat.send(ping);
})();

let count = 0;
const KERNEL_INFO = {
  status: "ok",
  protocol_version: "5.3",
  implementation: "floor",
  implementation_version: "0",
  language_info: { name: "javascript", mimetype: "text/javascript", file_extension: ".js" },
  banner: "the floor kernel (bench/floor-kernel.mjs)",
  help_links: [],
};

/** @param {string} type @param {Record<string, unknown>} content @param {unknown} header */
function answer(type, content, header) {
  if (type === "kernel_info_request") return ["kernel_info_reply", KERNEL_INFO];
  if (type === "shutdown_request")
    return ["shutdown_reply", { status: "ok", restart: content["restart"] }];
  if (type !== "execute_request") return [type.replace(/_request$/, "_reply"), { status: "ok" }];
  count++;
  void publish("execute_input", { code: content["code"], execution_count: count }, header);
  const value = (0, eval)(String(content["code"]));
  const data = { "text/plain": String(value) };
  void publish("execute_result", { execution_count: count, data, metadata: {} }, header);
  return ["execute_reply", { status: "ok", execution_count: count, user_expressions: {} }];
}

/** @param {Router} socket */
async function serve(socket) {
  for await (const message of socket) {
    const split = message.findIndex((frame) => frame.equals(DELIMITER));
    const [signature, ...parts] = message.slice(split + 1).map(String);
    if (split < 0 || parts.length < 4 || signature !== sign(parts.slice(0, 4))) continue;
    const header = JSON.parse(parts[0] ?? "{}");
    const type = String(header.msg_type);
    void publish("status", { execution_state: "busy" }, header);
    const [replyType = "", reply] = answer(type, JSON.parse(parts[3] ?? "{}"), header);
    await socket.send([...message.slice(0, split), ...frames(String(replyType), reply, header)]);
    await publish("status", { execution_state: "idle" }, header);
    if (type === "shutdown_request") {
      for (const s of [shell, control, iopub, heartbeat, stdin]) s.close();
      process.exit(0);
    }
  }
}
void serve(shell);
void serve(control);
