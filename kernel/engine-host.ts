/**
 * The engine's side of the bridge: answers the protocol's engine calls with the session, sends
 * cell output back, and ends the engine when the protocol is gone (engine.ts serves it to the
 * protocol process that started this one).
 */
import { describe, toWireJson, withInheritedToJSONSetAside } from "../runtime/display/wire-json.js";
import { ReplabError } from "../runtime/errors.js";
import { phase, phaseBegin, phaseEnd } from "../runtime/session/phases.js";
import type { Session } from "../runtime/session/session.js";
import type { OutputSink } from "../runtime/session/types.js";
import type {
  CellOutput,
  EngineCall,
  EngineResults,
  ProtocolLink,
  ToEngine,
  ToProtocol,
} from "./bridge.js";

/** How long stop() waits for the protocol to close its sockets before ending it. */
const STOP_GRACE_MS = 2_000;

/**
 * Serves the protocol's engine calls. It listens from the link's start; calls that come
 * before the session exists wait for it (serve), in order.
 */
export class EngineHost {
  /** The exit code, once the protocol is gone and the session disposed. */
  readonly finished: Promise<number>;
  /** The session, once serve() has it. */
  session: Session | undefined;
  private readonly ready: Promise<Session>;
  private resolveReady: (session: Session) => void = () => undefined;
  private readonly gone: Promise<void>;
  private readonly inputs = new Map<
    number,
    { resolve: (v: string) => void; reject: (e: Error) => void }
  >();
  private nextInput = 1;
  /** 1 once the protocol said it could not start (its sockets would not bind). */
  private exitCode: 0 | 1 = 0;
  /** Stops the lineage push; set while a frontend holds a lineage comm. */
  private unwatchLineage: (() => void) | undefined;

  constructor(private readonly link: ProtocolLink) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
    link.listen((message) => {
      if (message.kind === "shutdown") {
        // Needs no session: a kernel stopped while it starts ends all the same.
        this.exitCode = message.exitCode;
        link.end();
      } else if (this.session !== undefined) {
        // The hot path stays synchronous once the session is there.
        void this.handle(this.session, message);
      } else void this.ready.then((session) => this.handle(session, message));
    });
    this.gone = new Promise((resolve) => link.onGone(resolve));
    this.finished = this.gone.then(() => {
      // Gone unasked (killed with -9): the cell it was running is killed with it.
      this.session?.tracker?.endIfCellRunning();
      return (this.session?.dispose() ?? Promise.resolve()).then(
        () => this.exitCode,
        () => this.exitCode,
      );
    });
    void this.finished.then((code) => {
      // Timers a cell left behind must not keep a shut-down kernel alive.
      setImmediate(() => process.exit(code));
    });
  }

  /** Start answering engine calls with `session` (those that came first, in their order). */
  serve(session: Session): void {
    this.session = session;
    this.resolveReady(session);
  }

  /**
   * End the kernel without a shutdown_request (SIGTERM, launcher gone): the protocol closes
   * its sockets and answers "shutdown", which ends it; one that cannot answer in time is
   * ended all the same.
   */
  async stop(): Promise<void> {
    // Under load the sockets may take longer than the grace to close, and a kill may come
    // before dispose() runs: record a killed cell first.
    this.session?.tracker?.endIfCellRunning();
    this.post({ kind: "close" });
    const timer = setTimeout(() => this.link.end(), STOP_GRACE_MS);
    timer.unref();
    await this.gone;
    clearTimeout(timer);
  }

  private async handle(
    session: Session,
    message: Exclude<ToEngine, { kind: "shutdown" }>,
  ): Promise<void> {
    if (message.kind === "input_reply" || message.kind === "input_refused") {
      const waiting = this.inputs.get(message.id);
      this.inputs.delete(message.id);
      if (message.kind === "input_reply") waiting?.resolve(message.value);
      else waiting?.reject(new ReplabError("stdin-not-allowed", message.message));
      return;
    }
    if (message.kind === "watch_lineage") {
      this.watchLineage(session, message.watching);
      return;
    }
    try {
      if (message.kind === "execute") phaseBegin("engine", message.id);
      const result = await this.answer(session, message);
      phase("execute", message.id);
      this.post({ kind: "reply", id: message.id, result });
      phaseEnd("post", message.id);
    } catch (error) {
      // The protocol answers the request with an error reply; the engine carries on.
      const ename = error instanceof Error ? error.name : "Error";
      this.post({ kind: "failed", id: message.id, ename, evalue: describe(error) });
    }
  }

  /** Building and cloning the graph grows with the notebook: do it only for a listening frontend. */
  private watchLineage(session: Session, watching: boolean): void {
    this.unwatchLineage?.();
    this.unwatchLineage = watching
      ? session.onLineageChange((graph) => this.post({ kind: "lineage_changed", graph }))
      : undefined;
  }

  private async answer(
    session: Session,
    call: EngineCall,
  ): Promise<EngineResults[EngineCall["kind"]]> {
    switch (call.kind) {
      case "execute": {
        const { code, cellId, silent, storeHistory, allowStdin, userExpressions } = call;
        return session.execute(
          { code, cellId, silent, storeHistory, allowStdin, userExpressions },
          this.sink(call.id, allowStdin),
        );
      }
      case "complete":
        return session.complete(call.code, call.cursorPos);
      case "inspect":
        return session.inspect(call.code, call.cursorPos, call.detailLevel);
      case "is_complete":
        return session.isComplete(call.code);
      case "lineage":
        return session.lineage();
    }
  }

  private sink(executeId: number, allowStdin: boolean): OutputSink {
    const output = (o: CellOutput): void => this.post({ kind: "output", executeId, output: o });
    return {
      stream: (name, text) => output({ type: "stream", name, text }),
      display: (data, metadata, displayId, update) =>
        output({ type: "display", data, metadata, displayId, update }),
      clearOutput: (wait) => output({ type: "clear", wait }),
      input: (prompt, password) => {
        if (!allowStdin)
          return Promise.reject(
            new ReplabError(
              "stdin-not-allowed",
              "this frontend does not accept input requests (allow_stdin is false)",
            ),
          );
        const id = this.nextInput++;
        this.post({ kind: "input_request", id, executeId, prompt, password });
        return new Promise((resolveInput, reject) =>
          this.inputs.set(id, { resolve: resolveInput, reject }),
        );
      },
    };
  }

  /** Post as wire JSON (toWireJson), so any value a cell produced can be sent. */
  private post(message: ToProtocol): void {
    // The same shape: only the values inside a display or a result are made JSON.
    withInheritedToJSONSetAside(() => this.link.post(toWireJson(message) as ToProtocol));
  }
}
