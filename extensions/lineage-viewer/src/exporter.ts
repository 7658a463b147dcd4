/**
 * The "Export pipeline" action: runs `%repro export DIR` in the kernel as a silent
 * execute_request and reports what the magic said. No DOM, so it is unit tested with a
 * fake kernel.
 */
import type { Kernel, KernelMessage } from "@jupyterlab/services";

/** The one kernel call the export needs (a seam for tests). */
export type ExecuteKernel = Pick<Kernel.IKernelConnection, "requestExecute">;

/** What an export run came to. */
export interface ExportResult {
  ok: boolean;
  /** The directory asked for, relative to the notebook's directory. */
  dir: string;
  /** The magic's own words (stdout, result text) or the error it raised. */
  message: string;
}

/** What the export dialog asks for (the `%repro export` options). */
export interface ExportOptions {
  /** The folder, relative to the notebook's directory. */
  dir: string;
  /** Replace an earlier export in that folder (only what replab wrote is ever replaced). */
  force: boolean;
  /** Copy the data files the cells read into the folder. */
  includeData: boolean;
  /** Export only this cell id or variable and what it depends on; "" for the whole notebook. */
  target: string;
}

/** Default export directory for a notebook path: export/<notebook name without .ipynb>. */
export function defaultExportDir(notebookPath: string): string {
  const base = notebookPath.split("/").pop() ?? "notebook";
  const name = base.replace(/\.ipynb$/i, "").replace(/[^\w.-]+/g, "-") || "notebook";
  return `export/${name}`;
}

/** One magic argument, quoted when it holds spaces or quotes. */
function quote(word: string): string {
  return /^[\w./-]+$/.test(word) ? word : JSON.stringify(word);
}

/** The `%repro export` line for a folder (a string) or the dialog's options. */
export function magicLine(options: string | ExportOptions): string {
  const o =
    typeof options === "string"
      ? { dir: options, force: false, includeData: false, target: "" }
      : options;
  const words = ["%repro export", quote(o.dir)];
  if (o.target.trim() !== "") words.push("--target", quote(o.target.trim()));
  if (o.includeData) words.push("--include-data");
  if (o.force) words.push("--force");
  return words.join(" ");
}

/**
 * The export's error in words the dialog's user can act on: what was wrong with the folder
 * or target, and which option of the dialog changes it, without class names, absolute paths
 * or command-line flags. Unknown messages keep their text without the error class.
 */
export function friendlyExportError(message: string, options: ExportOptions): string {
  const dir = options.dir;
  const text = message.replace(/^\s*(ReplabError|Error)(\s*\[[\w-]+\])?:\s*/, "");
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [
      / exists; pass --force/,
      () =>
        `The folder “${dir}” already holds an export. Tick “Replace the earlier export” to overwrite it, or choose another folder.`,
    ],
    [
      /is not empty and holds no/,
      () =>
        `The folder “${dir}” holds files replab did not write, so it is never replaced. Choose a new or empty folder.`,
    ],
    [/is a file or a link/, () => `“${dir}” is a file, not a folder. Choose a folder name.`],
    [
      /replab export never writes there/,
      () =>
        `“${dir}” is the notebook's own folder or one above it. Choose a folder inside it, such as export/name.`,
    ],
    [
      /([^/\s]+) was not written by replab export, and the new export would overwrite it/,
      (m) =>
        `The folder “${dir}” holds a file of yours, ${m[1]}, where the export would write. Move it out, or choose another folder.`,
    ],
    [
      /--target (\S+) is neither/,
      (m) =>
        `Nothing is called “${m[1]}”: the target must be a cell id or a variable a cell defines. Leave it empty to export the whole notebook.`,
    ],
    [
      /no executed code cells/,
      () =>
        "Nothing to export yet: run the notebook's cells first (or save the notebook after a replab run).",
    ],
    [
      /has no replab run metadata/,
      () => "This notebook holds no replab run yet: run its cells first, then export.",
    ],
    [
      /was edited after it ran/,
      () =>
        "A cell was edited after it ran, so its output is not what its code gives. Run the stale cells (Run stale cells), then export.",
    ],
    [
      /is in the lineage but not in the notebook/,
      () => "A cell that ran was deleted from the notebook. Run the notebook again, then export.",
    ],
  ];
  for (const [pattern, say] of rules) {
    const m = pattern.exec(text);
    if (m) return say(m);
  }
  // Whatever else: no absolute paths (the folder the user typed stands for them).
  return text.replace(/(?:\/[^\s/:;,]+)+/g, (p) =>
    p.endsWith(`/${dir}`) ? dir : (p.split("/").pop() ?? p),
  );
}

/** Plain text of one iopub output message, or null for messages that carry none. */
function outputText(msg: KernelMessage.IIOPubMessage): string | null {
  switch (msg.header.msg_type) {
    case "stream":
      return (msg as KernelMessage.IStreamMsg).content.text;
    case "execute_result":
    case "display_data": {
      const data = (msg as KernelMessage.IExecuteResultMsg).content.data;
      const text = data["text/plain"];
      return typeof text === "string" ? text : null;
    }
    case "error": {
      const c = (msg as KernelMessage.IErrorMsg).content;
      return `${c.ename}: ${c.evalue}`;
    }
    default:
      return null;
  }
}

/**
 * Runs the export through the kernel. Silent so the notebook's history and execution
 * count stay as they are; the outputs still come back on this request's iopub future.
 */
export async function runExport(
  kernel: ExecuteKernel,
  options: string | ExportOptions,
): Promise<ExportResult> {
  const dir = typeof options === "string" ? options : options.dir;
  const future = kernel.requestExecute(
    { code: magicLine(options), silent: true, store_history: false, allow_stdin: false },
    true,
  );
  const texts: string[] = [];
  let errorText: string | null = null;
  future.onIOPub = (msg) => {
    const text = outputText(msg);
    if (text === null) return;
    if (msg.header.msg_type === "error") errorText = text;
    else texts.push(text);
  };
  const reply = await future.done;
  const content = reply.content;
  if (content.status === "ok") {
    const said = texts.join("").trim();
    return { ok: true, dir, message: said || `Exported the pipeline to ${dir}` };
  }
  const fromReply = content.status === "error" ? `${content.ename}: ${content.evalue}` : null;
  return {
    ok: false,
    dir,
    message: errorText ?? fromReply ?? `The export was ${content.status}`,
  };
}
