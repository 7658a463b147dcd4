/** kernel/connection.ts: the connection file is validated at the boundary. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  endpoint,
  parseConnection,
  readConnectionFile,
  type ConnectionInfo,
} from "../../kernel/connection.js";
import { isKernelError, type KernelErrorCode } from "../../kernel/errors.js";

/** A connection file as jupyter_client writes one. */
const FILE = {
  shell_port: 50001,
  iopub_port: 50002,
  stdin_port: 50003,
  control_port: 50004,
  hb_port: 50005,
  ip: "127.0.0.1",
  key: "a0436f6c-1916-498b-8eb9-e81ab9368e84",
  transport: "tcp",
  signature_scheme: "hmac-sha256",
  kernel_name: "replab",
};

function code(run: () => unknown): KernelErrorCode | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!isKernelError(error)) throw error;
    return error.code;
  }
}

describe("parseConnection", () => {
  it("reads jupyter_client's connection file", () => {
    const info = parseConnection(JSON.stringify(FILE));
    expect(info).toEqual<ConnectionInfo>({
      transport: "tcp",
      ip: "127.0.0.1",
      key: FILE.key,
      signatureScheme: "hmac-sha256",
      ports: { shell: 50001, iopub: 50002, stdin: 50003, control: 50004, hb: 50005 },
    });
  });

  it("defaults transport, key and scheme as the protocol does", () => {
    const rest: Record<string, unknown> = { ...FILE };
    for (const field of ["transport", "key", "signature_scheme"]) delete rest[field];
    const info = parseConnection(JSON.stringify(rest));
    expect(info.transport).toBe("tcp");
    expect(info.key).toBe("");
    expect(info.signatureScheme).toBe("hmac-sha256");
  });

  it("rejects text that is not a JSON object", () => {
    for (const text of ["", "{", "[]", "null", "3"]) {
      expect(code(() => parseConnection(text))).toBe("connection-invalid");
    }
  });

  it("rejects each malformed field", () => {
    const bad: Record<string, unknown>[] = [
      { transport: "udp" },
      { ip: "" },
      { ip: 127 },
      { key: 5 },
      { signature_scheme: "sha256" },
      { signature_scheme: "hmac-SHA256; rm" },
      // Well formed but no such hash: refused here, not later in the protocol process.
      { signature_scheme: "hmac-nosuchhash" },
      { shell_port: "50001" },
      { iopub_port: -1 },
      { hb_port: 70000 },
      { control_port: 1.5 },
      { stdin_port: undefined },
    ];
    for (const change of bad) {
      expect(code(() => parseConnection(JSON.stringify({ ...FILE, ...change })))).toBe(
        "connection-invalid",
      );
    }
  });

  it("never puts the key in an error message", () => {
    let message = "";
    try {
      parseConnection(JSON.stringify({ ...FILE, hb_port: "x" }));
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("hb_port");
    expect(message).not.toContain(FILE.key);
  });
});

describe("readConnectionFile", () => {
  it("reads a file and names a missing one connection-unreadable", () => {
    const dir = mkdtempSync(join(tmpdir(), "replab-conn-"));
    const path = join(dir, "kernel.json");
    writeFileSync(path, JSON.stringify(FILE));
    expect(readConnectionFile(path).ports.hb).toBe(50005);
    expect(code(() => readConnectionFile(join(dir, "missing.json")))).toBe("connection-unreadable");
  });
});

describe("endpoint", () => {
  it("binds tcp to the file's ip and port, ipc to ip-port", () => {
    const info = parseConnection(JSON.stringify(FILE));
    expect(endpoint(info, "shell")).toBe("tcp://127.0.0.1:50001");
    expect(endpoint(info, "hb")).toBe("tcp://127.0.0.1:50005");
    const ipc = parseConnection(JSON.stringify({ ...FILE, transport: "ipc", ip: "/tmp/k" }));
    expect(endpoint(ipc, "control")).toBe("ipc:///tmp/k-50004");
  });
});
