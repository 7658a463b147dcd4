/**
 * `prompt(message?, defaultValue?)`, the name browsers and Deno give to asking for a line of
 * input, as a global of the notebook: it asks through the running cell's sink exactly as the
 * notebook module's `input()` does (a Jupyter input_request in the kernel), and resolves with
 * the answer, or with `defaultValue` when the answer is empty. It returns a promise (the
 * kernel cannot block the thread the frontend's answer arrives for), so cells `await` it.
 */
import { ReplabError } from "../errors.js";
import type { OutputSink } from "../session/types.js";

/** The global's name. */
export const PROMPT_GLOBAL = "prompt";

/** Install the global; returns a function that puts back what was there before. */
export function installPrompt(sink: () => OutputSink | undefined): () => void {
  const global = globalThis as Record<string, unknown>;
  const had = Object.hasOwn(global, PROMPT_GLOBAL);
  const before = global[PROMPT_GLOBAL];
  global[PROMPT_GLOBAL] = async (message?: unknown, defaultValue?: unknown): Promise<string> => {
    const current = sink();
    if (current === undefined)
      throw new ReplabError("stdin-not-allowed", "prompt() works only while a cell runs.");
    const answer = await current.input(message === undefined ? "" : String(message), false);
    return answer === "" && defaultValue !== undefined ? String(defaultValue) : answer;
  };
  return () => {
    if (had) global[PROMPT_GLOBAL] = before;
    else delete global[PROMPT_GLOBAL];
  };
}
