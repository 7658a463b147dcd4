/**
 * The protocol thread's entry point (a worker_threads Worker started by main.ts): the
 * routing is protocol.ts, the request handlers handlers.ts, execute.ts, comm-handlers.ts
 * and stdin.ts.
 */
import { workerData } from "node:worker_threads";
import type { ProtocolData } from "./bridge.js";
import { log } from "./log.js";
import { ProtocolThread } from "./protocol.js";

const thread = new ProtocolThread(workerData as ProtocolData);
thread.start().catch((error: unknown) => {
  log(`could not start: ${(error as Error).message}`);
  void thread.close(1);
});
