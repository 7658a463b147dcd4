#!/usr/bin/env node
// The floor under a kernel whose cells run outside its protocol's thread (issue 12): one
// message from this process to an idle child and back over Node's IPC channel (JSON, as
// kernel/bridge.ts sends them), with a pause between round trips as between a user's cells.
// Each direction wakes a process that sleeps; what that costs is the machine's (its CPU idle
// driver, a VM's wake-up path), not replab's. Prints JSON: the round trip and the sender's own
// time in send(), medians with min and max in µs, for each pause.
import { fork } from "node:child_process";

if (process.argv[2] === "--echo") {
  process.on("message", (message) => process.send?.(message));
} else {
  const child = fork(new URL(import.meta.url).pathname, ["--echo"], { serialization: "json" });
  // The size of an execute call and of its reply for `1 + 1`.
  const message = { kind: "execute", id: 1, code: "1 + 1", silent: false, storeHistory: true };
  /** @returns {Promise<[number, number]>} round trip and send, µs */
  const trip = () =>
    new Promise((resolve) => {
      const began = process.hrtime.bigint();
      let sent = 0;
      child.once("message", () => resolve([Number(process.hrtime.bigint() - began) / 1e3, sent]));
      child.send(message);
      sent = Number(process.hrtime.bigint() - began) / 1e3;
    });
  /** @param {number[]} xs */
  const spread = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return {
      median: Number((sorted[sorted.length >> 1] ?? NaN).toFixed(1)),
      min: Number((sorted[0] ?? NaN).toFixed(1)),
      max: Number((sorted[sorted.length - 1] ?? NaN).toFixed(1)),
    };
  };
  /** @type {Record<string, unknown>} */
  const result = {};
  for (const pause of [0, 2, 10]) {
    const trips = [];
    const sends = [];
    for (let i = 0; i < 300; i++) {
      const [round, send] = await trip();
      trips.push(round);
      sends.push(send);
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause));
    }
    result[`pause_${pause}_ms`] = { round_trip_us: spread(trips), send_us: spread(sends) };
  }
  child.kill();
  console.log(JSON.stringify(result));
}
