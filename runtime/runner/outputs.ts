/**
 * Collects what a running cell sends to its OutputSink as nbformat outputs, following
 * Jupyter's front-end rules: consecutive stream text of the same name merges into one
 * output, update_display_data replaces every earlier output with the same display id,
 * clear_output(wait) clears when the next output arrives.
 */
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

  stream(name: "stdout" | "stderr", text: string): void {
    if (text === "") return;
    this.flushClear();
    const last = this.entries.at(-1);
    if (last !== undefined && last.output.output_type === "stream" && last.output.name === name) {
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
    data: MimeBundle,
    metadata: OutputMetadata,
    displayId: string | undefined,
    update: boolean,
  ): void {
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

  /** Add the cell's result as execute_result. */
  result(value: ExecuteResultValue, executionCount: number): void {
    this.flushClear();
    this.entries.push({
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
    this.entries.push({
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

  private flushClear(): void {
    if (!this.clearPending) return;
    this.clearPending = false;
    this.entries = [];
  }
}
