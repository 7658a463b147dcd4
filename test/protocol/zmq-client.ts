/**
 * An independent ZeroMQ client for the kernel (it shares no code with kernel/): starts the
 * kernel from its installed kernelspec with a fresh connection file, signs and parses
 * messages itself, and waits on replies with deadlines, never fixed sleeps.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Dealer, Subscriber } from "zeromq";
import { freePort } from "../support/free-port.js";

export const DELIMITER = Buffer.from("<IDS|MSG>");

export interface Msg {
  header: Record<string, unknown> & { msg_id: string; msg_type: string };
  parent_header: Record<string, unknown>;
  metadata: Record<string, unknown>;
  content: Record<string, unknown>;
}

/** A free port on 127.0.0.1 (test/support/free-port.ts), for the tests that import it from here. */
export { freePort };

/** HMAC-SHA256 hex over the four parts, as jupyter_client computes it. */
export function sign(key: string, parts: readonly Buffer[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(part);
  return hmac.digest("hex");
}

export class KernelClient {
  readonly session = randomUUID();
  // shell and stdin share one routing id, as jupyter_client's do: the kernel sends an
  // input_request to the identity the execute came from.
  readonly shell = new Dealer({ routingId: this.session });
  readonly control = new Dealer();
  readonly stdin = new Dealer({ routingId: this.session });
  readonly iopub = new Subscriber();
  private readonly iopubMessages: Msg[] = [];
  /** Requests the kernel sent on stdin (input_request), in arrival order. */
  readonly stdinMessages: Msg[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly replies = new Map<string, Msg>();
  /** Settles when the stdin socket has connected (set by launch). */
  private stdinUp: Promise<void> = Promise.resolve();

  private constructor(
    readonly key: string,
    readonly ports: Record<"shell" | "iopub" | "stdin" | "control" | "hb", number>,
    readonly process: ChildProcess,
    private readonly logFile: string,
  ) {}

  /** Everything the kernel wrote to stderr (its log) so far. */
  get stderr(): string {
    return readFileSync(this.logFile, "utf8");
  }

  /**
   * Start the kernelspec `spec` found under jupyterPath and connect to it. Ports are picked
   * free and handed over, so another process may take one first (as with jupyter_client):
   * a kernel that exits saying "Address already in use" is started again on new ports.
   */
  static async start(jupyterPath: string, spec: string): Promise<KernelClient> {
    for (let attempt = 1; ; attempt++) {
      const client = await KernelClient.launch(jupyterPath, spec);
      try {
        await client.ready();
        return client;
      } catch (error) {
        client.close();
        client.process.kill("SIGKILL");
        const lostPort =
          client.process.exitCode !== null && /Address already in use/.test(client.stderr);
        if (!lostPort || attempt === 3) throw error;
      }
    }
  }

  private static async launch(jupyterPath: string, spec: string): Promise<KernelClient> {
    const ports = {
      shell: await freePort(),
      iopub: await freePort(),
      stdin: await freePort(),
      control: await freePort(),
      hb: await freePort(),
    };
    const key = randomUUID();
    const dir = mkdtempSync(join(tmpdir(), "replab-zmq-"));
    const file = join(dir, "kernel.json");
    writeFileSync(
      file,
      JSON.stringify({
        ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [`${k}_port`, v])),
        ip: "127.0.0.1",
        key,
        transport: "tcp",
        signature_scheme: "hmac-sha256",
        kernel_name: spec,
      }),
    );
    const kernelspec = JSON.parse(
      readFileSync(join(jupyterPath, "kernels", spec, "kernel.json"), "utf8"),
    ) as { argv: string[] };
    const [command, ...args] = kernelspec.argv.map((a) => a.replace("{connection_file}", file));
    // The log goes to a file, as a terminal would take it: a pipe the test reads late can
    // fill up, and the kernel's log (best effort) then loses lines.
    const logFile = join(dir, "kernel.log");
    const child = spawn(command!, args, {
      cwd: dir,
      stdio: ["ignore", "ignore", openSync(logFile, "w")],
    });
    const client = new KernelClient(key, ports, child, logFile);
    client.shell.connect(`tcp://127.0.0.1:${ports.shell}`);
    client.control.connect(`tcp://127.0.0.1:${ports.control}`);
    // The kernel's ROUTER drops an input_request to a peer not yet connected: wait for it.
    const stdinUp = new Promise<void>((resolve) =>
      client.stdin.events.on("connect", () => resolve()),
    );
    client.stdin.connect(`tcp://127.0.0.1:${ports.stdin}`);
    client.iopub.connect(`tcp://127.0.0.1:${ports.iopub}`);
    client.iopub.subscribe();
    void client.pump(client.iopub, (m) => client.iopubMessages.push(m));
    void client.pump(client.shell, (m) => client.recordReply(m));
    void client.pump(client.control, (m) => client.recordReply(m));
    void client.pump(client.stdin, (m) => client.stdinMessages.push(m));
    client.stdinUp = stdinUp;
    return client;
  }

  /**
   * kernel_info until answered (the first requests may race the kernel's bind), then the
   * iopub_welcome (JEP 65): from then on no iopub message is lost to a slow subscription.
   */
  private async ready(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && this.process.exitCode === null) {
      const id = await this.send(this.shell, "kernel_info_request", {});
      if (
        await this.waitFor(() => this.replies.has(id), 1_000).then(
          () => true,
          () => false,
        )
      ) {
        await this.waitFor(() => this.iopubOfType("iopub_welcome").length > 0, 30_000);
        return this.stdinUp;
      }
    }
    const why =
      this.process.exitCode === null ? "did not answer kernel_info within 60 s" : "exited";
    throw new Error(`kernel ${why}:\n${this.stderr}`);
  }

  /** iopub messages of one msg_type received so far, whatever their parent. */
  iopubOfType(msgType: string): Msg[] {
    return this.iopubMessages.filter((m) => m.header.msg_type === msgType);
  }

  private async pump(socket: Dealer | Subscriber, take: (m: Msg) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        const at = frames.findIndex((f) => f.equals(DELIMITER));
        const [, header, parent, metadata, content] = frames.slice(at + 1);
        take({
          header: JSON.parse(header!.toString()) as Msg["header"],
          parent_header: JSON.parse(parent!.toString()) as Record<string, unknown>,
          metadata: JSON.parse(metadata!.toString()) as Record<string, unknown>,
          content: JSON.parse(content!.toString()) as Record<string, unknown>,
        });
        for (const wake of this.waiters) wake();
      }
    } catch {
      // The socket was closed by close().
    }
  }

  private recordReply(m: Msg): void {
    const parent = m.parent_header["msg_id"];
    if (typeof parent === "string") this.replies.set(parent, m);
  }

  /** A message's four signed parts, as bytes. */
  frames(msgType: string, content: unknown, header: Record<string, unknown> = {}): Buffer[] {
    const full = {
      msg_id: randomUUID(),
      session: this.session,
      username: "test",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: "5.3",
      ...header,
    };
    return [full, {}, {}, content].map((p) => Buffer.from(JSON.stringify(p)));
  }

  /** Sign four parts and frame them as a frontend sends them. */
  signed(parts: readonly Buffer[]): Buffer[] {
    return [DELIMITER, Buffer.from(sign(this.key, parts)), ...parts];
  }

  /** Send a valid, signed request; resolves with its msg_id. */
  async send(socket: Dealer, msgType: string, content: unknown): Promise<string> {
    const parts = this.frames(msgType, content);
    await socket.send(this.signed(parts));
    return (JSON.parse(parts[0]!.toString()) as { msg_id: string }).msg_id;
  }

  /** Resolves when check() holds; rejects after ms (a hang guard). */
  waitFor(check: () => boolean, ms = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (check()) return resolve();
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        reject(
          new Error(`timed out after ${ms} ms; the kernel's log:\n${this.stderr.slice(-3000)}`),
        );
      }, ms);
      this.waiters.add(wake);
    });
  }

  /** Polls the kernel's log until check() holds; rejects after ms. */
  async waitForLog(check: () => boolean, ms = 60_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`log condition not met after ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The reply to msg_id. */
  async reply(msgId: string, ms?: number): Promise<Msg> {
    await this.waitFor(() => this.replies.has(msgId), ms);
    return this.replies.get(msgId)!;
  }

  /** iopub messages whose parent is msgId, once its idle status has arrived. */
  async iopubFor(msgId: string): Promise<Msg[]> {
    const mine = (): Msg[] => this.iopubMessages.filter((m) => m.parent_header["msg_id"] === msgId);
    await this.waitFor(() =>
      mine().some((m) => m.header.msg_type === "status" && m.content["execution_state"] === "idle"),
    );
    return mine();
  }

  /** Execute code; returns the reply and the text/plain of its execute_result, if any. */
  async execute(code: string): Promise<{ reply: Msg; result: string | undefined }> {
    const id = await this.send(this.shell, "execute_request", { code, silent: false });
    const reply = await this.reply(id);
    const iopub = await this.iopubFor(id);
    const result = iopub.find((m) => m.header.msg_type === "execute_result");
    const data = result?.content["data"] as Record<string, string> | undefined;
    return { reply, result: data?.["text/plain"] };
  }

  /** Close the sockets and kill the kernel process. */
  close(): void {
    for (const socket of [this.shell, this.control, this.stdin, this.iopub]) socket.close();
    this.process.kill("SIGKILL");
  }
}
