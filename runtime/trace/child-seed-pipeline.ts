import { CHILD_PROCESS_CALLS, childSeedArgs } from "./child-seed-args.js";
import { CHILD_RANDOM_VARIABLE } from "./child-seed-key.js";
import { workerExecArgv, workerSeedArgs } from "./worker-seed-args.js";

/**
 * The exported pipeline's side of child and Worker seeding (child-seed.ts, worker-seed.ts) and of late output
 * (executor/cell-context.ts), as TypeScript text its header includes: a child `node` process
 * a cell starts draws from `<cell key>:child:<n>` as it did in the notebook, and under
 * `replab verify` what a cell's timers print later is marked as that cell's, as `replab run`
 * attributed it. The preload cannot be replab's file (an export stands alone), so it is a
 * data: URL importing the export's own seedrandom.
 */

/** Goes after the header's `require` and locale relaunch, before the first cell. */
export const PIPELINE_CHILD_SEED = String.raw`
// A child node process a cell starts (spawn, execFile, fork and their Sync forms) draws
// Math.random from the cell's stream as in the notebook: NODE_OPTIONS imports a preload that
// seeds it with "<cell key>:child:<n>", the cell's n-th child from 0.
const __child = { key: "", count: 0 };
const __childPreload = "data:text/javascript;base64," + Buffer.from(
  "import seedrandom from " + JSON.stringify(__url.pathToFileURL(require.resolve("seedrandom")).href) + ";\n" +
  "const key = process.env.REPLAB_CHILD_RANDOM;\nif (key) Math.random = seedrandom(key);\n",
).toString("base64");
/**
 * A child_process call's arguments with the seeding added; undefined when Node is not the
 * program. It is replab's own rule as replab was built (JavaScript: its parameters take their
 * types from this declaration, and args is whatever the cell passed).
 */
const __childSeedArgs: (name: string, args: any[], seeding: {
  preloadHref: string; execPath: string; basename(path: string): string; variable: string; key: string; env: NodeJS.ProcessEnv;
}) => unknown[] | undefined = ${childSeedArgs.toString()};
{
  const childProcess = require("node:child_process") as Record<string, unknown>;
  // Each call is the cell's next child, Node or not, as the kernel counts them.
  for (const name of [${CHILD_PROCESS_CALLS.map((name) => JSON.stringify(name)).join(", ")}]) {
    const original = childProcess[name] as (...args: unknown[]) => unknown;
    childProcess[name] = function (this: unknown, ...args: unknown[]): unknown {
      const key = __child.key + ":child:" + __child.count++;
      const seeding = {
        preloadHref: __childPreload, execPath: process.execPath, basename: __path.basename,
        variable: ${JSON.stringify(CHILD_RANDOM_VARIABLE)}, key, env: process.env,
      };
      return original.apply(this, __childSeedArgs(name, args, seeding) ?? args);
    };
  }
  (require("node:module") as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}

// Under replab verify, output a cell's timers print after the cell is marked as that cell's.
const __origin = __mark === undefined
  ? undefined
  : new (require("node:async_hooks") as typeof import("node:async_hooks")).AsyncLocalStorage<string>();
let __marked: string | undefined;
if (__origin !== undefined) {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((...args: unknown[]): boolean => {
    const id = __origin.getStore();
    if (id !== undefined && id !== __marked) {
      __marked = id;
      write("\x1e" + __mark + " " + id + "\n");
    }
    return write(...args);
  }) as typeof process.stdout.write;
}

// A Worker a cell starts draws from "<cell key>:worker:<n>" as in the notebook. A Worker runs
// --require preloads only, which must be files: this one is written once to the temporary
// directory. Options a Worker inherits but refuses when given (--max-old-space-size) are
// learnt from its refusal and left out.
let __workers = 0;
let __workerInherits: readonly string[] = process.execArgv;
/** A Worker's constructor arguments with the seeding added (replab's rule, as for children). */
const __workerSeedArgs: (args: any[], seeding: {
  preload: string; variable: string; key: string; inherited: readonly string[]; env: NodeJS.ProcessEnv;
}) => unknown[] | undefined = ${workerSeedArgs.toString()};
/** The inherited options a Worker accepts, learnt from its refusal; undefined when it named none. */
const __workerExecArgv: (refusal: any, execArgv: readonly string[]) => string[] | undefined = ${workerExecArgv.toString()};
{
  const threads = require("node:worker_threads") as { Worker: new (...args: unknown[]) => object };
  const Original = threads.Worker;
  const proxy: typeof Original = new Proxy(Original, {
    construct(target, args: unknown[], newTarget) {
      const Target = newTarget === proxy ? target : newTarget;
      const build = (with_: unknown[]): object => Reflect.construct(target, with_, Target) as object;
      const key = __child.key + ":worker:" + __workers++;
      const seeded = __seededWorker(args, key);
      if (seeded === undefined) return build(args);
      try {
        return build(seeded);
      } catch (refusal) {
        // The cell's own execArgv is passed on as given: a refusal of it is the cell's error.
        const own = (args[1] as { execArgv?: unknown } | undefined)?.execArgv;
        const kept = own === undefined ? __workerExecArgv(refusal, __workerInherits) : undefined;
        if (kept === undefined) return build(args);
        __workerInherits = kept;
        return build(__seededWorker(args, key) ?? args);
      }
    },
  });
  threads.Worker = proxy;
  (require("node:module") as { syncBuiltinESMExports(): void }).syncBuiltinESMExports();
}

/** A Worker's arguments seeded with the preload file, written once; undefined when its options do not allow it. */
function __seededWorker(args: unknown[], key: string): unknown[] | undefined {
  const code = "const seedrandom = require(" + JSON.stringify(require.resolve("seedrandom")) + ");\n" +
    "const key = process.env.REPLAB_CHILD_RANDOM;\nif (key) Math.random = seedrandom(key);\n";
  const name = "replab-worker-seed-" + __crypto.createHash("sha256").update(code).digest("hex").slice(0, 16) + ".cjs";
  const preload = __path.join((require("node:os") as { tmpdir(): string }).tmpdir(), name);
  const variable = ${JSON.stringify(CHILD_RANDOM_VARIABLE)};
  const seeded = __workerSeedArgs(args, { preload, variable, key, inherited: __workerInherits, env: process.env });
  if (seeded !== undefined && !__fs.existsSync(preload)) {
    // Another pipeline may be writing it too: a whole file, renamed into place.
    __fs.writeFileSync(preload + "." + process.pid, code);
    __fs.renameSync(preload + "." + process.pid, preload);
  }
  return seeded;
}

/** A cell starts: its children's stream key, and (under verify) the cell its later output is. */
function __cellStarted(id: string, key: string): void {
  __child.key = key;
  __child.count = 0;
  __workers = 0;
  __origin?.enterWith(id);
  __marked = id; // __startCell writes this cell's mark next
}
`;
