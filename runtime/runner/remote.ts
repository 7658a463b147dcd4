/**
 * `replab run --server URL --token T`: the same runner, driving a kernel on a Jupyter Server
 * or Enterprise Gateway through @jupyterlab/services (how teams run kernels on clusters).
 * The remote kernel gets the notebook's cell ids in the execute request's metadata (as
 * JupyterLab sends them); lineage comes from the kernel's `replab.lineage` comm (replab
 * kernels); other kernels give an empty graph.
 */
import { ReplabError } from "../errors.js";
import { LINEAGE_COMM_TARGET, LINEAGE_SCHEMA, type LineageGraph } from "../lineage/types.js";
import type {
  CellEngine,
  CellError,
  ExecuteOutcome,
  ExecuteRequest,
  OutputSink,
} from "../session/types.js";

type Services = typeof import("@jupyterlab/services");
type Kernel = import("@jupyterlab/services").Kernel.IKernelConnection;
type IOPub = import("@jupyterlab/services").KernelMessage.IIOPubMessage;

/** The part of CellEngine the runner uses, backed by a remote kernel. */
export type RemoteEngine = Pick<CellEngine, "execute" | "interrupt" | "lineage" | "dispose">;

/** Start `kernelName` on the server at `url` and wrap it as an engine. */
export async function connectRemote(
  url: string,
  token: string,
  kernelName: string,
  seed: number,
): Promise<RemoteEngine> {
  const services = await loadServices();
  const { default: WebSocket } = await import("ws");
  const serverSettings = services.ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, "ws"),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const manager = new services.KernelManager({ serverSettings });
  const kernel = await manager.startNew({ name: kernelName }).catch((cause: unknown) => {
    manager.dispose();
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new ReplabError("usage", `cannot start kernel ${kernelName} on ${url}: ${detail}`, {
      cause,
    });
  });
  let lineage: LineageGraph = { schema: LINEAGE_SCHEMA, seed, nodes: [], edges: [] };
  // replab's kernel answers a frontend-opened comm and sends the graph after every execution.
  const comm = kernel.createComm(LINEAGE_COMM_TARGET);
  comm.onMsg = (msg) => {
    const graph = (msg.content.data as { graph?: LineageGraph }).graph;
    if (graph?.schema === LINEAGE_SCHEMA) lineage = graph;
  };
  if (kernelName.startsWith("replab")) await comm.open({}).done;
  // A replab kernel takes the run's seed through its magic (a silent request: no execution count).
  if (kernelName.startsWith("replab")) {
    await kernel.requestExecute({ code: `%repro seed ${seed}`, silent: true, store_history: false })
      .done;
  }
  return {
    execute: (request, sink) => executeRemote(kernel, request, sink),
    interrupt: () => void kernel.interrupt(),
    lineage: () => lineage,
    dispose: async () => {
      await kernel.shutdown();
      manager.dispose();
    },
  };
}

async function loadServices(): Promise<Services> {
  try {
    return await import("@jupyterlab/services");
  } catch (cause) {
    throw new ReplabError(
      "usage",
      "--server needs @jupyterlab/services and ws: npm install @jupyterlab/services ws",
      { cause },
    );
  }
}

async function executeRemote(
  kernel: Kernel,
  request: ExecuteRequest,
  sink: OutputSink,
): Promise<ExecuteOutcome> {
  const content = {
    code: request.code,
    silent: false,
    store_history: true,
    allow_stdin: false,
    stop_on_error: false,
  };
  const future = kernel.requestExecute(
    content,
    true,
    request.cellId === undefined ? {} : { cellId: request.cellId },
  );
  let outcome: ExecuteOutcome | undefined;
  let error: CellError | undefined;
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === "error") error = cellError(msg.content);
    const result = forward(msg, sink);
    if (result !== undefined) outcome = result;
  };
  const reply = await future.done;
  const count = (reply.content as { execution_count?: number }).execution_count ?? 0;
  if (reply.content.status === "error") {
    // Some kernels (tslab) leave the reply's error fields empty; the iopub error has them.
    return { status: "error", executionCount: count, ...(error ?? cellError(reply.content)) };
  }
  return outcome?.status === "ok"
    ? { ...outcome, executionCount: count }
    : { status: "ok", executionCount: count, result: undefined, payload: [] };
}

function cellError(content: unknown): CellError {
  const c = content as Partial<CellError>;
  return {
    ename: c.ename ?? "Error",
    evalue: c.evalue ?? "",
    traceback: Array.isArray(c.traceback) ? c.traceback : [],
  };
}

/** Send one iopub message to the sink; an execute_result becomes the outcome's result. */
function forward(msg: IOPub, sink: OutputSink): ExecuteOutcome | undefined {
  const c = msg.content as Record<string, unknown>;
  const data = (c["data"] ?? {}) as Record<string, unknown>;
  const metadata = (c["metadata"] ?? {}) as Record<string, unknown>;
  const displayId = (c["transient"] as { display_id?: string } | undefined)?.display_id;
  // Only output messages matter here; status, execute_input, comms and errors are handled elsewhere.
  const type: string = msg.header.msg_type;
  switch (type) {
    case "stream":
      sink.stream(c["name"] === "stderr" ? "stderr" : "stdout", String(c["text"] ?? ""));
      return undefined;
    case "display_data":
      sink.display(data, metadata, displayId, false);
      return undefined;
    case "update_display_data":
      sink.display(data, metadata, displayId, true);
      return undefined;
    case "clear_output":
      sink.clearOutput(c["wait"] === true);
      return undefined;
    case "execute_result":
      return {
        status: "ok",
        executionCount: Number(c["execution_count"] ?? 0),
        result: { data, metadata },
        payload: [],
      };
    default:
      return undefined;
  }
}
