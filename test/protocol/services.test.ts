/**
 * The path JupyterLab takes: @jupyterlab/services (with `ws` as the WebSocket) drives a
 * replab kernel through a real Jupyter Server on 127.0.0.1. A session is started for a
 * notebook in a subdirectory, so the server passes its path (JPY_SESSION_NAME) and the
 * kernel must resolve the notebook's own node_modules.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  KernelManager,
  ServerConnection,
  SessionManager,
  type Kernel,
  type KernelMessage,
  type Session,
} from "@jupyterlab/services";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, installKernelspecs } from "./unittest.js";
import { freePort } from "./zmq-client.js";

const TOKEN = "replab-services-test";
const NOTEBOOK = "project/analysis/study.ipynb";

let server: ChildProcess;
let serverLog = "";
let baseUrl = "";
let settings: ServerConnection.ISettings;
let sessions: SessionManager;
let kernels: KernelManager;
let session: Session.ISessionConnection;
let kernel: Kernel.IKernelConnection;

/** A package only the notebook's directory can resolve (CommonJS and ESM-only). */
function writeNotebookProject(root: string): void {
  const dir = join(root, "project", "analysis");
  const cjs = join(dir, "node_modules", "nb-local-cjs");
  const esm = join(dir, "node_modules", "nb-local-esm");
  mkdirSync(cjs, { recursive: true });
  mkdirSync(esm, { recursive: true });
  writeFileSync(
    join(cjs, "package.json"),
    JSON.stringify({ name: "nb-local-cjs", main: "index.js" }),
  );
  writeFileSync(join(cjs, "index.js"), "exports.answer = 42;\n");
  writeFileSync(
    join(esm, "package.json"),
    JSON.stringify({ name: "nb-local-esm", type: "module", exports: "./index.js" }),
  );
  writeFileSync(join(esm, "index.js"), 'export const kind = "esm-only";\n');
  writeFileSync(
    join(dir, "study.ipynb"),
    JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }),
  );
}

async function serverUp(deadlineMs = 120_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter server exited:\n${serverLog}`);
    const ok = await fetch(`${baseUrl}api/status?token=${TOKEN}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`jupyter server did not answer within ${deadlineMs} ms:\n${serverLog}`);
}

/** The kernel connection sends nothing until its WebSocket is up. */
async function connected(connection: Kernel.IKernelConnection): Promise<void> {
  if (connection.connectionStatus === "connected") return;
  await new Promise<void>((resolve) => {
    const onChange = (_: unknown, status: Kernel.ConnectionStatus): void => {
      if (status !== "connected") return;
      connection.connectionStatusChanged.disconnect(onChange);
      resolve();
    };
    connection.connectionStatusChanged.connect(onChange);
  });
}

/** Execute through the kernel connection; collects iopub output until the future is done. */
async function run(
  code: string,
  onIOPub?: (msg: KernelMessage.IIOPubMessage) => void,
): Promise<{ reply: KernelMessage.IExecuteReplyMsg; iopub: KernelMessage.IIOPubMessage[] }> {
  const iopub: KernelMessage.IIOPubMessage[] = [];
  const future = kernel.requestExecute({ code });
  future.onIOPub = (msg) => {
    iopub.push(msg);
    onIOPub?.(msg);
  };
  const reply = await future.done;
  return { reply, iopub };
}

function resultText(iopub: KernelMessage.IIOPubMessage[]): string | undefined {
  const result = iopub.find((m) => m.header.msg_type === "execute_result");
  return (result?.content as { data?: Record<string, string> } | undefined)?.data?.["text/plain"];
}

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "replab-server-"));
  writeNotebookProject(root);
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}/`;
  const jupyterDirs = mkdtempSync(join(tmpdir(), "replab-jupyter-"));
  server = spawn(
    join(ROOT, ".venv", "bin", "jupyter-server"),
    [
      "--no-browser",
      ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
      "--ServerApp.ip=127.0.0.1",
      `--ServerApp.port=${port}`,
      "--ServerApp.port_retries=0",
      `--IdentityProvider.token=${TOKEN}`,
      `--ServerApp.root_dir=${root}`,
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        JUPYTER_PATH: installKernelspecs(),
        JUPYTER_CONFIG_DIR: join(jupyterDirs, "config"),
        JUPYTER_RUNTIME_DIR: join(jupyterDirs, "runtime"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  server.stdout?.setEncoding("utf8").on("data", (c: string) => (serverLog += c));
  server.stderr?.setEncoding("utf8").on("data", (c: string) => (serverLog += c));
  await serverUp();
  settings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, "ws"),
    token: TOKEN,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  kernels = new KernelManager({ serverSettings: settings });
  sessions = new SessionManager({ kernelManager: kernels, serverSettings: settings });
  await sessions.ready;
}, 180_000);

afterAll(async () => {
  sessions?.dispose();
  kernels?.dispose();
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    server.kill("SIGTERM");
    await exited;
  }
});

describe("a replab session through Jupyter Server", () => {
  it("starts a session for a notebook path and answers kernel_info", async () => {
    session = await sessions.startNew({
      path: NOTEBOOK,
      type: "notebook",
      name: "study.ipynb",
      kernel: { name: "replab" },
    });
    kernel = session.kernel!;
    await connected(kernel);
    const info = await kernel.requestKernelInfo();
    expect(info?.content.status).toBe("ok");
    const content = info?.content as KernelMessage.IInfoReply;
    expect(content.implementation).toBe("replab");
    expect(content.language_info.name).toBe("typescript");
  });

  it("executes and returns stream and result outputs with the reply", async () => {
    const { reply, iopub } = await run('console.log("through the server"); 6 * 7');
    expect(reply.content.status).toBe("ok");
    const stream = iopub.find((m) => m.header.msg_type === "stream");
    expect((stream?.content as { text?: string }).text).toBe("through the server\n");
    expect(resultText(iopub)).toBe("42");
    for (const msg of iopub)
      expect(msg.parent_header).toMatchObject({ msg_id: reply.parent_header.msg_id });
  });

  it("is told the notebook's path and resolves imports from the notebook's directory", async () => {
    const path = await run("process.env.JPY_SESSION_NAME");
    expect(resultText(path.iopub)).toMatch(/project\/analysis\/study\.ipynb'$/);
    const cjs = await run('import { answer } from "nb-local-cjs";\nanswer');
    expect(cjs.reply.content.status).toBe("ok");
    expect(resultText(cjs.iopub)).toBe("42");
    const esm = await run('import { kind } from "nb-local-esm";\nkind');
    expect(esm.reply.content.status).toBe("ok");
    expect(resultText(esm.iopub)).toBe("'esm-only'");
  });

  it("opens the lineage comm and receives the graph", async () => {
    const comm = kernel.createComm("replab.lineage");
    const graph = new Promise<{ type?: string; graph?: { schema?: string } }>((resolve) => {
      comm.onMsg = (msg) =>
        resolve(msg.content.data as { type?: string; graph?: { schema?: string } });
    });
    comm.open({});
    const data = await graph;
    expect(data.type).toBe("lineage");
    expect(data.graph?.schema).toBe("replab.lineage/1");
    comm.close();
  });

  it("interrupts a spinning cell and keeps earlier state", async () => {
    await run("const keptAcrossInterrupt = 21;");
    let spinning: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (spinning = resolve));
    const done = run('console.log("spinning"); while (true) {}', (msg) => {
      if (msg.header.msg_type === "stream") spinning();
    });
    await started;
    await kernel.interrupt();
    const { reply } = await done;
    expect(reply.content.status).toBe("error");
    expect((reply.content as KernelMessage.IReplyErrorContent).ename).toBe("Interrupted");
    expect(resultText((await run("keptAcrossInterrupt * 2")).iopub)).toBe("42");
  });

  it("restarts to a fresh kernel that counts from 1", async () => {
    await run('Reflect.set(globalThis, "beforeRestart", true)');
    await kernel.restart();
    const { reply, iopub } = await run('Reflect.has(globalThis, "beforeRestart")');
    expect(reply.content.status).toBe("ok");
    expect(reply.content.execution_count).toBe(1);
    expect(resultText(iopub)).toBe("false");
  });

  it("shuts the session down, leaving no kernel on the server", async () => {
    await session.shutdown();
    const listed = (await fetch(`${baseUrl}api/kernels?token=${TOKEN}`).then((r) =>
      r.json(),
    )) as unknown[];
    expect(listed).toEqual([]);
    const running = (await fetch(`${baseUrl}api/sessions?token=${TOKEN}`).then((r) =>
      r.json(),
    )) as unknown[];
    expect(running).toEqual([]);
  });
});
