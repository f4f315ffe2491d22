/**
 * argv → config → lint → formatter → exit code. The only place that calls process.exit.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_MAX_BYTES } from "../engine/read.js";
import { Linter } from "../engine/lint.js";
import { allRules, findRule, selectRules } from "../engine/registry.js";
import { unsuppressed, withoutSuppressed, withRealPaths } from "../engine/result.js";
import { isWorkerStartFailure } from "../engine/pool.js";
import { lintPaths, lintText } from "../engine/run.js";
import { excerptsOf } from "../engine/excerpt.js";
import type { RunResult } from "../engine/types.js";
import { renderRuleMarkdown, fixLabel } from "../docs/render.js";
import { DEFAULT_DOCS_BASE_URL, defaultFormat, format, INFORMATION_URI, sourceNeeds, type FormatName } from "../formatters/index.js";
import { formatStatisticsJson, formatStatisticsText } from "../formatters/statistics.js";
import { boundHeapGrowth } from "./heap.js";
import { allowWasmTierUp, baselineOnly, wasmTiering } from "./wasm-tiering.js";
import { decideColor, parseCommandLine, USAGE, type LintRequest } from "./args.js";
import { stdoutIsTerminal, writeStdout } from "./stdout.js";
import { dryRunDiff, fixFailures, fixRequestOf, fixSummaryLine } from "./fix-output.js";
import { ConfigLoadError } from "../config/index.js";
import { printConfig, reportConfigErrors, resolverFor, runConfig, runInit } from "./config-commands.js";

export const EXIT = { clean: 0, findings: 1, failure: 2 } as const;

/** A failure the user should see as one line, with exit status 2. */
export class UsageError extends Error {}

/** deploylint's own version, from the nearest package.json above this module (works from src/ and dist/). */
function packageVersion(): string {
  for (let d = path.dirname(fileURLToPath(import.meta.url)); ; d = path.dirname(d)) {
    const pkg = path.join(d, "package.json");
    if (existsSync(pkg)) return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
    if (path.dirname(d) === d) return "0.0.0";
  }
}

export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const parsed = parseCommandLine(argv);
  if (!parsed.ok) {
    io.stderr(`deploylint: ${parsed.message}\nRun 'deploylint --help' for usage.\n`);
    return EXIT.failure;
  }
  const cmd = parsed.command;
  switch (cmd.kind) {
    case "help":
      io.stdout(`${USAGE}\n`);
      return EXIT.clean;
    case "version":
      io.stdout(`${packageVersion()}\n`);
      return EXIT.clean;
    case "explain": {
      const rule = findRule(cmd.rule);
      if (!rule) throw new UsageError(`unknown rule '${cmd.rule}' (see 'deploylint rules')`);
      io.stdout(renderRuleMarkdown(rule));
      return EXIT.clean;
    }
    case "rules": {
      const rules = allRules();
      if (cmd.format === "json") {
        const rows = rules.map((r) => ({ id: r.id, severity: r.severity, fix: r.fix, languages: r.languages, summary: r.docs.summary }));
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const w = Math.max(...rules.map((r) => r.id.length));
        for (const r of rules) io.stdout(`${r.id.padEnd(w)}  ${r.severity.padEnd(7)}  fix: ${fixLabel(r.fix).padEnd(9)}  ${r.docs.summary.replace(/`/g, "")}\n`);
      }
      return EXIT.clean;
    }
    case "init":
      return runInit(io, io.cwd);
    case "lint":
      try {
        return await runLint(cmd.options, io);
      } catch (e) {
        // A config file found deep in the tree, reached only while linting.
        if (e instanceof ConfigLoadError) return reportConfigErrors(io, e.errors);
        throw e;
      }
    case "lsp": {
      // Loaded on demand: linting from the command line never loads the protocol library.
      const lsp = await import("../lsp/main.js");
      const problem = lsp.checkLspArgs(cmd.args);
      if (problem !== undefined) {
        const help = problem.startsWith("Usage");
        (help ? io.stdout : io.stderr)(`${problem}\n`);
        return help ? EXIT.clean : EXIT.failure;
      }
      allowWasmTierUp();
      lsp.startStdioServer();
      // The server runs until the client sends `exit` (the protocol library ends the process).
      return new Promise<number>(() => {});
    }
  }
}

async function runLint(req: LintRequest, io: CliIO): Promise<number> {
  const selected = selectRules({ only: req.only, disable: req.disable });
  if (!selected.ok) throw new UsageError(`unknown rule${selected.unknown.length > 1 ? "s" : ""} ${selected.unknown.map((u) => `'${u}'`).join(", ")} (see 'deploylint rules')`);
  const known = allRules().map((r) => r.id);
  const cwd = io.cwd;
  const root = req.root ? path.resolve(cwd, req.root) : findRepoRoot(cwd);
  // What the bundled bin already set; the unbundled entry (dist/src/cli/bin.js) starts with V8's defaults.
  baselineOnly();
  boundHeapGrowth();
  let result: RunResult;
  let unreadable = false;
  const fix = fixRequestOf(req.fix, root);
  const name: FormatName = req.format ?? defaultFormat(io.env);
  let fixes: Awaited<ReturnType<typeof lintPaths>>["fixes"] = [];
  // Config files: every one that applies at the named paths is validated before linting starts.
  const config = resolverFor(req, cwd);
  const configErrors = config.check(req.stdin ? [path.dirname(path.resolve(cwd, req.stdinFilename as string))] : req.paths);
  if (configErrors.length > 0) return reportConfigErrors(io, configErrors);
  if (req.printConfig !== undefined) return printConfig(io, config, cwd, req.printConfig, req.maxBytes ?? DEFAULT_MAX_BYTES);
  if (req.stdin) {
    const file = (req.stdinFilename as string).split(path.sep).join("/");
    const text = (await io.readStdin()).replace(/^\uFEFF/, "");
    // The configuration of the file standard input stands for (relative to cwd).
    const own = runConfig(config);
    const fileSelected = selectRules(own.forFile(path.resolve(cwd, file)).selection);
    if (!fileSelected.ok) throw new UsageError(`unknown rules: ${fileSelected.unknown.join(", ")}`);
    const linter = new Linter(fileSelected.rules, known);
    try {
      const res = await lintText(linter, file, text, (p) => own.languageOf(path.resolve(cwd, p)));
      result = {
        findings: res.findings,
        notices: res.notices,
        filesLinted: res.language ? 1 : 0,
        cwd,
        root,
        sources: excerptsOf(new Map([[file, text]]), res.findings, sourceNeeds(name, req.statistics)),
      };
    } finally {
      linter.dispose();
    }
  } else {
    const out = await lintPaths(req.paths, {
      tiering: wasmTiering,
      cwd,
      root,
      selection: { only: req.only, disable: req.disable },
      maxBytes: req.maxBytes ?? DEFAULT_MAX_BYTES,
      jobs: req.jobs ?? availableParallelism(),
      config: runConfig(config),
      ...(fix ? { fix } : {}),
      source: sourceNeeds(name, req.statistics),
      ...(req.cache ? { cache: { version: packageVersion(), ...(req.cache.dir ? { dir: path.resolve(cwd, req.cache.dir) } : {}) } } : {}),
    });
    if (out.missing.length > 0) {
      for (const m of out.missing) io.stderr(`deploylint: ${m.message}: ${m.path}\n`);
      return EXIT.failure;
    }
    result = out.result;
    unreadable = out.unreadableArguments.length > 0;
    fixes = out.fixes;
  }
  // The engine keeps suppressed findings, marked: only SARIF reports them, and only when asked to.
  if (!(name === "sarif" && req.sarifIncludeSuppressed && !req.statistics)) result = withoutSuppressed(result);
  if (req.quiet) result = { ...result, findings: result.findings.filter((f) => f.severity === "error") };
  // Only SARIF and GitHub annotations give repository-relative paths, which symlinks would bend.
  if (!req.statistics && (name === "sarif" || name === "github")) result = withRealPaths(result);
  const color = req.outputFile === undefined && decideColor(req.color, io.env, io.isTTY);
  // --statistics replaces the report (a table, or JSON with -f json), as Ruff's does.
  const report = req.statistics
    ? (req.format === "json" ? formatStatisticsJson : formatStatisticsText)(result.findings)
    : format(name, result, allRules(), {
        color,
        version: packageVersion(),
        informationUri: INFORMATION_URI,
        docsBaseUrl: DEFAULT_DOCS_BASE_URL,
      });
  // --fix-dry-run: the diff comes first, on standard output unless a machine-readable report goes there.
  const machineOnStdout = req.outputFile === undefined && (req.statistics ? req.format === "json" : name !== "text");
  if (fix?.dryRun) (machineOnStdout ? io.stderr : io.stdout)(dryRunDiff(fixes));
  // The text report lists notices itself, as do GitHub annotations on standard output; for the
  // other machine formats people still need to see them.
  if (name !== "text" && !(name === "github" && req.outputFile === undefined)) for (const n of result.notices) io.stderr(`deploylint: ${n.file}: ${n.message}\n`);
  if (req.outputFile !== undefined) {
    try {
      writeFileSync(path.resolve(cwd, req.outputFile), report);
    } catch (e) {
      throw new UsageError(`cannot write ${req.outputFile}: ${ioReason(e)}`);
    }
  } else {
    io.stdout(report);
  }
  const fixLine = fix ? fixSummaryLine(fixes, fix.dryRun) : undefined;
  if (fixLine) io.stderr(fixLine);
  if (fixFailures(fixes).length > 0) return EXIT.failure;
  const counted = unsuppressed(result.findings);
  const errors = counted.filter((f) => f.severity === "error").length;
  const warnings = counted.filter((f) => f.severity === "warning").length;
  if (unreadable || result.notices.some((n) => n.kind === "internal-error")) return EXIT.failure;
  if (errors > 0) return EXIT.findings;
  if (req.maxWarnings !== undefined && warnings > req.maxWarnings) {
    io.stderr(`deploylint: ${warnings} warnings, more than --max-warnings ${req.maxWarnings}\n`);
    return EXIT.findings;
  }
  return EXIT.clean;
}

/** The nearest directory at or above `dir` that holds `.git`; `dir` itself when there is none. */
export function findRepoRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const reasons: Record<string, string> = {
    ENOENT: "no such directory",
    EACCES: "permission denied",
    EISDIR: "is a directory",
    EROFS: "read-only file system",
  };
  return (code && reasons[code]) ?? (e instanceof Error ? e.message : String(e));
}

export interface CliIO {
  cwd: string;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
  stdout(s: string): void;
  stderr(s: string): void;
  readStdin(): Promise<string>;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    isTTY: stdoutIsTerminal(),
    stdout: writeStdout,
    stderr: (s) => process.stderr.write(s),
    readStdin: () => readAll(process.stdin),
  };
}

/**
 * The one line a run that failed says. A worker thread Node could not start (a process or
 * thread limit) is the machine's limit, not deploylint's fault: the line says so and how to lint
 * without workers.
 */
export function failureLine(e: unknown): string {
  if (e instanceof UsageError) return `deploylint: ${e.message}`;
  const message = e instanceof Error ? e.message : String(e);
  if (isWorkerStartFailure(e)) {
    return `deploylint: could not start a worker thread (${message}); try --jobs 1, which lints in one thread`;
  }
  return `deploylint: internal error: ${message}`;
}

/** Runs the CLI in this process: the bin entry point. */
export function run(): void {
  main(process.argv.slice(2), processIO()).then(
    (code) => {
      // Let Node exit once stdout has drained, so a piped report is never cut short.
      process.exitCode = code;
      // For `npm run bench`: peak memory of the whole process (main thread and workers).
      if (process.env.DEPLOYLINT_BENCH_RSS === "1") process.stderr.write(`deploylint-maxrss-kb: ${process.resourceUsage().maxRSS}\n`);
    },
    (e: unknown) => {
      process.stderr.write(`${failureLine(e)}\n`);
      if (process.env.DEPLOYLINT_DEBUG === "1" && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
