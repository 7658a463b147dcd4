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

/** Default export directory for a notebook path: export/<notebook name without .ipynb>. */
export function defaultExportDir(notebookPath: string): string {
  const base = notebookPath.split("/").pop() ?? "notebook";
  const name = base.replace(/\.ipynb$/i, "").replace(/[^\w.-]+/g, "-") || "notebook";
  return `export/${name}`;
}

/** Quotes a directory for the magic line when it holds spaces or quotes. */
export function magicLine(dir: string): string {
  const arg = /^[\w./-]+$/.test(dir) ? dir : JSON.stringify(dir);
  return `%repro export ${arg}`;
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
export async function runExport(kernel: ExecuteKernel, dir: string): Promise<ExportResult> {
  const future = kernel.requestExecute(
    { code: magicLine(dir), silent: true, store_history: false, allow_stdin: false },
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
