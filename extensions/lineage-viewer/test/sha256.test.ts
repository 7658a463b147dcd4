import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../src/sha256.js";

const reference = (data: Uint8Array | string): string =>
  createHash("sha256").update(data).digest("hex");

describe("sha256Hex", () => {
  it("agrees with node:crypto at every padding boundary", () => {
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4099]) {
      const bytes = new Uint8Array(n).map((_, i) => (i * 31 + n) & 0xff);
      expect(sha256Hex(bytes), `${n} bytes`).toBe(reference(bytes));
    }
  });

  it("hashes strings as UTF-8, as the kernel hashes cell sources", () => {
    for (const s of ["", "let x = 3;", "const ü = '✓ 日本';\n", "a".repeat(300)]) {
      expect(sha256Hex(s)).toBe(reference(s));
    }
  });
});
