/**
 * The indent a frontend should put on the next line of an incomplete cell: the last line's
 * own, two more after an opening bracket. One rule for the protocol process's early answer
 * (kernel/is-complete.ts) and the parser's (introspection.ts), so the two cannot disagree.
 */

/** is_complete's reply for a cell that needs another line. */
export function incompleteReply(code: string): { status: "incomplete"; indent: string } {
  const lastLine = code.split("\n").pop() ?? "";
  const indent = /^\s*/.exec(lastLine)?.[0] ?? "";
  return { status: "incomplete", indent: /[{([]\s*$/.test(code) ? `${indent}  ` : indent };
}
