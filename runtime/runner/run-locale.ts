/**
 * The time zone and locale of a `replab run` (docs/determinism.md, "Time zone and locale"):
 * the machine's never leak into a run. A run uses the time zone and default locale the
 * notebook's last run recorded in metadata.replab (timeZone, locale), else UTC and en-US. TZ is
 * set in the process before any cell runs; Node reads the locale only at start-up, so a run
 * whose process has another one runs itself again, once, with LC_ALL naming it (relaunch.ts).
 * Both are recorded again, and the exported pipeline runs with them.
 */
import type { Notebook } from "../notebook/types.js";
import { storedReplab } from "./metadata.js";

/** What a run recorded: an IANA time zone and a BCP 47 locale. */
export interface RunLocale {
  timeZone: string;
  locale: string;
}

/** The time zone of a notebook that recorded none. */
export const DEFAULT_TIME_ZONE = "UTC";

/** The locale of a notebook that recorded none. */
export const DEFAULT_LOCALE = "en-US";

/** The LC_ALL value that makes Node start with a BCP 47 locale: "de-DE" -> "de_DE.UTF-8". */
export function posixLocale(locale: string): string {
  const base = locale.split("-u-")[0] ?? locale;
  return `${base.split("-").join("_")}.UTF-8`;
}

/**
 * The locale `notebook` should run with when this process's default locale is another one
 * (a new process must start with it, relaunch.ts); undefined when this process may go on.
 */
export function wantedLocale(notebook: Notebook): string | undefined {
  const stored = storedReplab(notebook)?.["locale"];
  // The default needs no check, and the first call into ICU costs ~10 ms of the run.
  const wanted =
    stored === DEFAULT_LOCALE || typeof stored !== "string" || !isLocale(stored)
      ? DEFAULT_LOCALE
      : stored;
  const current = evidentLocale(process.env) ?? runLocale().locale;
  return current === wanted ? undefined : wanted;
}

/**
 * The default locale Node starts with in `env`, when the environment settles it without asking
 * ICU: ICU takes the first of LC_ALL, LC_MESSAGES and LANG that is set, and none, C, POSIX
 * (with any codeset) or en_US is en-US. Anything else is undefined: ask ICU.
 */
export function evidentLocale(env: NodeJS.ProcessEnv): typeof DEFAULT_LOCALE | undefined {
  const named = env["LC_ALL"] ?? env["LC_MESSAGES"] ?? env["LANG"];
  if (named === undefined) return DEFAULT_LOCALE;
  const base = /^([A-Za-z_]+)(?:\.[\w-]+)?$/.exec(named)?.[1];
  return base === "C" || base === "POSIX" || base === "en_US" ? DEFAULT_LOCALE : undefined;
}

/** Set TZ for the run of `notebook`: its recorded time zone when it is a valid one, else UTC. */
export function applyRunTimeZone(notebook: Notebook): void {
  const stored = storedReplab(notebook)?.["timeZone"];
  // UTC needs no check (the first call into ICU costs ~10 ms of the run).
  process.env["TZ"] =
    typeof stored === "string" && (stored === DEFAULT_TIME_ZONE || isTimeZone(stored))
      ? stored
      : DEFAULT_TIME_ZONE;
}

/** The time zone and default locale in effect now. */
export function runLocale(): RunLocale {
  const options = Intl.DateTimeFormat().resolvedOptions();
  return { timeZone: options.timeZone, locale: options.locale };
}

function isLocale(name: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([name]).length === 1;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
