/**
 * HMAC signing of Jupyter messages, computed over the exact bytes received (never a
 * re-serialisation), compared in constant time, with a bounded history that rejects replays.
 */
import { createHmac, getHashes, timingSafeEqual } from "node:crypto";
import { KernelError } from "./errors.js";

export class Signer {
  private readonly algorithm: string | undefined;

  /** An empty key disables signing, as the protocol specifies. */
  constructor(
    scheme: string,
    private readonly key: string,
  ) {
    const algorithm = scheme.replace(/^hmac-/, "");
    if (key !== "" && !getHashes().includes(algorithm)) {
      throw new KernelError(
        "connection-invalid",
        `signature_scheme ${scheme} names an unknown hash`,
      );
    }
    this.algorithm = key === "" ? undefined : algorithm;
  }

  get enabled(): boolean {
    return this.algorithm !== undefined;
  }

  /** Hex digest over header, parent, metadata and content frames. */
  sign(parts: readonly Uint8Array[]): string {
    if (this.algorithm === undefined) return "";
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest("hex");
  }

  /** True when `signature` (hex, as received) matches the parts. */
  verify(signature: Uint8Array, parts: readonly Uint8Array[]): boolean {
    if (this.algorithm === undefined) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Remembers recent signatures; a message whose signature was seen before is a replay. */
export class ReplayGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly capacity = 65_536) {}

  /** Record a signature; false when it was already recorded. */
  admit(signature: string): boolean {
    if (signature === "") return true;
    if (this.seen.has(signature)) return false;
    this.seen.add(signature);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }
}
