/** kernel/wire.ts: framing with identities, verification, replay, malformed input. */
import { describe, expect, it } from "vitest";
import { isKernelError, type KernelErrorCode } from "../../kernel/errors.js";
import { createMessage, createReply } from "../../kernel/messages.js";
import { ReplayGuard, Signer } from "../../kernel/signing.js";
import { DELIMITER, decode, encode } from "../../kernel/wire.js";
import { HEADER, KEY, SHA256, frames, parts } from "./fixtures.js";

const signer = (): Signer => new Signer("hmac-sha256", KEY);

/** The KernelError code decode throws, or undefined when it accepts the frames. */
function rejection(
  input: Buffer[],
  s = signer(),
  replays = new ReplayGuard(),
): KernelErrorCode | undefined {
  try {
    decode(input, s, replays);
    return undefined;
  } catch (error) {
    if (!isKernelError(error)) throw error;
    return error.code;
  }
}

describe("decode", () => {
  it("splits routing identities from the message and keeps extra buffers", () => {
    const extra = Buffer.from([0, 1, 2, 255]);
    const incoming = decode(
      frames(SHA256, { identities: ["router-a", "router-b"], buffers: [extra] }),
      signer(),
      new ReplayGuard(),
    );
    expect(incoming.identities.map((b) => b.toString())).toEqual(["router-a", "router-b"]);
    expect(incoming.message.header).toEqual(JSON.parse(HEADER));
    expect(incoming.message.parent_header).toEqual({});
    expect(incoming.message.content).toEqual({});
    expect(incoming.message.buffers.map((b) => Buffer.from(b))).toEqual([extra]);
  });

  it("accepts a message with no identities (a DEALER that sent none)", () => {
    const incoming = decode(frames(SHA256), signer(), new ReplayGuard());
    expect(incoming.identities).toEqual([]);
    expect(incoming.message.header.msg_type).toBe("kernel_info_request");
  });

  it("rejects a tampered byte anywhere in the signed parts", () => {
    for (let part = 0; part < 4; part++) {
      const input = frames(SHA256);
      const at = input.indexOf(DELIMITER) + 2 + part;
      // Copy before flipping: the fixture's buffers are shared by every frames() call.
      input[at] = Buffer.from(input[at]!);
      input[at]![part === 0 ? 12 : 0] ^= 0x20;
      expect(rejection(input)).toBe("signature-invalid");
    }
  });

  it("rejects a message signed with another key", () => {
    const forged = new Signer("hmac-sha256", "not-the-key").sign(parts());
    expect(rejection(frames(forged))).toBe("signature-invalid");
  });

  it("rejects an unsigned message when a key is set", () => {
    expect(rejection(frames(""))).toBe("signature-missing");
  });

  it("rejects a replay of a valid message", () => {
    const replays = new ReplayGuard();
    expect(rejection(frames(SHA256, { identities: ["a"] }), signer(), replays)).toBeUndefined();
    // Same signed bytes from another peer identity is still a replay.
    expect(rejection(frames(SHA256, { identities: ["b"] }), signer(), replays)).toBe(
      "signature-replayed",
    );
  });

  it("with an empty key accepts unsigned messages, repeatedly", () => {
    const s = new Signer("hmac-sha256", "");
    const replays = new ReplayGuard();
    expect(rejection(frames(""), s, replays)).toBeUndefined();
    expect(rejection(frames(""), s, replays)).toBeUndefined();
  });

  it("rejects frames with no delimiter", () => {
    const input = frames(SHA256).filter((f) => !f.equals(DELIMITER));
    expect(rejection(input)).toBe("frames-malformed");
    expect(rejection([])).toBe("frames-malformed");
  });

  it("rejects a message missing any of the five frames after the delimiter", () => {
    const full = frames(SHA256, { identities: ["id"] });
    for (let keep = 1; keep < full.length - 1; keep++) {
      expect(rejection(full.slice(0, keep + 1))).toBe("frames-malformed");
    }
  });

  it("rejects signed parts that are not JSON, naming json-invalid", () => {
    const badHeader = "{not json";
    const s = signer();
    const sig = s.sign(parts(badHeader));
    expect(rejection(frames(sig, { header: badHeader }), s)).toBe("json-invalid");
  });

  it("rejects a header without msg_id, msg_type or session", () => {
    for (const field of ["msg_id", "msg_type", "session"]) {
      const header = JSON.parse(HEADER) as Record<string, unknown>;
      delete header[field];
      const text = JSON.stringify(header);
      const s = signer();
      expect(rejection(frames(s.sign(parts(text)), { header: text }), s)).toBe("message-invalid");
    }
  });

  it("rejects parts that are JSON but not objects", () => {
    for (const header of ["[]", "null", '"header"', "42"]) {
      const s = signer();
      expect(rejection(frames(s.sign(parts(header)), { header }), s)).toBe("message-invalid");
    }
  });

  it("checks the signature before parsing, so a forged message is never parsed", () => {
    // Invalid JSON with a wrong signature reports the signature, not the JSON.
    expect(rejection(frames(SHA256, { header: "{not json" }))).toBe("signature-invalid");
  });
});

describe("encode", () => {
  it("writes identities, delimiter, signature, the four parts and buffers, and decodes back", () => {
    const s = signer();
    const request = decode(frames(SHA256, { identities: ["peer"] }), s, new ReplayGuard());
    const reply = createReply(
      request.message as Parameters<typeof createReply>[0],
      { status: "ok" } as never,
      "kernel-session",
    );
    reply.buffers = [Uint8Array.from([9, 8, 7])];
    const out = encode(reply, request.identities, s);
    expect(out[0]!.toString()).toBe("peer");
    expect(out[1]!.equals(DELIMITER)).toBe(true);
    expect(out[2]!.toString()).toBe(s.sign(out.slice(3, 7)));
    expect(out.slice(7)).toEqual([Buffer.from([9, 8, 7])]);

    const back = decode(out, s, new ReplayGuard());
    expect(back.identities.map((b) => b.toString())).toEqual(["peer"]);
    expect(back.message.header.msg_type).toBe("kernel_info_reply");
    expect(back.message.parent_header).toEqual(JSON.parse(HEADER));
  });

  it("sends an empty signature frame when signing is off", () => {
    const s = new Signer("hmac-sha256", "");
    const out = encode(createMessage("status", { execution_state: "idle" }, "k"), [], s);
    expect(out[0]!.equals(DELIMITER)).toBe(true);
    expect(out[1]!.length).toBe(0);
  });
});
