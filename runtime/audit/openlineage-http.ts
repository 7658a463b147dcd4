/**
 * The OpenLineage HTTP transport, as Marquez and other backends accept it: each RunEvent is
 * POSTed as JSON to OPENLINEAGE_URL + "/" + OPENLINEAGE_ENDPOINT (default api/v1/lineage),
 * with `Authorization: Bearer OPENLINEAGE_API_KEY` when that is set. The variables are the ones
 * the OpenLineage clients read. A backend that is down or refuses an event costs a warning,
 * never the run.
 */
import { writeRealStderr } from "../executor/capture.js";
import type { RunEvent } from "./openlineage.js";

const TIMEOUT_MS = 10_000;

/** Where events go, or undefined when OPENLINEAGE_URL is not set. */
export function transportUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const base = env["OPENLINEAGE_URL"];
  if (base === undefined || base.trim() === "") return undefined;
  const endpoint = env["OPENLINEAGE_ENDPOINT"] ?? "api/v1/lineage";
  return `${base.replace(/\/+$/, "")}/${endpoint.replace(/^\/+/, "")}`;
}

/** Post one event; a failure is written as a warning on stderr and returned as its text. */
export async function postEvent(
  event: RunEvent,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const url = transportUrl(env);
  if (url === undefined) return undefined;
  const headers: Record<string, string> = { "content-type": "application/json" };
  const key = env["OPENLINEAGE_API_KEY"];
  if (key !== undefined && key !== "") headers["authorization"] = `Bearer ${key}`;
  let problem: string | undefined;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) problem = `answered ${response.status} ${response.statusText}`.trimEnd();
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    problem = `could not be reached (${cause ?? (error as Error).message})`;
  }
  if (problem === undefined) return undefined;
  const warning = `replab: warning: the OpenLineage backend at ${url} ${problem} for the ${event.eventType} event; the run is not affected`;
  writeRealStderr(`${warning}\n`);
  return warning;
}
