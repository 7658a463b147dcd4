/**
 * A free TCP port on 127.0.0.1, for tests that start a server (a kernel, Jupyter Server,
 * MLflow) on a port of their choosing: the one copy, so every test probes the same way.
 */
import { createServer } from "node:net";

/** A port nobody listens on right now (the OS picks it; it is free again once the probe closes). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address !== null
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}
