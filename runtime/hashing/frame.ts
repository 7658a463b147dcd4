/**
 * Canonical content hash of a dataframe (docs/frame-hash.md). The bytes fed to sha256 depend
 * only on the table: column names, a normalised dtype per column, and the values in row order
 * with numbers as float64, so the same table read from CSV or from JSON hashes the same.
 */
import { createHash, type Hash } from "node:crypto";

/** Objects may declare their own canonical hash (docs/style.md, practice 8). */
export const HASH_SYMBOL = Symbol.for("replab.hash");

/** What the lineage records about a frame. */
export interface FrameHash {
  sha256: string;
  rows: number;
  columns: string[];
}

/** The structural shape of a danfo.js DataFrame that the hash reads. */
interface FrameLike {
  columns: unknown[];
  shape: unknown[];
  dtypes: unknown[];
  values?: unknown;
  $data?: unknown;
}

/** A value that declares its own hash: `[Symbol.for("replab.hash")]()` returns a FrameHash. */
interface SelfHashing {
  [HASH_SYMBOL]: () => FrameHash;
}

/** True for danfo-like frames (columns, shape, dtypes, and values or $data) and self-hashing objects. */
export function isFrame(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<FrameLike & SelfHashing>;
  // Never throws: a revoked Proxy or a throwing getter is simply not a frame.
  try {
    if (typeof v[HASH_SYMBOL] === "function") return true;
    return (
      Array.isArray(v.columns) &&
      Array.isArray(v.shape) &&
      Array.isArray(v.dtypes) &&
      ("$data" in v || "values" in v)
    );
  } catch {
    return false;
  }
}

/** Hash a frame, or undefined when the value is not one (or its own hash is malformed). */
export function hashFrame(value: unknown): FrameHash | undefined {
  if (!isFrame(value)) return undefined;
  const own = (value as Partial<SelfHashing>)[HASH_SYMBOL];
  if (typeof own === "function") return checkOwn(own.call(value));
  const frame = value as FrameLike;
  const columns = frame.columns.map(String);
  const rows = rowsOf(frame);
  const encoder = new FrameEncoder();
  encoder.header(columns, frame.dtypes.map(dtypeFamily), rows.length);
  for (const row of rows) encoder.row(row, columns.length);
  return { sha256: encoder.digest(), rows: rows.length, columns };
}

function checkOwn(declared: unknown): FrameHash | undefined {
  const d = declared as Partial<FrameHash> | undefined;
  const valid =
    typeof d?.sha256 === "string" &&
    /^[0-9a-f]{64}$/.test(d.sha256) &&
    Number.isInteger(d.rows) &&
    Array.isArray(d.columns);
  return valid ? { sha256: d.sha256!, rows: d.rows!, columns: d.columns!.map(String) } : undefined;
}

/** A danfo-like frame's columns, dtype families and row-major values (what profiles read), else undefined. */
export function frameTable(
  value: unknown,
): { columns: string[]; dtypes: string[]; rows: unknown[][] } | undefined {
  if (!isFrame(value)) return undefined;
  const frame = value as FrameLike;
  if (!Array.isArray(frame.columns) || !Array.isArray(frame.dtypes)) return undefined;
  return {
    columns: frame.columns.map(String),
    dtypes: frame.dtypes.map(dtypeFamily),
    rows: rowsOf(frame),
  };
}

/** Row-major values: danfo keeps them in `$data`; `values` is the public getter. */
function rowsOf(frame: FrameLike): unknown[][] {
  const data = frame.$data ?? frame.values;
  if (!Array.isArray(data)) return [];
  return data.map((row) => (Array.isArray(row) ? row : [row]));
}

/** int32/float32/float64/int64... are one family: CSV and JSON readers disagree on width. */
export function dtypeFamily(dtype: unknown): string {
  const name = String(dtype).toLowerCase();
  if (/^(u?int|float|number|double)/.test(name)) return "number";
  if (name.startsWith("bool")) return "boolean";
  if (name === "string" || name === "object" || name === "str") return "string";
  if (name.startsWith("date")) return "datetime";
  return name;
}

const TAG = { null: 0, number: 1, string: 2, true: 3, false: 4, bigint: 5, other: 6 } as const;
const BUFFER_SIZE = 1 << 16;

/** Buffers encoded values and flushes them into sha256 in 64 KiB blocks. */
class FrameEncoder {
  private readonly hash: Hash = createHash("sha256");
  private readonly buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  private used = 0;

  header(columns: string[], dtypes: string[], rows: number): void {
    this.text("replab.frame/1");
    this.u32(columns.length);
    this.u32(rows);
    columns.forEach((name, i) => {
      this.text(name);
      this.text(dtypes[i] ?? "unknown");
    });
  }

  row(row: unknown[], width: number): void {
    for (let i = 0; i < width; i++) this.value(row[i]);
  }

  digest(): string {
    this.flush();
    return this.hash.digest("hex");
  }

  private value(v: unknown): void {
    if (typeof v === "number") return this.number(v);
    if (typeof v === "string") return this.tagged(TAG.string, v);
    if (v === null || v === undefined) return this.byte(TAG.null);
    if (typeof v === "boolean") return this.byte(v ? TAG.true : TAG.false);
    if (typeof v === "bigint") return this.tagged(TAG.bigint, v.toString());
    if (v instanceof Date) return this.tagged(TAG.string, dateText(v));
    this.tagged(TAG.other, JSON.stringify(v) ?? String(v));
  }

  /** NaN is a missing value (danfo's own convention); -0 is 0; everything else is float64 BE. */
  private number(n: number): void {
    if (Number.isNaN(n)) return this.byte(TAG.null);
    this.room(9);
    this.buffer[this.used++] = TAG.number;
    this.buffer.writeDoubleBE(n === 0 ? 0 : n, this.used);
    this.used += 8;
  }

  private tagged(tag: number, s: string): void {
    this.byte(tag);
    this.text(s);
  }

  /** u32 byte length, then UTF-8 bytes. */
  private text(s: string): void {
    const length = Buffer.byteLength(s, "utf8");
    this.u32(length);
    if (length > BUFFER_SIZE - this.used) this.flush();
    if (length > BUFFER_SIZE) {
      this.hash.update(s, "utf8");
      return;
    }
    this.used += this.buffer.write(s, this.used, "utf8");
  }

  private u32(n: number): void {
    this.room(4);
    this.buffer.writeUInt32BE(n, this.used);
    this.used += 4;
  }

  private byte(b: number): void {
    this.room(1);
    this.buffer[this.used++] = b;
  }

  private room(n: number): void {
    if (this.used + n > BUFFER_SIZE) this.flush();
  }

  private flush(): void {
    if (this.used > 0) this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** A date is hashed as the ISO string a JSON writer would have produced for it. */
function dateText(d: Date): string {
  return Number.isNaN(d.getTime()) ? "Invalid Date" : d.toISOString();
}
