/** kernel/signing.ts: HMAC over exact bytes, constant-time verify, replay history. */
import { describe, expect, it } from "vitest";
import { isKernelError } from "../../kernel/errors.js";
import { ReplayGuard, Signer } from "../../kernel/signing.js";
import { KEY, SHA256, SHA512, parts } from "./fixtures.js";

describe("Signer", () => {
  it("signs header, parent, metadata and content with the connection file's scheme", () => {
    expect(new Signer("hmac-sha256", KEY).sign(parts())).toBe(SHA256);
    expect(new Signer("hmac-sha512", KEY).sign(parts())).toBe(SHA512);
  });

  it("accepts the digest a Python frontend computed", () => {
    expect(new Signer("hmac-sha256", KEY).verify(Buffer.from(SHA256), parts())).toBe(true);
  });

  it("verifies the bytes as received, not a re-serialisation of the parsed JSON", () => {
    // Same JSON value, different bytes (a space after a colon): the digest must not match.
    const reformatted = parts().map((p, i) =>
      i === 0 ? Buffer.from(p.toString().replace(":", ": ")) : p,
    );
    expect(JSON.parse(reformatted[0]!.toString())).toEqual(JSON.parse(parts()[0]!.toString()));
    expect(new Signer("hmac-sha256", KEY).verify(Buffer.from(SHA256), reformatted)).toBe(false);
  });

  it("rejects a message with any one byte changed", () => {
    const signer = new Signer("hmac-sha256", KEY);
    for (let part = 0; part < 4; part++) {
      const tampered = parts();
      tampered[part]![0] ^= 1;
      expect(signer.verify(Buffer.from(SHA256), tampered)).toBe(false);
    }
    const badSignature = Buffer.from(SHA256);
    badSignature[10] = badSignature[10] === 0x61 ? 0x62 : 0x61;
    expect(signer.verify(badSignature, parts())).toBe(false);
  });

  it("rejects a truncated, empty or upper-case signature without throwing", () => {
    const signer = new Signer("hmac-sha256", KEY);
    expect(signer.verify(Buffer.from(SHA256.slice(0, 63)), parts())).toBe(false);
    expect(signer.verify(Buffer.alloc(0), parts())).toBe(false);
    expect(signer.verify(Buffer.from(SHA256.toUpperCase()), parts())).toBe(false);
  });

  it("does not sign when the key is empty, and then accepts any signature", () => {
    const signer = new Signer("hmac-sha256", "");
    expect(signer.enabled).toBe(false);
    expect(signer.sign(parts())).toBe("");
    expect(signer.verify(Buffer.alloc(0), parts())).toBe(true);
  });

  it("refuses a scheme naming a hash Node does not have", () => {
    let thrown: unknown;
    try {
      new Signer("hmac-nosuchhash", KEY);
    } catch (error) {
      thrown = error;
    }
    expect(isKernelError(thrown, "connection-invalid")).toBe(true);
  });
});

describe("ReplayGuard", () => {
  it("admits a signature once and rejects it after", () => {
    const guard = new ReplayGuard();
    expect(guard.admit(SHA256)).toBe(true);
    expect(guard.admit(SHA256)).toBe(false);
    expect(guard.admit(SHA512)).toBe(true);
  });

  it("does not treat unsigned messages (empty key) as replays", () => {
    const guard = new ReplayGuard();
    expect(guard.admit("")).toBe(true);
    expect(guard.admit("")).toBe(true);
  });

  it("stays bounded: the oldest signature is forgotten past capacity", () => {
    const guard = new ReplayGuard(2);
    expect(guard.admit("a")).toBe(true);
    expect(guard.admit("b")).toBe(true);
    expect(guard.admit("c")).toBe(true);
    expect(guard.admit("c")).toBe(false);
    expect(guard.admit("b")).toBe(false);
    expect(guard.admit("a")).toBe(true);
  });
});
