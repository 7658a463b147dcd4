/**
 * The stdin channel: input_request goes to the frontend that sent the running execute, with
 * its identities; each input_reply is handed back to the engine call that asked.
 */
import type { Router } from "zeromq";
import type { ToEngine, ToProtocol } from "./bridge.js";
import type { Executions } from "./executions.js";
import { createStdinRequest } from "./messages.js";
import type { SendQueue } from "./send-queue.js";
import type { Signer } from "./signing.js";
import { encode, type Incoming } from "./wire.js";

/** What the stdin channel needs from the protocol process. */
export interface StdinDeps {
  socket: Router;
  sends: SendQueue;
  signer: Signer;
  session: string;
  executions: Executions;
  decode(frames: Buffer[]): Incoming | undefined;
  post(message: ToEngine): void;
}

export class StdinChannel {
  /** input_request msg_id -> the engine's input id. */
  private readonly waiting = new Map<string, number>();

  constructor(private readonly deps: StdinDeps) {}

  /** Ask the frontend of the running execute; refused when that execute has finished. */
  async request(message: Extract<ToProtocol, { kind: "input_request" }>): Promise<void> {
    const { executions, session, signer, sends, post } = this.deps;
    const queued = executions.own(message.executeId);
    if (queued === undefined) {
      post({
        kind: "input_refused",
        id: message.id,
        message: "the cell asking for input has finished",
      });
      return;
    }
    const content = { prompt: message.prompt, password: message.password };
    const request = createStdinRequest("input_request", content, session, queued.message);
    this.waiting.set(request.header.msg_id, message.id);
    await sends.send(encode(request, queued.identities, signer));
  }

  /** Read input_reply messages until the socket closes. */
  async receive(): Promise<void> {
    for await (const frames of this.deps.socket) {
      const incoming = this.deps.decode(frames);
      if (incoming === undefined) continue;
      const { message } = incoming;
      if (message.header.msg_type !== "input_reply") continue;
      // jupyter_client sends input_reply with no parent_header (ipykernel takes the next
      // reply it gets), so an unparented reply answers the oldest request still waiting.
      const parentId = (message.parent_header as { msg_id?: string }).msg_id;
      const key = parentId ?? this.waiting.keys().next().value;
      const id = key === undefined ? undefined : this.waiting.get(key);
      if (key === undefined || id === undefined) continue;
      this.waiting.delete(key);
      const value = (message.content as { value?: unknown }).value;
      this.deps.post({ kind: "input_reply", id, value: typeof value === "string" ? value : "" });
    }
  }
}
