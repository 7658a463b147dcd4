/**
 * Byte fixtures for the wire codec: one kernel_info_request as a frontend sends it, with
 * its HMAC computed independently (Python's hmac module), so the tests do not check the
 * codec against itself.
 */
export const KEY = "secret-key";

export const HEADER =
  '{"msg_id":"m1","msg_type":"kernel_info_request","session":"s1","username":"u","date":"2026-01-01T00:00:00Z","version":"5.3"}';

/** hmac-sha256(KEY, HEADER + "{}" + "{}" + "{}"), hex. */
export const SHA256 = "768acd471699c7d3a8c841c5be1754a88349123da1d9acb4eb130c1a4f94e89a";

/** hmac-sha512 of the same parts, hex. */
export const SHA512 =
  "abad5f2c0e542d2452b273c1e7c01433be0419481925997e61182db2957434ec03e88ac77b2d4df3f13809fe067795d2224a5020ef343952c991144199a2a149";

/** The four signed parts as bytes. */
export function parts(header = HEADER): Buffer[] {
  return [header, "{}", "{}", "{}"].map((s) => Buffer.from(s, "utf8"));
}

/** A full multipart message: identities, delimiter, signature, parts, extra buffers. */
export function frames(
  signature: string,
  options: { identities?: string[]; header?: string; buffers?: Buffer[] } = {},
): Buffer[] {
  return [
    ...(options.identities ?? []).map((id) => Buffer.from(id, "utf8")),
    Buffer.from("<IDS|MSG>", "utf8"),
    Buffer.from(signature, "utf8"),
    ...parts(options.header),
    ...(options.buffers ?? []),
  ];
}
