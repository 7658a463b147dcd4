/**
 * Collects what a running cell sends to its OutputSink as nbformat outputs, following
 * Jupyter's front-end rules: consecutive stream text of the same name merges into one
 * output, update_display_data replaces every earlier output with the same display id,
 * clear_output(wait) clears when the next output arrives.
 */
import { toWireJson } from "../display/wire-json.js";
import { ReplabError } from "../errors.js";
import { splitLines, type Output } from "../notebook/types.js";
import type {
  ExecuteResultValue,
  MimeBundle,
  OutputMetadata,
  OutputSink,
} from "../session/types.js";

interface Entry {
  output: Output;
  /** Display id the output was shown with; transient, never saved. */
  displayId: string | undefined;
  text: string;
}

/** An OutputSink that builds a cell's nbformat outputs. */
export class NotebookOutputSink implements OutputSink {
  private entries: Entry[] = [];
  private clearPending = false;
  /** Where the cell's reply ended: its result or error goes here, before what its timers print later. */
  private replyAt: number | undefined;

  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.flushClear();
    const last = this.entries.at(-1);
    const merges = this.replyAt === undefined || this.entries.length > this.replyAt;
    if (merges && last?.output.output_type === "stream" && last.output.name === name) {
      last.text += text;
      return;
    }
    this.entries.push({
      output: { output_type: "stream", name, text: "" },
      displayId: undefined,
      text,
    });
  }

  display(
    shown: MimeBundle,
    metadata: OutputMetadata,
    displayId: string | undefined,
    update: boolean,
  ): void {
    // Wire JSON now, as the kernel's engine posts a display: the notebook stores what the cell
    // showed (a value it changes afterwards shows as it was), and a BigInt or a revoked Proxy
    // in it cannot break writing the notebook.
    const data = toWireJson(shown) as MimeBundle;
    if (update) {
      // An update changes earlier outputs in place and never adds one (Jupyter's rule).
      for (const entry of this.entries) {
        if (entry.displayId === displayId && entry.output.output_type === "display_data") {
          entry.output = { output_type: "display_data", data, metadata };
        }
      }
      return;
    }
    this.flushClear();
    this.entries.push({
      output: { output_type: "display_data", data, metadata },
      displayId,
      text: "",
    });
  }

  clearOutput(wait: boolean): void {
    if (wait) this.clearPending = true;
    else this.entries = [];
  }

  input(_prompt: string, _password: boolean): Promise<string> {
    return Promise.reject(
      new ReplabError(
        "stdin-not-allowed",
        "input() is not available in a headless run: pass values with -p NAME=VALUE",
      ),
    );
  }

  /**
   * The cell's code has finished: its result or error, added later, goes here, and what
   * arrives from now on (its timers, README "Late output") comes after them.
   */
  markReply(): void {
    this.replyAt = this.entries.length;
  }

  /** Add the cell's result as execute_result. */
  result(value: ExecuteResultValue, executionCount: number): void {
    this.flushClear();
    this.add({
      output: {
        output_type: "execute_result",
        execution_count: executionCount,
        data: value.data,
        metadata: value.metadata,
      },
      displayId: undefined,
      text: "",
    });
  }

  /** Add an error output. */
  error(ename: string, evalue: string, traceback: string[]): void {
    this.flushClear();
    this.add({
      output: { output_type: "error", ename, evalue, traceback },
      displayId: undefined,
      text: "",
    });
  }

  /** The outputs as nbformat stores them (stream text as a list of lines). */
  outputs(): Output[] {
    return this.entries.map((e) =>
      e.output.output_type === "stream" ? { ...e.output, text: splitLines(e.text) } : e.output,
    );
  }

  /** Everything the cell wrote to stdout, in order. */
  stdout(): string {
    return this.entries
      .filter((e) => e.output.output_type === "stream" && e.output.name === "stdout")
      .map((e) => e.text)
      .join("");
  }

  /** The reply's own output: at the reply mark when there is one, else last. */
  private add(entry: Entry): void {
    if (this.replyAt === undefined || this.replyAt > this.entries.length) {
      this.entries.push(entry);
      return;
    }
    this.entries.splice(this.replyAt, 0, entry);
    this.replyAt++;
  }

  private flushClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.entries = [];
  }
}
