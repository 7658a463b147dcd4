/** The connection file Jupyter writes for a kernel: validated at the boundary, trusted after. */
import { getHashes } from "node:crypto";
import { readFileSync } from "node:fs";
import { KernelError } from "./errors.js";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  key: string;
  signatureScheme: string;
  ports: { shell: number; iopub: number; stdin: number; control: number; hb: number };
}

const PORTS = ["shell", "iopub", "stdin", "control", "hb"] as const;

/** Read and validate a connection file. */
export function readConnectionFile(path: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new KernelError(
      "connection-unreadable",
      `cannot read connection file ${path}: ${(error as Error).message}`,
    );
  }
  return parseConnection(text);
}

/** Validate connection-file JSON; the message names the field that is wrong. */
export function parseConnection(text: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new KernelError("connection-invalid", "connection file is not JSON");
  }
  if (raw === null || typeof raw !== "object")
    throw new KernelError("connection-invalid", "connection file must hold an object");
  const r = raw as Record<string, unknown>;
  const transport = r["transport"] ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new KernelError(
      "connection-invalid",
      `transport must be "tcp" or "ipc", got ${JSON.stringify(transport)}`,
    );
  }
  const ip = r["ip"];
  if (typeof ip !== "string" || ip === "")
    throw new KernelError("connection-invalid", "ip must be a non-empty string");
  const key = r["key"] ?? "";
  if (typeof key !== "string") throw new KernelError("connection-invalid", "key must be a string");
  const scheme = r["signature_scheme"] ?? "hmac-sha256";
  if (typeof scheme !== "string" || !/^hmac-[a-z0-9]+$/.test(scheme)) {
    throw new KernelError(
      "connection-invalid",
      `signature_scheme must look like "hmac-sha256", got ${JSON.stringify(scheme)}`,
    );
  }
  // Checked here, where the other fields are, so the kernel exits 2 with this message
  // instead of failing later in the protocol process with a stack trace.
  if (!getHashes().includes(scheme.slice("hmac-".length))) {
    throw new KernelError(
      "connection-invalid",
      `signature_scheme ${JSON.stringify(scheme)} names a hash this Node does not have: use "hmac-sha256"`,
    );
  }
  const ports = Object.fromEntries(
    PORTS.map((name) => {
      const port = r[`${name}_port`];
      if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
        throw new KernelError(
          "connection-invalid",
          `${name}_port must be an integer port, got ${JSON.stringify(port)}`,
        );
      }
      return [name, port];
    }),
  ) as ConnectionInfo["ports"];
  return { transport, ip, key, signatureScheme: scheme, ports };
}

/** The ZeroMQ endpoint for one channel; binds only to the file's ip. */
export function endpoint(info: ConnectionInfo, channel: keyof ConnectionInfo["ports"]): string {
  const port = info.ports[channel];
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
