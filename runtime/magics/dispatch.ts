/**
 * Which module handles which magic. Handlers load on first use, so a session that never
 * exports never loads the export code.
 */
import { ReplabError } from "../errors.js";
import type { ExecuteResultValue, OutputSink } from "../session/types.js";
import type { MagicLine } from "./registry.js";
import type { ReproExportServices } from "./repro-export.js";
import type { ReproVerifyServices } from "./repro-verify.js";
import type { Recorder } from "../repro/recorder.js";

/** Everything any magic may need from the session. */
export type MagicServices = ReproExportServices & ReproVerifyServices & { recorder: Recorder };

type Handler = (
  line: MagicLine,
  sink: OutputSink,
  services: MagicServices,
) => Promise<ExecuteResultValue | undefined>;

const REPRO_SUBCOMMANDS: Record<string, Handler> = {
  export: async (line, sink, services) => {
    const { reproExport } = await import("./repro-export.js");
    return reproExport({ args: line.args, body: line.body, sink, services });
  },
  verify: async (line, sink, services) => {
    const { reproVerify } = await import("./repro-verify.js");
    return reproVerify({ args: line.args, body: line.body, sink, services });
  },
  seed: async (line, sink, services) => {
    const { reproSeed } = await import("./repro-seed.js");
    return reproSeed({ args: line.args, body: line.body, sink, services });
  },
  status: async (line, sink, services) => {
    const { reproStatus } = await import("./repro-status.js");
    return reproStatus({ args: line.args, body: line.body, sink, services });
  },
  report: async (line, sink, services) => {
    const { reproReport } = await import("./repro-report.js");
    return reproReport({ args: line.args, body: line.body, sink, services });
  },
  runs: async (line, sink, services) => {
    const { reproRuns } = await import("./repro-runs.js");
    return reproRuns({ args: line.args, body: line.body, sink, services });
  },
};

/** The `%repro` subcommands, for help and completion. */
export function reproSubcommands(): string[] {
  return [...Object.keys(REPRO_SUBCOMMANDS), "help"];
}

async function help(): Promise<ExecuteResultValue> {
  const { magicHelp } = await import("./help.js");
  return magicHelp(reproSubcommands());
}

/** Run a magic line; throws ReplabError "unknown-magic" for names and subcommands replab does not have. */
export async function runMagic(
  line: MagicLine,
  sink: OutputSink,
  services: MagicServices,
): Promise<ExecuteResultValue | undefined> {
  if (
    line.name === "lsmagic" ||
    (line.name === "repro" && ["", "help", "--help", "-h"].includes(line.args[0] ?? ""))
  ) {
    return help();
  }
  if (line.name === "repro") {
    const sub = line.args[0] ?? "";
    const handler = REPRO_SUBCOMMANDS[sub];
    if (handler === undefined) {
      throw new ReplabError(
        "unknown-magic",
        `Unknown subcommand '%repro ${sub}'. Use one of: ${reproSubcommands().join(", ")} (%repro help says what each does).`,
      );
    }
    return handler(line, sink, services);
  }
  if (line.name === "lineage") {
    const { lineageMagic } = await import("./lineage.js");
    return lineageMagic({ args: line.args, body: line.body, sink, services });
  }
  throw new ReplabError(
    "unknown-magic",
    `Unknown magic %${line.name}. replab has %repro (${reproSubcommands().join(", ")}), %lineage and %lsmagic; %repro help says what each does.`,
  );
}
