/**
 * The protocol thread: owns the five ZeroMQ sockets, verifies and routes messages, and
 * talks to the engine on the main thread through the bridge. It never waits on user code,
 * so heartbeat and control answer while a cell runs (the Deno kernel's model).
 */
import { randomUUID } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { Publisher, Reply, Router } from "zeromq";
import type {
  CellOutput,
  EngineCall,
  EngineResults,
  ProtocolData,
  ToEngine,
  ToProtocol,
} from "./bridge.js";
import { CommRegistry, LINEAGE_TARGET, lineageMessage } from "./comms.js";
import { endpoint } from "./connection.js";
import { isKernelError, KernelError } from "./errors.js";
import { answerHistory } from "./history.js";
import { log, RateLimitedLog } from "./log.js";
import {
  createMessage,
  createReply,
  PROTOCOL_VERSION,
  type IopubContent,
  type IopubType,
  type Message,
  type RepliedRequest,
  type ReplyContent,
  type ReplyTypeOf,
  type RequestContent,
  type RequestType,
} from "./messages.js";
import { SendQueue } from "./send-queue.js";
import { StreamBatcher } from "./stream-batch.js";
import { ReplayGuard, Signer } from "./signing.js";
import { assertRequest, isRequestType } from "./validate.js";
import { decode, encode, type Incoming } from "./wire.js";

type Channel = "shell" | "control";

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: KernelError) => void;
}

interface Queued {
  channel: Channel;
  incoming: Incoming;
  /** Arrival order on shell, so stop_on_error aborts only what came before the failure. */
  seq: number;
}

class ProtocolThread {
  private readonly signer: Signer;
  private readonly replays = new ReplayGuard();
  private readonly session = randomUUID();
  private readonly shell = new Router();
  private readonly control = new Router();
  private readonly stdin = new Router();
  // noDrop: at the high-water mark a send waits instead of dropping output silently.
  private readonly iopub = new Publisher({ noDrop: true });
  private readonly hb = new Reply();
  private readonly sends: Record<Channel | "stdin" | "iopub", SendQueue>;
  private readonly comms = new CommRegistry();
  private readonly pending = new Map<number, Pending>();
  private readonly replied = new WeakSet<Queued>();
  private readonly drops = new RateLimitedLog("dropped messages");
  private readonly streams = new StreamBatcher((chunk) =>
    this.publishNow(
      "stream",
      { name: chunk.name, text: chunk.text },
      this.parentOf(chunk.executeId),
    ),
  );
  private readonly inputs = new Map<string, number>();
  private readonly executions = new Map<number, Queued>();
  private readonly shellQueue: Queued[] = [];
  private wake: (() => void) | undefined;
  private nextId = 1;
  private arrivals = 0;
  private executionCount = 0;
  private latestExecuteId: number | undefined;
  /** The execute the engine is running now, if any. */
  private runningExecuteId: number | undefined;
  private closing = false;

  private readonly interruptFlag: Int32Array;

  constructor(private readonly data: ProtocolData) {
    this.signer = new Signer(data.connection.signatureScheme, data.connection.key);
    this.interruptFlag = new Int32Array(data.interruptFlag);
    this.sends = {
      shell: new SendQueue(this.shell, "shell"),
      control: new SendQueue(this.control, "control"),
      stdin: new SendQueue(this.stdin, "stdin"),
      iopub: new SendQueue(this.iopub, "iopub"),
    };
  }

  async start(): Promise<void> {
    const c = this.data.connection;
    await Promise.all([
      this.shell.bind(endpoint(c, "shell")),
      this.control.bind(endpoint(c, "control")),
      this.stdin.bind(endpoint(c, "stdin")),
      this.iopub.bind(endpoint(c, "iopub")),
      this.hb.bind(endpoint(c, "hb")),
    ]);
    parentPort?.on("message", (message: ToProtocol) => this.fromEngine(message));
    void this.heartbeat();
    void this.receive(this.shell, "shell");
    void this.receive(this.control, "control");
    void this.receiveStdin();
    void this.processShell();
    void this.publish("status", { execution_state: "starting" }, undefined);
  }

  private async heartbeat(): Promise<void> {
    for await (const frames of this.hb) {
      if (this.closing) return;
      await this.hb.send(frames).catch(() => undefined);
    }
  }

  private async receive(socket: Router, channel: Channel): Promise<void> {
    for await (const frames of socket) {
      const incoming = this.decode(frames, channel);
      if (incoming === undefined) continue;
      const seq = ++this.arrivals;
      if (channel === "control") void this.handle({ channel, incoming, seq });
      else {
        this.shellQueue.push({ channel, incoming, seq });
        this.wake?.();
      }
    }
  }

  private decode(frames: Buffer[], channel: string): Incoming | undefined {
    try {
      return decode(frames, this.signer, this.replays);
    } catch (error) {
      // Bad, unsigned, replayed or malformed messages are dropped: never run, never fatal.
      const code = isKernelError(error) ? error.code : "unexpected";
      this.drops.line(`${channel}: dropped a message (${code}): ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Shell requests run one at a time, in arrival order. */
  private async processShell(): Promise<void> {
    while (!this.closing) {
      const next = this.shellQueue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.handle(next);
    }
  }

  private async handle(queued: Queued): Promise<void> {
    const { message } = queued.incoming;
    const type = message.header.msg_type;
    if (!isRequestType(type)) {
      log(`${queued.channel}: ignored unknown message type ${JSON.stringify(type)}`);
      return;
    }
    await this.publish("status", { execution_state: "busy" }, message);
    try {
      await this.validated(queued, type);
    } catch (error) {
      log(`${queued.channel}: ${type} failed: ${(error as Error).stack ?? String(error)}`);
      if (isRepliedRequest(type) && !this.replied.has(queued))
        await this.replyError(queued, error).catch(() => undefined);
    }
    await this.publish("status", { execution_state: "idle" }, message);
  }

  /** An invalid request is logged as dropped and, if it has a reply, answered with an error. */
  private async validated(queued: Queued, type: RequestType): Promise<void> {
    try {
      assertRequest(queued.incoming.message, type);
    } catch (error) {
      log(`${queued.channel}: dropped ${type}: ${(error as Error).message}`);
      if (isRepliedRequest(type)) await this.replyError(queued, error);
      return;
    }
    await this.dispatch(queued, type);
  }

  private async dispatch(queued: Queued, type: RequestType): Promise<void> {
    const m = queued.incoming.message;
    switch (type) {
      case "kernel_info_request":
        return this.reply(
          queued,
          m as Message<"kernel_info_request", RequestContent["kernel_info_request"]>,
          this.kernelInfo(),
        );
      case "execute_request":
        return this.execute(
          queued,
          m as Message<"execute_request", RequestContent["execute_request"]>,
        );
      case "complete_request":
        return this.complete(
          queued,
          m as Message<"complete_request", RequestContent["complete_request"]>,
        );
      case "inspect_request":
        return this.inspect(
          queued,
          m as Message<"inspect_request", RequestContent["inspect_request"]>,
        );
      case "is_complete_request": {
        const request = m as Message<"is_complete_request", RequestContent["is_complete_request"]>;
        return this.reply(
          queued,
          request,
          await this.call({ kind: "is_complete", code: request.content.code }),
        );
      }
      case "history_request": {
        const request = m as Message<"history_request", RequestContent["history_request"]>;
        const history = answerHistory(await this.call({ kind: "history" }), request.content);
        return this.reply(queued, request, { status: "ok", history });
      }
      case "comm_info_request": {
        const request = m as Message<"comm_info_request", RequestContent["comm_info_request"]>;
        return this.reply(queued, request, {
          status: "ok",
          comms: this.comms.info(request.content.target_name),
        });
      }
      case "comm_open":
        return this.commOpen(m as Message<"comm_open", RequestContent["comm_open"]>);
      case "comm_msg":
        return this.commMsg(m as Message<"comm_msg", RequestContent["comm_msg"]>);
      case "comm_close":
        this.comms.close(
          (m as Message<"comm_close", RequestContent["comm_close"]>).content.comm_id,
        );
        this.watchLineage();
        return;
      case "shutdown_request":
        return this.shutdown(
          queued,
          m as Message<"shutdown_request", RequestContent["shutdown_request"]>,
        );
      case "interrupt_request":
        // The engine breaks synchronous code on SIGINT and abandons a pending await; a loop
        // after an await sees the flag (docs/interrupts.md).
        this.interruptEngine();
        return this.reply(
          queued,
          m as Message<"interrupt_request", RequestContent["interrupt_request"]>,
          { status: "ok" },
        );
      case "input_reply":
        return;
    }
  }

  private kernelInfo(): ReplyContent["kernel_info_reply"] {
    return {
      status: "ok",
      protocol_version: PROTOCOL_VERSION,
      implementation: "replab",
      implementation_version: this.data.implementationVersion,
      language_info: this.data.languageInfo,
      banner: this.data.banner,
      help_links: [{ text: "replab", url: "https://github.com/replab/replab" }],
      debugger: false,
    };
  }

  private async execute(
    queued: Queued,
    request: Message<"execute_request", RequestContent["execute_request"]>,
  ): Promise<void> {
    const { code, silent, store_history: storeHistory, allow_stdin: allowStdin } = request.content;
    const counted = storeHistory && !silent;
    if (!silent) {
      await this.publish(
        "execute_input",
        { code, execution_count: this.executionCount + (counted ? 1 : 0) },
        request,
      );
    }
    const cellId =
      typeof request.metadata["cellId"] === "string" ? request.metadata["cellId"] : undefined;
    const id = this.nextId++;
    // Only the latest execute is kept: later output of older cells is parented to it.
    if (this.latestExecuteId !== undefined) this.executions.delete(this.latestExecuteId);
    this.executions.set(id, queued);
    this.latestExecuteId = id;
    this.runningExecuteId = id;
    const outcome = await this.call(
      { kind: "execute", code, cellId, silent, storeHistory, allowStdin },
      id,
    ).finally(() => (this.runningExecuteId = undefined));
    this.executionCount = outcome.executionCount;
    if (outcome.status === "ok") {
      if (outcome.result !== undefined && !silent) {
        await this.publish(
          "execute_result",
          { execution_count: outcome.executionCount, ...outcome.result },
          request,
        );
      }
      const payload = outcome.payload;
      return this.reply(queued, request, {
        status: "ok",
        execution_count: outcome.executionCount,
        payload,
        user_expressions: {},
      });
    }
    const { ename, evalue, traceback } = outcome;
    if (!silent) await this.publish("error", { ename, evalue, traceback }, request);
    await this.reply(queued, request, {
      status: "error",
      execution_count: outcome.executionCount,
      ename,
      evalue,
      traceback,
    });
    if (request.content.stop_on_error) await this.abortQueuedExecutes();
  }

  /** After a failed cell, executes already queued are answered "aborted" (stop_on_error). */
  private async abortQueuedExecutes(): Promise<void> {
    const aborted = this.shellQueue.filter(
      (q) => q.incoming.message.header.msg_type === "execute_request",
    );
    for (const queued of aborted) {
      this.shellQueue.splice(this.shellQueue.indexOf(queued), 1);
      const request = queued.incoming.message as Message<
        "execute_request",
        RequestContent["execute_request"]
      >;
      await this.publish("status", { execution_state: "busy" }, request);
      await this.reply(queued, request, {
        status: "aborted",
        execution_count: this.executionCount,
      });
      await this.publish("status", { execution_state: "idle" }, request);
    }
  }

  private async complete(
    queued: Queued,
    request: Message<"complete_request", RequestContent["complete_request"]>,
  ): Promise<void> {
    const { code, cursor_pos: cursorPos } = request.content;
    const result = await this.call({ kind: "complete", code, cursorPos });
    await this.reply(queued, request, {
      status: "ok",
      matches: result.matches,
      cursor_start: result.cursorStart,
      cursor_end: result.cursorEnd,
      metadata: { _jupyter_types_experimental: result.types },
    });
  }

  private async inspect(
    queued: Queued,
    request: Message<"inspect_request", RequestContent["inspect_request"]>,
  ): Promise<void> {
    const { code, cursor_pos: cursorPos, detail_level: detailLevel } = request.content;
    const result = await this.call({ kind: "inspect", code, cursorPos, detailLevel });
    await this.reply(queued, request, {
      status: "ok",
      found: result.found,
      data: result.data,
      metadata: {},
    });
  }

  private async commOpen(
    request: Message<"comm_open", RequestContent["comm_open"]>,
  ): Promise<void> {
    const { comm_id: commId, target_name: target } = request.content;
    if (!this.comms.open(commId, target)) {
      await this.publish("comm_close", { comm_id: commId, data: {} }, request);
      return;
    }
    this.watchLineage();
    const graph = await this.call({ kind: "lineage" });
    await this.publish("comm_msg", { comm_id: commId, data: lineageMessage(graph) }, request);
  }

  /** Tell the engine whether any frontend listens for lineage pushes. */
  private watchLineage(): void {
    this.post({ kind: "watch_lineage", watching: this.comms.idsOf(LINEAGE_TARGET).length > 0 });
  }

  private async commMsg(request: Message<"comm_msg", RequestContent["comm_msg"]>): Promise<void> {
    const { comm_id: commId, data } = request.content;
    if (this.comms.targetOf(commId) !== LINEAGE_TARGET || data["request"] !== "lineage") return;
    const graph = await this.call({ kind: "lineage" });
    await this.publish("comm_msg", { comm_id: commId, data: lineageMessage(graph) }, request);
  }

  private async shutdown(
    queued: Queued,
    request: Message<"shutdown_request", RequestContent["shutdown_request"]>,
  ): Promise<void> {
    await this.reply(queued, request, { status: "ok", restart: request.content.restart });
    await this.publish("status", { execution_state: "idle" }, request);
    await this.close();
    // The engine reads the shutdown only between cells: stop a running cell so a kernel told
    // to shut down mid-loop exits by itself instead of waiting for the manager to kill it.
    if (this.runningExecuteId !== undefined) this.interruptEngine();
  }

  /** Stop the running cell, whatever it is doing (docs/interrupts.md). */
  private interruptEngine(): void {
    Atomics.store(this.interruptFlag, 0, 1);
    process.kill(process.pid, "SIGINT");
  }

  /** Close every socket (zeromq aborts the process if it exits with sockets open), then tell the engine. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.wake?.();
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.hb])
      socket.close();
    this.post({ kind: "shutdown" });
  }

  private fromEngine(message: ToProtocol): void {
    switch (message.kind) {
      case "reply":
        this.pending.get(message.id)?.resolve(message.result);
        this.pending.delete(message.id);
        return;
      case "failed":
        this.pending
          .get(message.id)
          ?.reject(new KernelError("engine-failed", `${message.ename}: ${message.evalue}`));
        this.pending.delete(message.id);
        return;
      case "output":
        this.publishOutput(message.executeId ?? this.latestExecuteId, message.output).catch(
          (error: unknown) => log(`iopub: output not published: ${String(error)}`),
        );
        return;
      case "input_request":
        void this.requestInput(message);
        return;
      case "lineage_changed":
        for (const commId of this.comms.idsOf(LINEAGE_TARGET)) {
          void this.publish(
            "comm_msg",
            { comm_id: commId, data: lineageMessage(message.graph) },
            undefined,
          );
        }
        return;
    }
  }

  /** The request an execution's output is parented to: its own, or else the latest execute's. */
  private parentOf(executeId: number | undefined): Message<string, unknown> | undefined {
    const queued =
      (executeId === undefined ? undefined : this.executions.get(executeId)) ??
      (this.latestExecuteId === undefined ? undefined : this.executions.get(this.latestExecuteId));
    return queued?.incoming.message;
  }

  private async publishOutput(executeId: number | undefined, output: CellOutput): Promise<void> {
    const parent = this.parentOf(executeId);
    switch (output.type) {
      case "stream":
        return this.streams.write({ executeId, name: output.name, text: output.text });
      case "display": {
        const transient = output.displayId === undefined ? {} : { display_id: output.displayId };
        const type = output.update ? "update_display_data" : "display_data";
        return this.publish(
          type,
          { data: output.data, metadata: output.metadata, transient },
          parent,
        );
      }
      case "clear":
        return this.publish("clear_output", { wait: output.wait }, parent);
    }
  }

  /** input_request goes to the frontend that sent the execute, on stdin, with its identities. */
  private async requestInput(
    message: Extract<ToProtocol, { kind: "input_request" }>,
  ): Promise<void> {
    const queued = this.executions.get(message.executeId);
    if (queued === undefined) {
      this.post({
        kind: "input_refused",
        id: message.id,
        message: "the cell asking for input has finished",
      });
      return;
    }
    const parent = queued.incoming.message;
    const request = createMessage(
      "input_request",
      { prompt: message.prompt, password: message.password },
      this.session,
      parent,
    );
    this.inputs.set(request.header.msg_id, message.id);
    await this.sends.stdin.send(encode(request, queued.incoming.identities, this.signer));
  }

  private async receiveStdin(): Promise<void> {
    for await (const frames of this.stdin) {
      const incoming = this.decode(frames, "stdin");
      if (incoming === undefined) continue;
      const { message } = incoming;
      if (message.header.msg_type !== "input_reply") continue;
      // jupyter_client sends input_reply with no parent_header (ipykernel takes the next
      // reply it gets), so an unparented reply answers the oldest request still waiting.
      const parentId = (message.parent_header as { msg_id?: string }).msg_id;
      const key = parentId === undefined ? this.inputs.keys().next().value : parentId;
      const id = key === undefined ? undefined : this.inputs.get(key);
      if (key === undefined || id === undefined) continue;
      this.inputs.delete(key);
      const value = (message.content as { value?: unknown }).value;
      this.post({ kind: "input_reply", id, value: typeof value === "string" ? value : "" });
    }
  }

  private call<C extends DistributiveOmit<EngineCall, "id">>(
    call: C,
    id = this.nextId++,
  ): Promise<EngineResults[C["kind"]]> {
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.post({ ...call, id } as ToEngine);
    });
  }

  private post(message: ToEngine): void {
    parentPort?.postMessage(message);
  }

  private reply<R extends RepliedRequest>(
    queued: Queued,
    request: Message<R, RequestContent[R]>,
    content: ReplyContent[ReplyTypeOf[R]],
  ): Promise<void> {
    const reply = createReply(request, content, this.session);
    const flushed = this.streams.flush();
    let frames: Buffer[];
    try {
      frames = encode(reply, queued.incoming.identities, this.signer);
    } catch (error) {
      log(`${queued.channel}: ${reply.header.msg_type} could not be encoded: ${String(error)}`);
      return this.replyError(queued, error);
    }
    this.replied.add(queued);
    return Promise.all([flushed, this.sends[queued.channel].send(frames)]).then(() => undefined);
  }

  /** The error reply for a request the engine or the encoder failed (ipykernel's shape). */
  private replyError(queued: Queued, error: unknown): Promise<void> {
    const request = queued.incoming.message;
    const ename = isKernelError(error) ? error.code : "KernelError";
    const evalue = error instanceof Error ? error.message : String(error);
    const content = { status: "error", ename, evalue, traceback: [`${ename}: ${evalue}`] };
    const extra =
      request.header.msg_type === "execute_request" ? { execution_count: this.executionCount } : {};
    const reply = createReply(
      request as Message<"kernel_info_request", RequestContent["kernel_info_request"]>,
      { ...content, ...extra } as unknown as ReplyContent["kernel_info_reply"],
      this.session,
    );
    this.replied.add(queued);
    return this.sends[queued.channel].send(encode(reply, queued.incoming.identities, this.signer));
  }

  /** Publish on iopub after any held stream output, so order is kept. */
  private publish<T extends IopubType>(
    type: T,
    content: IopubContent[T],
    parent: Message<string, unknown> | undefined,
  ): Promise<void> {
    const flushed = this.streams.flush();
    return Promise.all([flushed, this.publishNow(type, content, parent)]).then(() => undefined);
  }

  private publishNow<T extends IopubType>(
    type: T,
    content: IopubContent[T],
    parent: Message<string, unknown> | undefined,
  ): Promise<void> {
    if (this.closing) return Promise.resolve();
    const message = createMessage(type, content, this.session, parent);
    try {
      return this.sends.iopub.send(encode(message, [Buffer.from(`kernel.${type}`)], this.signer));
    } catch (error) {
      log(`iopub: ${type} could not be encoded, not sent: ${String(error)}`);
      return Promise.resolve();
    }
  }
}

function isRepliedRequest(type: RequestType): type is RepliedRequest {
  return type.endsWith("_request");
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

const thread = new ProtocolThread(workerData as ProtocolData);
thread.start().catch((error: unknown) => {
  log(`could not start: ${(error as Error).message}`);
  void thread.close();
});
