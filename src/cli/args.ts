/**
 * Command-line parsing: argv → a typed request, or a one-line usage error. Pure.
 */
import { parseArgs } from "node:util";
import { parseSize } from "../config/size.js";
import { FORMATS, type FormatName } from "../formatters/index.js";

export const USAGE = `Usage: deploylint [options] [paths...]
       deploylint explain RULE
       deploylint rules
       deploylint init           (write a starter .deploylint.yaml here)
       deploylint lsp --stdio    (the language server; see docs/editors.md)

Lints C/C++ for misleading indentation and deployment files (Dockerfiles, upstart jobs,
systemd units, Makefiles, shell scripts) for the hazards that fail in production.

Options:
  -f, --format NAME         output format: ${FORMATS.join(", ")} (default: text, or
                            github when GITHUB_ACTIONS=true)
  -o, --output-file FILE    write the report to FILE instead of standard output
      --quiet               report errors only
      --max-warnings N      exit 1 when there are more than N warnings
      --fix                 apply every safe fix, re-lint (up to 10 passes) and report what
                            remains; files are rewritten atomically, keeping mode, line
                            endings and BOM
      --fix-unsafe          like --fix, and also apply unsafe fixes (they may change behaviour)
      --fix-dry-run         print the unified diff --fix (with --fix-unsafe: the unsafe set
                            too) would make, then the findings that would remain; write nothing
      --statistics          print a count of findings per rule instead of the findings
                            ([*]: --fix fixes some, [-]: --fix-unsafe does); JSON with -f json
      --cache               reuse the results of files unchanged since the last run (keyed by
                            content, rule settings and version; not with --stdin)
      --cache-location DIR  where --cache keeps cache.json (implies --cache; default
                            node_modules/.cache/deploylint under --root)
  -c, --config FILE         use only this config file (no search for .deploylint.yaml /
                            deploylint.config.json up the tree; its globs are relative to
                            the working directory)
      --print-config FILE   print the configuration that applies to FILE, as JSON
      --rule RULE           run only this rule (repeatable, or comma-separated)
      --disable RULE        do not run this rule (repeatable, or comma-separated)
      --stdin               lint standard input
      --stdin-filename PATH the file name standard input stands for (decides the language)
  -j, --jobs N              worker threads (default: the number of cores; 1 lints in this
                            thread, or in one worker from 16,384 files)
      --max-file-size SIZE  skip files larger than SIZE (bytes, or with K/M suffix; default 5M)
      --root DIR            the repository root that SARIF and GitHub annotation paths
                            are relative to (default: the nearest directory above with
                            a .git; symlinks are resolved)
      --sarif-include-suppressed
                            with --format sarif: also report suppressed findings, marked
                            with suppressions (GitHub code scanning ignores the mark)
      --color, --no-color   force colours on or off (default: on for a terminal, honours
                            NO_COLOR and FORCE_COLOR)
  -v, --version             print the version
  -h, --help                print this help

Exit status: 0 no error-level findings, 1 error-level findings (or more warnings than
--max-warnings), 2 usage error, unreadable argument or internal failure.`;

export type Command =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "explain"; rule: string }
  | { kind: "rules"; format: "text" | "json" }
  | { kind: "init" }
  | { kind: "lsp"; args: string[] }
  | { kind: "lint"; options: LintRequest };

export interface LintRequest {
  paths: string[];
  format: FormatName | undefined;
  outputFile: string | undefined;
  quiet: boolean;
  maxWarnings: number | undefined;
  only: string[];
  disable: string[];
  stdin: boolean;
  stdinFilename: string | undefined;
  maxBytes: number | undefined;
  jobs: number | undefined;
  root: string | undefined;
  /** SARIF only: report suppressed findings too (with `suppressions`) instead of leaving them out. */
  sarifIncludeSuppressed: boolean;
  color: boolean | undefined;
  /** `--fix`, `--fix-unsafe`, `--fix-dry-run` as given (see fixRequestOf in fix-output.ts). */
  fix: { fix: boolean; unsafe: boolean; dryRun: boolean };
  /** `--statistics`: a count per rule replaces the report. */
  statistics: boolean;
  /** `--cache` (or `--cache-location`): undefined when off; `dir` undefined for the default place. */
  cache: { dir: string | undefined } | undefined;
  /** `--config FILE`: only this config file applies. */
  configFile: string | undefined;
  /** `--print-config FILE`: print FILE's effective configuration instead of linting. */
  printConfig: string | undefined;
}

export type Parsed = { ok: true; command: Command } | { ok: false; message: string };

const OPTIONS = {
  format: { type: "string", short: "f" },
  "output-file": { type: "string", short: "o" },
  quiet: { type: "boolean" },
  "max-warnings": { type: "string" },
  fix: { type: "boolean" },
  "fix-unsafe": { type: "boolean" },
  "fix-dry-run": { type: "boolean" },
  statistics: { type: "boolean" },
  cache: { type: "boolean" },
  "cache-location": { type: "string" },
  config: { type: "string", short: "c" },
  "print-config": { type: "string" },
  rule: { type: "string", multiple: true },
  disable: { type: "string", multiple: true },
  stdin: { type: "boolean" },
  "stdin-filename": { type: "string" },
  "max-file-size": { type: "string" },
  jobs: { type: "string", short: "j" },
  root: { type: "string" },
  "sarif-include-suppressed": { type: "boolean" },
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  version: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
} as const;

export function parseCommandLine(argv: readonly string[]): Parsed {
  // The language server takes its own arguments (`--stdio`), checked by src/lsp.
  if (argv[0] === "lsp") return { ok: true, command: { kind: "lsp", args: argv.slice(1) } };
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    return { ok: false, message: usageMessage(e) };
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { ok: true, command: { kind: "help" } };
  if (v.version) return { ok: true, command: { kind: "version" } };
  if (positionals[0] === "explain") {
    if (positionals.length !== 2) return { ok: false, message: "explain takes one rule id, e.g. `deploylint explain c/misleading-indentation`" };
    return { ok: true, command: { kind: "explain", rule: positionals[1] as string } };
  }
  if (positionals[0] === "init") {
    if (positionals.length !== 1) return { ok: false, message: "init takes no arguments: it writes .deploylint.yaml in the current directory" };
    return { ok: true, command: { kind: "init" } };
  }
  if (positionals[0] === "rules") {
    const f = v.format ?? "text";
    if (f !== "text" && f !== "json") return { ok: false, message: "rules: --format must be text or json" };
    return { ok: true, command: { kind: "rules", format: f } };
  }
  if (v.format !== undefined && !(FORMATS as readonly string[]).includes(v.format)) {
    return { ok: false, message: `unknown format '${v.format}' (choose from ${FORMATS.join(", ")})` };
  }
  let maxWarnings: number | undefined;
  if (v["max-warnings"] !== undefined) {
    maxWarnings = Number(v["max-warnings"]);
    if (!Number.isInteger(maxWarnings) || maxWarnings < 0) {
      return { ok: false, message: `--max-warnings takes a whole number, not '${v["max-warnings"]}'` };
    }
  }
  let maxBytes: number | undefined;
  if (v["max-file-size"] !== undefined) {
    maxBytes = parseSize(v["max-file-size"]);
    if (maxBytes === undefined) return { ok: false, message: `--max-file-size takes a size like 5M or 500K, not '${v["max-file-size"]}'` };
  }
  let jobs: number | undefined;
  if (v.jobs !== undefined) {
    jobs = Number(v.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) return { ok: false, message: `--jobs takes a whole number of at least 1, not '${v.jobs}'` };
  }
  if (v.stdin && positionals.length > 0) return { ok: false, message: "--stdin lints standard input: give no paths with it" };
  if (v.stdin && !v["stdin-filename"]) return { ok: false, message: "--stdin needs --stdin-filename PATH (the name decides the language)" };
  if (!v.stdin && v["stdin-filename"]) return { ok: false, message: "--stdin-filename goes with --stdin" };
  if (v["sarif-include-suppressed"] && v.format !== "sarif") return { ok: false, message: "--sarif-include-suppressed goes with --format sarif" };
  const anyFix = v.fix || v["fix-unsafe"] || v["fix-dry-run"];
  if (v.stdin && anyFix) return { ok: false, message: "--fix, --fix-unsafe and --fix-dry-run work on files, not --stdin (editors: the language server offers each fix)" };
  if (v.statistics && v.format !== undefined && v.format !== "text" && v.format !== "json") {
    return { ok: false, message: "--statistics prints a table, or JSON with --format json; not " + v.format };
  }
  if (v.color && v["no-color"]) return { ok: false, message: "--color and --no-color contradict each other" };
  return {
    ok: true,
    command: {
      kind: "lint",
      options: {
        paths: positionals.length > 0 ? positionals : ["."],
        format: v.format as FormatName | undefined,
        outputFile: v["output-file"],
        quiet: v.quiet ?? false,
        maxWarnings,
        only: splitList(v.rule),
        disable: splitList(v.disable),
        stdin: v.stdin ?? false,
        stdinFilename: v["stdin-filename"],
        maxBytes,
        jobs,
        root: v.root,
        sarifIncludeSuppressed: v["sarif-include-suppressed"] ?? false,
        color: v.color ? true : v["no-color"] ? false : undefined,
        fix: { fix: v.fix ?? false, unsafe: v["fix-unsafe"] ?? false, dryRun: v["fix-dry-run"] ?? false },
        statistics: v.statistics ?? false,
        cache: v.cache || v["cache-location"] !== undefined ? { dir: v["cache-location"] } : undefined,
        configFile: v.config,
        printConfig: v["print-config"],
      },
    },
  };
}

function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
}

function usageMessage(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Node's messages end with a hint to use "--" for positionals; keep the first sentence.
  return msg.split(". ")[0]?.replace(/^Unknown option/, "unknown option") ?? msg;
}

/** Colour: explicit flag, then NO_COLOR, then FORCE_COLOR, then whether the output is a terminal. */
export function decideColor(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flag !== undefined) return flag;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return isTTY;
}
