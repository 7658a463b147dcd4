/**
 * Comms (both directions). The built-in target is `replab.lineage`:
 *   frontend -> kernel  comm_open  { target_name: "replab.lineage" }      -> kernel sends { type: "lineage", graph }
 *   frontend -> kernel  comm_msg   { request: "lineage" }                 -> kernel sends { type: "lineage", graph }
 *   kernel -> frontend  comm_msg   { type: "lineage", graph }             after every execution
 * `graph` is a LineageGraph (schema/lineage.schema.json). Unknown targets get comm_close.
 */
export const LINEAGE_TARGET = "replab.lineage";

/** The data of a lineage comm message. */
export function lineageMessage(graph: unknown): Record<string, unknown> {
  return { type: "lineage", graph };
}

export class CommRegistry {
  private readonly comms = new Map<string, string>();

  /** Open a comm; false when the target is unknown (the caller closes it). */
  open(commId: string, target: string): boolean {
    if (target !== LINEAGE_TARGET) return false;
    this.comms.set(commId, target);
    return true;
  }

  close(commId: string): void {
    this.comms.delete(commId);
  }

  targetOf(commId: string): string | undefined {
    return this.comms.get(commId);
  }

  /** Open comm ids of one target. */
  idsOf(target: string): string[] {
    return [...this.comms].filter(([, t]) => t === target).map(([id]) => id);
  }

  /** comm_info_reply's map, optionally for one target. */
  info(target?: string): Record<string, { target_name: string }> {
    const entries = [...this.comms].filter(
      ([, t]) => target === undefined || target === "" || t === target,
    );
    return Object.fromEntries(entries.map(([id, t]) => [id, { target_name: t }]));
  }
}
