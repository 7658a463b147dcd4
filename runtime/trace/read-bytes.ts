/**
 * Whole-file reads hashed from the bytes the call returned, not from the file afterwards: a
 * cell that reads a file and then rewrites it must be recorded with what it read. The
 * original is called without an encoding so the exact bytes are seen, and the result is
 * decoded as Node would have (Buffer#toString is what readFile does with an encoding).
 * Streams are hashed chunk by chunk as they are pushed to the reader.
 */
import { createHash } from "node:crypto";
import type { ReadStream } from "node:fs";
import type { FileHash } from "../hashing/sha256.js";
import type { OriginalCall } from "./patch.js";

/** Receives the hash of exactly what one read returned; undefined when it returned no bytes. */
export type BytesSeen = (hash: FileHash | undefined) => void;

type Options = unknown;

/** The requested encoding when it is one Buffer can decode; undefined for raw bytes. */
function encodingOf(options: Options): BufferEncoding | undefined {
  const encoding =
    typeof options === "string"
      ? options
      : typeof options === "object" && options !== null
        ? (options as { encoding?: unknown }).encoding
        : undefined;
  return typeof encoding === "string" && encoding !== "buffer" && Buffer.isEncoding(encoding)
    ? encoding
    : undefined;
}

/** The same options asking for a Buffer. */
function asBuffer(options: Options): Options {
  if (typeof options === "string") return undefined;
  return { ...(options as object), encoding: null };
}

function digest(bytes: Uint8Array): FileHash {
  return { sha256: createHash("sha256").update(bytes).digest("hex"), bytes: bytes.length };
}

/** What the caller asked for: the bytes decoded when it named an encoding. */
function decoded(data: unknown, encoding: BufferEncoding | undefined): unknown {
  return encoding !== undefined && Buffer.isBuffer(data) ? data.toString(encoding) : data;
}

function report(value: unknown, seen: BytesSeen): void {
  seen(value instanceof Uint8Array ? digest(value) : undefined);
}

/** readFileSync(path, options) with the returned bytes hashed. */
export function readSync(original: OriginalCall, args: unknown[], seen: BytesSeen): unknown {
  const encoding = encodingOf(args[1]);
  if (encoding === undefined) {
    const value = original(...args);
    report(value, seen);
    return value;
  }
  const bytes = original(args[0], asBuffer(args[1])) as Buffer;
  report(bytes, seen);
  return bytes.toString(encoding);
}

/** readFile(path, [options], callback) with the bytes hashed before the callback sees them. */
export function readCallback(original: OriginalCall, args: unknown[], seen: BytesSeen): unknown {
  const callback = args[args.length - 1];
  if (typeof callback !== "function") return original(...args);
  const options = args.length > 2 ? args[1] : undefined;
  const encoding = encodingOf(options);
  const done = (error: unknown, data: unknown): void => {
    report(error === null || error === undefined ? data : undefined, seen);
    (callback as (e: unknown, d: unknown) => void)(error, decoded(data, encoding));
  };
  const passed = encoding !== undefined ? asBuffer(options) : options;
  return args.length > 2 ? original(args[0], passed, done) : original(args[0], done);
}

/** fs.promises.readFile(path, options) with the bytes hashed before the caller sees them. */
export function readPromise(original: OriginalCall, args: unknown[], seen: BytesSeen): unknown {
  const encoding = encodingOf(args[1]);
  const passed = encoding !== undefined ? [args[0], asBuffer(args[1])] : args;
  return (original(...passed) as Promise<unknown>).then((data) => {
    report(data, seen);
    return decoded(data, encoding);
  });
}

/**
 * Hash what a read stream hands its reader. Only a stream read to its end is a whole-file
 * read; one closed early reports nothing here (the caller falls back to hashing the file).
 */
export function tapStream(stream: ReadStream, seen: BytesSeen): void {
  const hash = createHash("sha256");
  let bytes = 0;
  const push = stream.push.bind(stream);
  stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (chunk === null) seen({ sha256: hash.digest("hex"), bytes });
    else if (chunk instanceof Uint8Array) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    return push(chunk, encoding);
  };
}

/** The hash of one read's bytes, once the read has returned them. */
export class PendingRead {
  /** Resolves with the bytes' hash, or undefined when they were not all seen. */
  readonly hash: Promise<FileHash | undefined>;
  private settle!: (hash: FileHash | undefined) => void;

  constructor() {
    this.hash = new Promise((resolve) => (this.settle = resolve));
  }

  /** The read returned these bytes. */
  readonly seen: BytesSeen = (hash) => this.settle(hash);

  /** Give up waiting (the read failed, or a stream was not read to its end in time). */
  abandon(): void {
    this.settle(undefined);
  }
}
