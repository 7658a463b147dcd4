/**
 * The protocol's routing: owns the five ZeroMQ sockets, verifies and parses messages, runs
 * shell requests one at a time and control requests at once through the handler tables
 * (handlers.ts), and talks to the engine through an EngineLink (bridge.ts): the engine is on
 * another thread or in another process, so the protocol never waits on user code, so heartbeat and control answer while a cell runs (the Deno kernel's
 * model). Every request with a reply gets one: an error reply when its handler failed.
 */
import { randomUUID } from "node:crypto";
import { Reply, Router, XPublisher } from "zeromq";
import type {
  CellOutput,
  EngineExit,
  EngineLink,
  EngineResults,
  FromEngine,
  ProtocolData,
  ToEngine,
} from "./bridge.js";
import { CommRegistry, LINEAGE_TARGET, lineageMessage } from "./comms.js";
import { endpoint, type ConnectionInfo } from "./connection.js";
import type { CallOf, KernelContext } from "./context.js";
import { errorFields, isKernelError, KernelError } from "./errors.js";
import { Executions } from "./executions.js";
import { controlHandlers, shellHandlers } from "./handlers.js";
import { log, RateLimitedLog } from "./log.js";
import {
  createErrorReply,
  createIopub,
  createReply,
  isRepliedRequest,
  type IopubContent,
  type IopubType,
  type Message,
  type RepliedRequest,
  type ReplyContent,
  type ReplyTypeOf,
} from "./messages.js";
import {
  dispatch,
  isRejected,
  parseRequest,
  type AnyQueued,
  type Answerable,
  type Channel,
  type HandlerTable,
  type Queued,
  type Rejected,
} from "./requests.js";
import { SendQueue } from "./send-queue.js";
import { StdinChannel } from "./stdin.js";
import { StreamBatcher } from "./stream-batch.js";
import { ReplayGuard, Signer } from "./signing.js";
import { phase, phaseBegin, phaseEnd } from "../runtime/session/phases.js";
import { decode, encode, type Incoming } from "./wire.js";

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: KernelError) => void;
}

type Parsed = AnyQueued | Rejected;

/** How long an engine that ended leaves for the error replies of the requests it left. */
const DRAIN_MS = 2_000;

/** The kernel's protocol: its sockets, routing and replies, talking to the engine through `engine`. */
export class Protocol implements KernelContext {
  readonly comms = new CommRegistry();
  readonly executions = new Executions();
  private readonly signer: Signer;
  private readonly replays = new ReplayGuard();
  private readonly session = randomUUID();
  private readonly shell = new Router();
  private readonly control = new Router();
  private readonly stdinSocket = new Router();
  // XPUB: it hears subscriptions, so each subscriber is welcomed (JEP 65), as ipykernel 7
  // does; "allSubs" passes every subscription, not only a topic's first. noDrop: at the
  // high-water mark a send fails instead of dropping output silently, and the send queue
  // tries it again (send-queue.ts).
  private readonly iopub = new XPublisher({ noDrop: true, verbosity: "allSubs" });
  private readonly hb = new Reply();
  private readonly sends: Record<Channel | "stdin" | "iopub", SendQueue>;
  private readonly stdin: StdinChannel;
  private readonly tables: Record<Channel, HandlerTable>;
  private readonly pending = new Map<number, Pending>();
  private readonly replied = new WeakSet<object>();
  private readonly drops = new RateLimitedLog("dropped messages");
  private readonly unreadable = new RateLimitedLog("unreadable engine messages");
  private readonly streams = new StreamBatcher((chunk) =>
    this.publishNow(
      "stream",
      { name: chunk.name, text: chunk.text },
      this.executions.parentOf(chunk.executeId),
    ),
  );
  private readonly shellQueue: Parsed[] = [];
  private wake: (() => void) | undefined;
  private ids = 1;
  private arrivals = 0;
  private closing = false;
  /** Set once the engine ended unasked: what every call from then on is refused with. */
  private engineGone: KernelError | undefined;
  /** Called when the shell queue runs empty (engineExited waits for it). */
  private drained: (() => void) | undefined;

  constructor(
    readonly data: ProtocolData,
    private readonly engine: EngineLink,
  ) {
    this.signer = new Signer(data.connection.signatureScheme, data.connection.key);
    this.sends = {
      shell: new SendQueue(this.shell, "shell"),
      control: new SendQueue(this.control, "control"),
      stdin: new SendQueue(this.stdinSocket, "stdin"),
      iopub: new SendQueue(this.iopub, "iopub"),
    };
    this.stdin = new StdinChannel({
      socket: this.stdinSocket,
      sends: this.sends.stdin,
      signer: this.signer,
      session: this.session,
      executions: this.executions,
      decode: (frames) => this.decode(frames, "stdin"),
      post: (message) => this.post(message),
    });
    this.tables = { shell: shellHandlers(this), control: controlHandlers(this) };
  }

  async start(): Promise<void> {
    const c = this.data.connection;
    // A bind failure names the channel and endpoint: "Address already in use" alone does not
    // say which port of the connection file another process holds.
    const bind = (
      socket: { bind(address: string): Promise<void> },
      channel: keyof ConnectionInfo["ports"],
    ) =>
      socket.bind(endpoint(c, channel)).catch((error: unknown) => {
        throw new Error(`${channel} ${endpoint(c, channel)}: ${(error as Error).message}`);
      });
    await Promise.all([
      bind(this.shell, "shell"),
      bind(this.control, "control"),
      bind(this.stdinSocket, "stdin"),
      bind(this.iopub, "iopub"),
      bind(this.hb, "hb"),
    ]);
    this.engine.listen((message) => this.fromEngine(message));
    void this.heartbeat();
    void this.receive(this.shell, "shell");
    void this.receive(this.control, "control");
    void this.stdin.receive();
    void this.welcome();
    void this.processShell();
    void this.publish("status", { execution_state: "starting" }, undefined);
  }

  private async heartbeat(): Promise<void> {
    for await (const frames of this.hb) {
      if (this.closing) return;
      await this.hb.send(frames).catch(() => undefined);
    }
  }

  /** JEP 65: answer each subscription with iopub_welcome, on the subscribed topic. */
  private async welcome(): Promise<void> {
    for await (const [frame] of this.iopub) {
      // A subscription is one frame, byte 1 then the topic; byte 0 is an unsubscription.
      if (frame === undefined || frame[0] !== 1 || this.closing) continue;
      const topic = frame.subarray(1);
      const message = createIopub(
        "iopub_welcome",
        { subscription: topic.toString() },
        this.session,
      );
      const frames = encode(message, topic.length > 0 ? [topic] : [], this.signer);
      void this.sends.iopub.send(frames);
    }
  }

  private async receive(socket: Router, channel: Channel): Promise<void> {
    for await (const frames of socket) {
      const incoming = this.decode(frames, channel);
      if (incoming === undefined) continue;
      const parsed = parseRequest(channel, incoming, ++this.arrivals);
      if (parsed?.type === "execute_request") phaseBegin("protocol", parsed);
      if (parsed === undefined) {
        const type = JSON.stringify(incoming.message.header.msg_type);
        log(`${channel}: ignored unknown message type ${type}`);
      } else if (channel === "control") void this.handle(parsed);
      else {
        this.shellQueue.push(parsed);
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
        this.drained?.();
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      await this.handle(next);
    }
  }

  /** busy, the handler (or the error reply of an invalid request), idle. */
  private async handle(parsed: Parsed): Promise<void> {
    phase("queued", parsed);
    // Queued, not awaited: iopub sends in publish order, so busy still precedes everything
    // the request publishes, and the engine starts on the cell while busy is being sent.
    const busy = this.publish("status", { execution_state: "busy" }, parsed.message);
    phase("busy", parsed);
    try {
      if (isRejected(parsed)) {
        log(`${parsed.channel}: dropped ${parsed.type}: ${String(parsed.error)}`);
        await this.replyError(parsed, parsed.error);
      } else await dispatch(this.tables[parsed.channel], parsed);
    } catch (error) {
      // An engine that ended is said once, by its message; anything else is a bug to trace.
      const why = isKernelError(error, "engine-exited") ? error.message : (error as Error).stack;
      log(`${parsed.channel}: ${parsed.type} failed: ${why ?? String(error)}`);
      if (!this.replied.has(parsed)) await this.replyError(parsed, error).catch(() => undefined);
    }
    await busy;
    await this.publish("status", { execution_state: "idle" }, parsed.message);
    phaseEnd("idle", parsed);
  }

  takeQueuedExecutes(): Queued<"execute_request">[] {
    const taken: Queued<"execute_request">[] = [];
    for (const queued of [...this.shellQueue]) {
      if (isRejected(queued) || queued.type !== "execute_request") continue;
      this.shellQueue.splice(this.shellQueue.indexOf(queued), 1);
      taken.push(queued);
    }
    return taken;
  }

  interruptEngine(): void {
    this.engine.interrupt();
  }

  /**
   * The engine process ended without being asked: every call it had not answered, and every
   * request still queued that needs it, gets an error reply saying so (every request gets a
   * reply), for at most DRAIN_MS; then the kernel ends, as its engine did.
   */
  async engineExited({ status, signal }: EngineExit): Promise<void> {
    if (this.closing) return;
    const how =
      signal === undefined
        ? `exited with code ${status}`
        : `was killed by ${signal} (signal ${status - 128})`;
    this.engineGone = new KernelError(
      "engine-exited",
      `the kernel's engine process ${how} (a cell that called process.exit, or a kill): ` +
        "this kernel has ended with it; restart the kernel to go on",
    );
    for (const { reject } of this.pending.values()) reject(this.engineGone);
    this.pending.clear();
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      drained,
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_MS))),
    ]);
    clearTimeout(timer);
  }

  /** Close every socket (zeromq aborts the process if it exits with sockets open), then tell the engine. */
  async close(exitCode: 0 | 1 = 0): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.wake?.();
    for (const socket of [this.shell, this.control, this.stdinSocket, this.iopub, this.hb])
      socket.close();
    this.post({ kind: "shutdown", exitCode });
  }

  private fromEngine(message: FromEngine): void {
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
        this.publishOutput(message.executeId ?? this.executions.latest, message.output).catch(
          (error: unknown) => log(`iopub: output not published: ${String(error)}`),
        );
        return;
      case "input_request":
        void this.stdin.request(message);
        return;
      case "lineage_changed":
        for (const commId of this.comms.idsOf(LINEAGE_TARGET)) {
          const data = lineageMessage(message.graph);
          void this.publish("comm_msg", { comm_id: commId, data }, undefined);
        }
        return;
      case "close":
        void this.close();
        return;
      case "unreadable":
        return this.engineUnreadable(message.why);
    }
  }

  /**
   * The engine sent what no call can be matched to: every call waiting on it gets an error
   * reply now, rather than none ever (a later message may still be readable).
   */
  private engineUnreadable(why: string): void {
    const error = new KernelError(
      "engine-message-unreadable",
      `the kernel's engine sent a message the kernel cannot read (${why}); a cell may have ` +
        "changed a built-in that JSON uses, such as Object.prototype.toJSON: restart the kernel",
    );
    this.unreadable.line(error.message);
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private async publishOutput(executeId: number | undefined, output: CellOutput): Promise<void> {
    const parent = this.executions.parentOf(executeId);
    switch (output.type) {
      case "stream":
        return this.streams.write({ executeId, name: output.name, text: output.text });
      case "display": {
        const transient = output.displayId === undefined ? {} : { display_id: output.displayId };
        const type = output.update ? "update_display_data" : "display_data";
        const content = { data: output.data, metadata: output.metadata, transient };
        return this.publish(type, content, parent);
      }
      case "clear":
        return this.publish("clear_output", { wait: output.wait }, parent);
    }
  }

  nextId(): number {
    return this.ids++;
  }

  call<C extends CallOf>(call: C, id = this.nextId()): Promise<EngineResults[C["kind"]]> {
    return new Promise((resolve, reject) => {
      if (this.engineGone !== undefined) {
        reject(this.engineGone);
        return;
      }
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.post({ ...call, id } as ToEngine);
    });
  }

  post(message: ToEngine): void {
    this.engine.post(message);
  }

  reply<R extends RepliedRequest>(
    request: Queued<R>,
    content: ReplyContent[ReplyTypeOf[R]],
  ): Promise<void> {
    const reply = createReply(request.message, content, this.session);
    const flushed = this.streams.flush();
    let frames: Buffer[];
    try {
      frames = encode(reply, request.identities, this.signer);
    } catch (error) {
      log(`${request.channel}: ${reply.header.msg_type} could not be encoded: ${String(error)}`);
      return this.replyError(request, error);
    }
    this.replied.add(request);
    const sent = this.sends[request.channel].send(frames);
    return Promise.all([flushed, sent]).then(() => undefined);
  }

  /** The error reply for a request the engine or the encoder failed (ipykernel's shape). */
  replyError(request: Answerable, error: unknown): Promise<void> {
    if (!isRepliedRequest(request.type)) return Promise.resolve();
    const count =
      request.type === "execute_request" ? { execution_count: this.executions.count } : {};
    const content = { status: "error" as const, ...errorFields(error), ...count };
    const reply = createErrorReply(request.type, request.message, content, this.session);
    this.replied.add(request);
    return this.sends[request.channel].send(encode(reply, request.identities, this.signer));
  }

  publish<T extends IopubType>(
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
    return this.sends.iopub.send(() => {
      const message = createIopub(type, content, this.session, parent);
      try {
        return encode(message, [Buffer.from(`kernel.${type}`)], this.signer);
      } catch (error) {
        log(`iopub: ${type} could not be encoded, not sent: ${String(error)}`);
        return undefined;
      }
    });
  }
}
