/**
 * Language detection by file name, extension and (for extensionless scripts) shebang.
 * Pure: takes a path and, where the name is not enough, the first lines of the file.
 */
import path from "node:path";
import { withoutComments } from "../languages/c/text.js";
import { isUpstartJob } from "../languages/upstart/index.js";
import type { LanguageId } from "./types.js";

const BY_EXTENSION: Record<string, LanguageId> = {
  ".c": "c",
  ".h": "c",
  ".cc": "cpp",
  ".cpp": "cpp",
  ".cxx": "cpp",
  ".c++": "cpp",
  ".hpp": "cpp",
  ".hh": "cpp",
  ".hxx": "cpp",
  ".h++": "cpp",
  ".sh": "shell",
  ".bash": "shell",
};

/**
 * Extra file-name patterns (config `languages`): the language they give a path, if any. They are
 * consulted before the built-in table and trusted as they are (no check of the text).
 */
export type LanguagePatterns = (filePath: string) => LanguageId | undefined;

/**
 * The language a file's name says it is. `.conf` says "upstart" only tentatively: not every
 * `.conf` is an upstart job, so `confirmLanguage` checks the text before it is linted.
 */
export function languageFromName(filePath: string, patterns?: LanguagePatterns): LanguageId | undefined {
  const byPattern = patterns?.(filePath);
  if (byPattern) return byPattern;
  const base = path.basename(filePath);
  const ext = path.extname(base).toLowerCase();
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  if (/^(Dockerfile|Containerfile)(\..+)?$/.test(base) || /\.(Dockerfile|dockerfile)$/.test(base)) return "dockerfile";
  if (ext === ".service") return "systemd";
  if (ext === ".conf") return "upstart";
  if (base === "Makefile" || base === "makefile" || base === "GNUmakefile" || ext === ".mk") return "make";
  if (/entrypoint/i.test(base) && ext === "") return "shell";
  return undefined;
}

/**
 * Constructs only C++ has, at the start of a line or anywhere: `template <`, `namespace x {`,
 * `class X {` or `class X : public Y`, an access specifier, `using namespace`, an extensionless
 * standard header (`#include <vector>`, `<cstdio>`), `std::`, the C++ casts, `operator==(`. Not
 * `typename` or `operator` alone: C code may name a variable so. A C header's
 * `#ifdef __cplusplus` / `extern "C" {` guard is none of these.
 */
const CPP_ONLY =
  /^[ \t]*(?:template[ \t]*<|namespace(?:[ \t]+[A-Za-z_][\w:]*)?[ \t]*\{|(?:class|struct)[ \t]+[A-Za-z_]\w*[^;(){}]*:[ \t]*(?:public|private|protected)\b|class[ \t]+[A-Za-z_]\w*[ \t\n]*(?:final[ \t\n]*)?\{|(?:public|private|protected)[ \t]*:|using[ \t]+namespace\b|#[ \t]*include[ \t]*<[a-z_]+>)|\bstd::|\b(?:static_cast|dynamic_cast|reinterpret_cast|const_cast)[ \t]*<|\boperator[ \t]*(?:\(\)|new\b|delete\b|[-+*/%^&|~!=<>[\]]+)[ \t]*\(/m;

/** Whether a text uses C++ (see `CPP_ONLY`), outside comments and string literals. */
export function looksLikeCpp(text: string): boolean {
  // A `class` in a comment or a string is no C++.
  return CPP_ONLY.test(withoutComments(text));
}

/**
 * The language of a file whose name said `language`, now that its whole text is known: a `.h`
 * header is C unless it uses C++ (`looksLikeCpp`), then it is parsed with the C++ grammar. Parsed
 * as C, a C++ header is mostly error recovery: guards inside it go unchecked, and tree-sitter
 * parses it several times slower. Called only where the language came from the file name (not
 * from config `languages` patterns or an editor's language id, which are trusted).
 */
export function refineLanguage(filePath: string, language: LanguageId, text: string): LanguageId {
  if (language !== "c" || path.extname(filePath).toLowerCase() !== ".h") return language;
  return looksLikeCpp(text) ? "cpp" : language;
}

/** Whether a file named as `language` really is one (an upstart job among `.conf` files). */
export function confirmLanguage(language: LanguageId, text: string): boolean {
  return language !== "upstart" || isUpstartJob(text);
}

const SHELL_INTERPRETERS = new Set(["sh", "bash", "dash", "ash", "ksh"]);

/** The interpreter a `#!` line names (`/bin/sh -e` → `sh`, `/usr/bin/env bash` → `bash`). */
export function shebangInterpreter(firstLine: string): string | undefined {
  const m = /^#!\s*(\S+)(?:\s+(.*))?$/.exec(firstLine.replace(/\r$/, ""));
  if (!m) return undefined;
  const prog = path.posix.basename(m[1] as string);
  if (prog === "env") {
    const args = (m[2] ?? "").split(/\s+/).filter((a) => a && !a.startsWith("-") && !a.includes("="));
    return args[0] ? path.posix.basename(args[0]) : undefined;
  }
  return prog;
}

/**
 * The language of a file. `head` is the start of its text (a few hundred bytes suffice), used
 * for files whose name does not decide: a `sh`/`bash`/`dash` shebang on line 1, or on line 2
 * after a comment line.
 */
export function detectLanguage(filePath: string, head?: string, patterns?: LanguagePatterns): LanguageId | undefined {
  const byPattern = patterns?.(filePath);
  if (byPattern) return byPattern;
  const byName = languageFromName(filePath);
  if (byName) return head === undefined || confirmLanguage(byName, head) ? byName : undefined;
  if (head === undefined || path.extname(filePath) !== "") return undefined;
  const lines = head.split("\n", 3);
  const first = lines[0] ?? "";
  const candidates = first.startsWith("#!") ? [first] : first.startsWith("#") ? [lines[1] ?? ""] : [];
  for (const line of candidates) {
    const interp = line.startsWith("#!") ? shebangInterpreter(line) : undefined;
    if (interp && SHELL_INTERPRETERS.has(interp)) return "shell";
  }
  return undefined;
}

/** Whether detection of this path needs the file's first bytes (no extension decided it). */
export function needsHead(filePath: string): boolean {
  return languageFromName(filePath) === undefined && path.extname(filePath) === "";
}
