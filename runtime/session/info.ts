/** kernel_info facts that must be available before any compiler loads. */
import type { Language } from "./types.js";

/** Jupyter's language_info for each kernel. */
export function languageInfo(language: Language): Record<string, unknown> {
  if (language === "typescript") {
    return {
      name: "typescript",
      version: "6.0",
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // A plain name: JupyterLab 4 looks it up by name and highlights TypeScript (the old
      // `{ name: "javascript", typescript: true }` resolved to JavaScript), and strict
      // protocol clients that expect a string accept it.
      codemirror_mode: "typescript",
    };
  }
  return {
    name: "javascript",
    version: process.versions.node,
    mimetype: "text/javascript",
    file_extension: ".js",
    pygments_lexer: "javascript",
    codemirror_mode: "javascript",
  };
}

/** The kernel banner: what runs, and that it is seeded. */
export function banner(language: Language, seed: number): string {
  const name = language === "typescript" ? "TypeScript" : "JavaScript";
  return `replab: ${name} on Node.js ${process.version}, reproducible by default (seed ${seed})`;
}
