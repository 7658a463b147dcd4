/**
 * Environment variables that make native libraries deterministic. They must be set before
 * the library loads, so the recorder sets them when it is created, before any cell runs.
 */

/** TensorFlow (tfjs-node, tfjs-node-gpu) picks deterministic kernels when these are "1". */
export const DETERMINISM_ENVIRONMENT: Readonly<Record<string, string>> = {
  TF_DETERMINISTIC_OPS: "1",
  TF_CUDNN_DETERMINISTIC: "1",
};

/** Set each variable the user has not set; return the values in effect, for the lineage. */
export function applyDeterminismEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const applied: Record<string, string> = {};
  for (const [name, value] of Object.entries(DETERMINISM_ENVIRONMENT)) {
    env[name] ??= value;
    applied[name] = env[name] ?? value;
  }
  return applied;
}
