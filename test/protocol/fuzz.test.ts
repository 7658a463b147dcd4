/**
 * Bad input at the shell and control sockets: random frames, bad JSON, wrong or missing
 * HMAC, missing fields, replays of valid messages and one 50 MB content. None may run or
 * crash the kernel; afterwards it still answers a valid execute with its state intact.
 * Seeded (mulberry32) so a failure replays the same sequence.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelspecs } from "./unittest.js";
import { DELIMITER, KernelClient } from "./zmq-client.js";

const SEED = 20261124;

/** A small seeded PRNG, so the fuzz sequence is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Code that, if it ever ran, leaves a mark the final check looks for. */
const MARK = 'Reflect.set(globalThis, "fuzzRan", true)';

describe.each(["replab", "replab-js"])("fuzzing the %s kernel", (spec) => {
  let client: KernelClient;
  const sent: Record<string, number> = {};

  beforeAll(async () => {
    client = await KernelClient.start(installKernelspecs(), spec);
  }, 120_000);

  afterAll(() => client?.close());

  let counter: Buffer[] = [];

  it("defines state before the fuzz", async () => {
    const { reply } = await client.execute("const fuzzKept = 41;");
    expect(reply.content["status"]).toBe("ok");
    // A valid execute that counts its runs; the fuzz replays these exact frames.
    const parts = client.frames("execute_request", {
      code: 'Reflect.set(globalThis, "runs", (Reflect.get(globalThis, "runs") ?? 0) + 1)',
    });
    counter = client.signed(parts);
    await client.shell.send(counter);
    const id = (JSON.parse(parts[0]!.toString()) as { msg_id: string }).msg_id;
    expect((await client.reply(id)).content["status"]).toBe("ok");
    await client.iopubFor(id);
  });

  it("drops >= 1,000 bad messages on shell and control without running or crashing", async () => {
    const random = mulberry32(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const bytes = (max: number): Buffer => {
      const b = Buffer.alloc(Math.floor(random() * max));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(random() * 256);
      return b;
    };
    // Contents each request type rejects; none of them is a valid execute.
    const badContents: [string, unknown][] = [
      ["execute_request", {}],
      ["execute_request", { code: 5 }],
      ["execute_request", { code: MARK, silent: "no" }],
      ["execute_request", { code: MARK, stop_on_error: 1 }],
      ["execute_request", { code: MARK, store_history: null }],
      ["complete_request", { code: MARK }],
      ["complete_request", { code: MARK, cursor_pos: -1 }],
      ["inspect_request", { code: MARK, cursor_pos: 1.5 }],
      ["history_request", { hist_access_type: "everything" }],
      ["comm_open", { comm_id: 7, target_name: "replab.lineage" }],
      ["is_complete_request", {}],
      ["shutdown_request", { restart: "yes" }],
    ];

    // Each generator makes one bad multipart message. Every message carrying code that
    // would run carries MARK, so "never ran" is observable.
    const generators: Record<string, () => Buffer[]> = {
      // At least one frame: ZeroMQ has no empty multipart message, zeromq.js sends nothing.
      "random frames": () => Array.from({ length: 1 + Math.floor(random() * 8) }, () => bytes(64)),
      "random frames after a delimiter": () => [
        DELIMITER,
        ...Array.from({ length: Math.floor(random() * 7) }, () => bytes(64)),
      ],
      "bad JSON, validly signed": () => {
        const parts = client.frames("execute_request", { code: MARK });
        const i = Math.floor(random() * 4);
        parts[i] = Buffer.concat([
          parts[i]!.subarray(0, Math.floor(random() * parts[i]!.length)),
          bytes(4),
        ]);
        return client.signed(parts);
      },
      "invalid UTF-8, validly signed": () =>
        client.signed([
          Buffer.from([0xff, 0xfe, 0x7b]),
          Buffer.from("{}"),
          Buffer.from("{}"),
          Buffer.from("{}"),
        ]),
      "wrong HMAC": () => {
        const parts = client.frames("execute_request", { code: MARK });
        return [DELIMITER, Buffer.from(randomBytes(32).toString("hex")), ...parts];
      },
      "HMAC with a flipped byte": () => {
        const frames = client.signed(client.frames("execute_request", { code: MARK }));
        const sig = Buffer.from(frames[1]!);
        sig[Math.floor(random() * sig.length)] ^= 0x01;
        frames[1] = sig;
        return frames;
      },
      "missing HMAC": () => [
        DELIMITER,
        Buffer.alloc(0),
        ...client.frames("execute_request", { code: MARK }),
      ],
      "signed, then a part tampered": () => {
        const frames = client.signed(client.frames("execute_request", { code: "1" }));
        frames[5] = Buffer.from(JSON.stringify({ code: MARK }));
        return frames;
      },
      "missing frames": () =>
        client
          .signed(client.frames("execute_request", { code: MARK }))
          .slice(0, 1 + Math.floor(random() * 5)),
      "header missing a field": () => {
        const field = pick(["msg_id", "msg_type", "session"]);
        return client.signed(
          client.frames("execute_request", { code: MARK }, { [field]: undefined }),
        );
      },
      "header field of the wrong type": () =>
        client.signed(
          client.frames(
            "execute_request",
            { code: MARK },
            { [pick(["msg_id", "msg_type", "session"])]: pick([1, null, [], {}]) },
          ),
        ),
      "content missing or mistyped fields": () => {
        const [type, content] = pick(badContents);
        return client.signed(client.frames(type, content));
      },
      "parts that are JSON but not objects": () => {
        const parts = client.frames("execute_request", { code: MARK });
        parts[Math.floor(random() * 4)] = Buffer.from(pick(["[]", "null", "7", '"s"', "true"]));
        return client.signed(parts);
      },
      "unknown message type": () =>
        client.signed(client.frames(`fuzz_${Math.floor(random() * 1e6)}_request`, { code: MARK })),
      "replay of a valid execute": () => counter,
    };

    const names = Object.keys(generators);
    for (let i = 0; i < 1_100; i++) {
      const name = names[i % names.length]!;
      const socket = random() < 0.5 ? client.shell : client.control;
      await socket.send(generators[name]!());
      sent[name] = (sent[name] ?? 0) + 1;
    }
    // One 50 MB content: signed (so the kernel must hash and parse all of it) but with no
    // code field; no other fuzzed message is an inspect_request without code, so its log
    // line below proves the kernel got it.
    const big = client.frames("inspect_request", { padding: "x".repeat(50 * 1024 * 1024) });
    await client.shell.send(client.signed(big));
    sent["50 MB content"] = 1;

    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(1_000);
    expect(client.process.exitCode).toBeNull();
  }, 300_000);

  it("still answers a valid execute with its state intact", async () => {
    const info = await client.reply(await client.send(client.control, "kernel_info_request", {}));
    expect(info.header.msg_type).toBe("kernel_info_reply");
    const { reply, result } = await client.execute("fuzzKept + 1");
    expect(reply.content["status"]).toBe("ok");
    expect(result).toBe("42");
    // No fuzzed code ran, and the replayed execute ran only the once it was valid.
    expect((await client.execute('Reflect.has(globalThis, "fuzzRan")')).result).toBe("false");
    expect((await client.execute('Reflect.get(globalThis, "runs")')).result).toBe("1");
    expect(client.process.exitCode).toBeNull();
  }, 120_000);

  it("logged every fuzzed message as dropped (so each reached the kernel) and never the key", async () => {
    const total = Object.values(sent).reduce((a, b) => a + b, 0);
    // Drops before verification are rate-limited: a summary line counts those not logged.
    const rejected = (): number =>
      client.stderr
        .split("\n")
        .map((l) => {
          const summary = /dropped messages: (\d+) more not logged/.exec(l);
          if (summary) return Number(summary[1]);
          return /dropped|ignored unknown message type/.test(l) ? 1 : 0;
        })
        .reduce((a, b) => a + b, 0);
    // The log arrives through a pipe: wait for it, with a deadline.
    await client.waitForLog(() => rejected() >= total).catch(() => undefined);
    expect(rejected()).toBe(total);
    // Over 1,000 drops in a few seconds exceed the log's 100 lines a second.
    expect(client.stderr).toMatch(/dropped messages: \d+ more not logged/);
    expect(client.stderr).toMatch(/shell: dropped inspect_request: .*code must be a string/);
    expect(client.stderr).not.toContain(client.key);
  });
});
