/**
 * The send queue on a real ZeroMQ XPUB with noDrop, as iopub is, and a subscriber with small
 * queues: a subscriber that reads late gets every message in order; one that never reads
 * stalls the queue only for the stall limit, and gets messages again once it reads.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Subscriber, XPublisher } from "zeromq";
import { SendQueue } from "../../kernel/send-queue.js";

const HWM = 20;
const open: { close(): void }[] = [];

afterEach(() => {
  for (const socket of open.splice(0)) socket.close();
});

/** An XPUB (as iopub) and a subscriber to it, both with HWM-message queues, connected. */
async function pair(): Promise<{ pub: XPublisher; sub: Subscriber }> {
  const pub = new XPublisher({ noDrop: true, sendHighWaterMark: HWM });
  // A receive fails after 500 ms with nothing to read: readAll ends instead of hanging.
  const sub = new Subscriber({ receiveHighWaterMark: HWM, receiveTimeout: 500 });
  open.push(pub, sub);
  await pub.bind("tcp://127.0.0.1:*");
  sub.connect(pub.lastEndpoint ?? "");
  sub.subscribe();
  // The subscription reaches the XPUB, which reads it: then the subscriber is connected.
  await pub.receive();
  return { pub, sub };
}

/** Message frames numbered `i`, big enough that the socket buffers fill quickly. */
const frames = (i: number): Buffer[] => [Buffer.from(`${i}:`.padEnd(4096, "x"))];

/** The numbers of the messages the subscriber can read, up to `count`, until 500 ms of quiet. */
async function readAll(sub: Subscriber, count: number): Promise<number[]> {
  const seen: number[] = [];
  while (seen.length < count) {
    try {
      const [frame] = await sub.receive();
      seen.push(Number(String(frame).split(":")[0]));
    } catch (error) {
      if ((error as { code?: string }).code === "EAGAIN") break;
      throw error;
    }
  }
  return seen;
}

describe("SendQueue on an XPUB with noDrop", () => {
  it("delivers every message, in order, to a subscriber that reads late", async () => {
    const { pub, sub } = await pair();
    const queue = new SendQueue(pub, "test", 5000);
    const count = 2000;
    const sent = Promise.all(Array.from({ length: count }, (_, i) => queue.send(frames(i))));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const seen = await readAll(sub, count);
    await sent;
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it("stops waiting on a subscriber that reads nothing, and delivers again once it reads", async () => {
    const { pub, sub } = await pair();
    const queue = new SendQueue(pub, "test", 100);
    const count = 2000;
    // Resolves although the subscriber reads nothing: past the stall limit, output drops.
    await Promise.all(Array.from({ length: count }, (_, i) => queue.send(frames(i))));
    const buffered = await readAll(sub, count);
    expect(buffered.length).toBeGreaterThan(0);
    expect(buffered.length).toBeLessThan(count);
    // The subscriber has drained its queues: the next message goes through.
    await queue.send(frames(count));
    expect(await readAll(sub, 1)).toEqual([count]);
  });
});
