/**
 * Stream output coalesced as ipykernel does: writes to one stream (stdout or stderr) of one
 * execution are joined into one iopub message, sent after FLUSH_MS or once FLUSH_BYTES are
 * held, and always before any other message of the kernel (flush()), so order is kept.
 */

/** How long stream text may wait to be joined with more. */
export const FLUSH_MS = 5;
/** Held text beyond this many characters is sent at once. */
export const FLUSH_BYTES = 64 * 1024;

/** One stream message to publish. */
export interface StreamChunk {
  executeId: number | undefined;
  name: "stdout" | "stderr";
  text: string;
}

/** Joins stream writes; `send` publishes one joined chunk and is awaited in order. */
export class StreamBatcher {
  private held: StreamChunk[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (chunk: StreamChunk) => Promise<void>) {}

  /** Hold a write; consecutive writes to the same stream of the same execution are joined. */
  write(chunk: StreamChunk): void {
    const last = this.held.at(-1);
    if (last !== undefined && last.executeId === chunk.executeId && last.name === chunk.name)
      last.text += chunk.text;
    else this.held.push({ ...chunk });
    this.size += chunk.text.length;
    if (this.size >= FLUSH_BYTES) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  /** Queue everything held for sending, in order, before returning; resolves once it is sent. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.held;
    this.held = [];
    this.size = 0;
    return Promise.all(held.map((chunk) => this.send(chunk))).then(() => undefined);
  }
}
