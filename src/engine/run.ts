/**
 * A whole run over paths on disk: discovery → read → lint → one RunResult. This is the engine's
 * I/O boundary; `Linter.lint` below it works on strings only.
 */
import type { FixRequest, FixSummary } from "./autofix.js";
import { defaultCacheDir, LintCache } from "./cache.js";
import { detectLanguage, languageFromName, refineLanguage, type LanguagePatterns } from "./detect.js";
import { ALL_SOURCE, type SourceExcerpt, type SourceNeeds } from "./excerpt.js";
import { discover, displayPath } from "./discovery.js";
import { compareFindings, Linter } from "./lint.js";
import { finishFile, lintFileOnDisk, lintSafely, prepareFile, type FileOutcome, type FileTask, type PreparedFile, type TaskConfig } from "./lint-file.js";
import { LinterTable } from "./linters.js";
import { isWorkerStartFailure, WorkerPool, workerScript } from "./pool.js";
import { projectFacts, type ProjectFacts } from "./project.js";
import { readSource } from "./read.js";
import { rulesKey, selectRules, type RuleSelection } from "./registry.js";
import type { Finding, LanguageId, Notice, RunResult } from "./types.js";
import { inWindow } from "./window.js";
import type { WasmPlan } from "../languages/wasm-compile.js";

export interface RunOptions {
  cwd: string;
  root: string;
  /** The user's rule choices (serialisable: worker threads select the same rules from it). */
  selection: RuleSelection;
  maxBytes: number;
  /** Worker threads; 1 lints in this thread, or in one worker from `ONE_WORKER_FROM` files. */
  jobs: number;
  /** `--fix`, `--fix-unsafe`, `--fix-dry-run` (see autofix.ts). */
  fix?: FixRequest;
  /**
   * What the report shows of the source of files with findings (`RunResult.sources`): each
   * finding's first line for code frames, its fingerprint for SARIF. Default: both. Worked out
   * where each file is linted (a worker thread at `-j N`), so no whole text is copied back or held
   * until the report: on the 81 MB synthetic tree, 22 MB of texts. A report that shows no source
   * (JSON, GitHub annotations, `--statistics`) passes NO_SOURCE.
   */
  source?: SourceNeeds;
  /** `--cache`: deploylint's version (part of every key) and the directory (default under `root`). See cache.ts. */
  cache?: { version: string; dir?: string };
  /** Config files: each file's own settings, and config `ignore`/`languages` for discovery. */
  config?: RunConfig;
  /**
   * The CLI's choice of which WebAssembly V8 may optimise (src/cli/wasm-tiering.ts), made once
   * before the first file is parsed, for this thread or for a worker pool. Without it, modules
   * are compiled as the process's V8 flags say.
   */
  tiering?: {
    /**
     * How many bytes of C/C++ to parse would settle the choice (0: the counts settle it). Until
     * the choice is made, the run lints the C/C++ files that need no parse (their rules'
     * pre-filters rule them out) and holds those that do, with their text, until it has found
     * that many or looked at every C/C++ file (a worker pool's workers hold them, see pool.ts).
     */
    parsedBytesWanted(run: RunCounts): number;
    /** Undefined: no plan, modules compile as the process's V8 flags say. */
    choose(run: RunSize): WasmPlan | undefined;
  };
}

/** The files a run will lint (not answered by `--cache`), how many of them are C/C++, and in how many threads. */
export interface RunCounts {
  files: number;
  cFiles: number;
  threads: number;
}

export interface RunSize extends RunCounts {
  /**
   * C/C++ found to need parsing when the choice is made, in UTF-16 code units (bytes, for ASCII
   * source): at least what `parsedBytesWanted` asked for, or all of it. A worker pool may have
   * found a batch or two more than asked for by the time it counts.
   */
  cParsedBytes: number;
}

/**
 * Per-file configuration (src/config's ConfigResolver). Each function may throw on a bad config
 * file; the run then stops with that error.
 */
export interface RunConfig {
  /** The file's rule selection (`--rule`/`--disable` included) and size limit. */
  forFile(absPath: string): TaskConfig;
  isIgnored(absPath: string, isDirectory: boolean): boolean;
  languageOf: LanguagePatterns;
}

export interface RunOutcome {
  result: RunResult;
  /** Command-line paths that do not exist. */
  missing: { path: string; message: string }[];
  /** Files named on the command line that could not be read (the run went on; the exit status says so). */
  unreadableArguments: string[];
  /** What `--fix`/`--fix-dry-run` did, per file that had an applicable fix, in run order. */
  fixes: { file: string; summary: FixSummary }[];
  /** Files whose outcome came from `--cache` (not parsed). */
  cached: number;
}

/**
 * Below this many files a run stays in this thread: starting workers (each loads its own grammars)
 * costs more than it saves on a pre-commit-sized run.
 */
export const PARALLEL_THRESHOLD = 64;

/**
 * From this many files `--jobs 1` lints in one worker thread rather than in this one: a worker's
 * heap is capped (`WORKER_HEAP_MB`, `ONE_WORKER_YOUNG_MB`); this thread's cannot be once Node has
 * started, and on a large tree V8 lets it grow far past what is live. The 81 MB synthetic tree
 * (20,845 files), interleaved rounds: peak RSS with a SARIF report 282–307 MB in this thread
 * against 207–216 MB in one worker, with a JSON report 230–237 against 172–204 MB. It costs time:
 * from nothing to a fifth more (SARIF 31.2 → 32.7 s and 31.6 → 36.2 s in two sets of rounds, JSON
 * 26.6 → 32.7 s); where it goes, `perf` did not settle (one run put it in the collector, on
 * V8's helper threads; the next found no more collector work than in this thread). Below this
 * the worker costs as much and saves nothing: 10,391 files took 13.0 → 15.4 s at 178 → 187 MB,
 * 5,223 files 8.0 → 9.4 s at 151 → 171 MB.
 */
export const ONE_WORKER_FROM = 16_384;

/**
 * Files a run below `PARALLEL_THRESHOLD` lints at once in this thread. A file that waits for a
 * grammar still compiling in the background gives the next ones their turn: while the first shell
 * file waits for the bash grammar, the files after it are read (synchronously) and their hosts
 * parsed. A larger run lints one file at a time: it gained nothing measurable from this, and each
 * file in flight holds its text.
 */
const SMALL_RUN_WINDOW = 8;

/**
 * Languages whose rules need no facts about the rest of the tree: a worker pool lints them while
 * discovery goes on (those that need a parse once the WebAssembly choice is made, see `tiering`).
 */
const STANDALONE: ReadonlySet<LanguageId> = new Set(["c", "cpp"]);

/** Whether a run whose pool could not start (`error`) goes on in this thread: only at `-j 1`. */
export function staysInThread(jobs: number, error: unknown): boolean {
  return jobs === 1 && isWorkerStartFailure(error);
}

function countsOf(tasks: readonly FileTask[], threads: number): RunCounts {
  return { files: tasks.length, cFiles: tasks.filter((t) => STANDALONE.has(t.language)).length, threads };
}

/**
 * A run that names a few C or C++ files (a pre-commit hook, an editor's save) needs their grammar
 * as soon as discovery is over: loading it now lets V8 compile its WebAssembly on another core
 * while this thread finds and reads the files. Names only, no I/O. The shell grammar is not
 * fetched: its pre-filter leaves most files unparsed, and a process waits for a compilation it
 * started before it exits (measured: +13 ms on a Dockerfile that needs no parse). A grammar
 * fetched here is compiled for a small run; should a directory among the paths make the run big
 * and in-process (`-j 1`), this thread's WebAssembly then stays unoptimised.
 */
async function prefetchGrammars(paths: readonly string[], linters: LinterTable): Promise<void> {
  const grammars = new Set(paths.map((p) => languageFromName(p)).filter((l): l is "c" | "cpp" => l === "c" || l === "cpp"));
  for (const l of grammars) linters.prefetch(l);
  // V8 sets an asynchronous compilation going in a task of this thread's, run when the thread
  // next returns to the event loop: until then the compilation waits. Measured with a busy loop
  // of 40 ms right after asking: the compilation finished ~20 ms after the loop, and ~1 ms after
  // it with one turn of the event loop first.
  if (grammars.size > 0) await new Promise((resolve) => setImmediate(resolve));
}

export async function lintPaths(paths: readonly string[], options: RunOptions): Promise<RunOutcome> {
  const selected = selectRules(options.selection);
  if (!selected.ok) throw new Error(`unknown rules: ${selected.unknown.join(", ")}`);
  const discoveryNotices: Notice[] = [];
  const missing: RunOutcome["missing"] = [];
  const tasks: FileTask[] = [];
  /**
   * Whether the run may still start a pool: false once it found no compiled worker script (the
   * tests run the TypeScript sources) or, at `-j 1`, a worker Node could not start.
   */
  let poolable = true;
  /** How many files make a run start its pool: one worker at `-j 1`, `jobs` workers otherwise. */
  const poolFrom = options.jobs > 1 ? PARALLEL_THRESHOLD : ONE_WORKER_FROM;
  let pool: WorkerPool | undefined;
  const source = options.source ?? ALL_SOURCE;
  const init = { selection: options.selection, maxBytes: options.maxBytes, source, ...(options.fix ? { fix: options.fix } : {}) };
  // With a cache, files are looked up once the project facts are known: nothing is streamed.
  const cache = options.cache ? LintCache.load(options.cache.dir ?? defaultCacheDir(options.root), options.cache.version) : undefined;
  const cachedOutcomes = new Map<number, FileOutcome>();
  /** The tasks `--cache` did not answer: what this run parses. */
  const uncached = (): FileTask[] => tasks.filter((_, i) => !cachedOutcomes.has(i));
  // One Linter per file configuration, made when its first file comes (the in-process path).
  const linters = new LinterTable(options.selection);
  if (paths.length < PARALLEL_THRESHOLD) await prefetchGrammars(paths, linters);
  /** Which tasks the WebAssembly choice is made for: all of them, or those `--cache` did not answer. */
  let counted: () => readonly FileTask[] = () => tasks;
  /** C/C++ characters to find needing a parse before the choice may be made early (0: not asked yet). */
  let wanted = 0;
  const wantedFor = (todo: readonly FileTask[]): number => options.tiering?.parsedBytesWanted(countsOf(todo, options.jobs)) ?? 0;
  /** The pool's WebAssembly choice, made once, on what its workers found to need a parse so far. */
  const decide = (): void => {
    if (!pool || pool.isPlanned) return;
    pool.planCompilation(options.tiering?.choose({ ...countsOf(counted(), options.jobs), cParsedBytes: pool.heldBytes }));
  };
  const onHeld = (heldBytes: number): void => {
    if (wanted > 0 && heldBytes >= wanted) decide();
  };
  /**
   * Asks how much C/C++ the choice wants found, once the run has some; when it wants nothing (or
   * there is no choice to make), the counts settle it and it is made now, holding nothing.
   */
  const ask = (): void => {
    if (!pool || pool.isPlanned || wanted > 0) return;
    const todo = counted();
    if (!options.tiering) return decide();
    if (!todo.some((t) => STANDALONE.has(t.language))) return;
    wanted = wantedFor(todo);
    if (wanted === 0) decide();
  };
  /**
   * The run's pool. At `-j 1` a worker thread Node cannot start (a process or thread limit) leaves
   * the run in this thread, where a smaller run would be; with more jobs the error ends the run
   * (the CLI's line then suggests `--jobs 1`).
   */
  const startPool = (): WorkerPool | undefined => {
    // Looked up only here: a run too small for a pool never touches the disk for it.
    const script = poolable ? workerScript() : undefined;
    if (!script) {
      poolable = false;
      return undefined;
    }
    try {
      return new WorkerPool(script, options.jobs, init, onHeld);
    } catch (e) {
      if (!staysInThread(options.jobs, e)) throw e;
      poolable = false;
      return undefined;
    }
  };
  try {
    const config = options.config;
    const hooks = config ? { isIgnored: config.isIgnored.bind(config), languagePatterns: config.languageOf.bind(config) } : {};
    for await (const ev of discover([...paths], { cwd: options.cwd, ...hooks })) {
      if (ev.kind === "notice") discoveryNotices.push(ev.notice);
      else if (ev.kind === "missing") missing.push({ path: ev.path, message: ev.message });
      else {
        const task: FileTask = { path: ev.path, absPath: ev.absPath, language: ev.language, explicit: ev.explicit };
        if (config) {
          task.config = config.forFile(ev.absPath);
          if (config.languageOf(ev.absPath) !== undefined) task.trustLanguage = true;
        }
        const index = tasks.push(task) - 1;
        if (!pool && poolable && !cache && tasks.length >= poolFrom) {
          // Streaming: what discovery found so far that needs no tree-wide facts starts now. Until
          // the WebAssembly choice is made, the workers hold the files that need a parse.
          pool = startPool();
          ask();
          tasks.forEach((t, i) => {
            if (STANDALONE.has(t.language)) pool?.submit(i, t);
          });
        } else if (pool && STANDALONE.has(ev.language)) {
          // The run's first C/C++ file: only now can the choice say how much it wants found.
          ask();
          pool.submit(index, task);
        }
      }
    }
    if (missing.length > 0) return { result: emptyResult(options), missing, unreadableArguments: [], fixes: [], cached: 0 };
    // Not found early: made on all the C/C++ files, once the workers have looked at every one.
    if (pool && !pool.isPlanned) {
      await pool.quiet();
      decide();
    }
    // Dockerfiles first: which scripts they start as entrypoints is a fact the shell rules use.
    // Each is read once: the text stays on its task for the lint (here or in a worker).
    for (const t of tasks) {
      if (t.language === "dockerfile") t.preread = await readSource(t.absPath, t.path, { maxBytes: maxBytesOf(t) });
    }
    const project = projectFacts(tasks.flatMap((t) => (t.language === "dockerfile" && t.preread?.ok ? [{ path: t.path, text: t.preread.text }] : [])));
    if (cache) {
      const ctx = { configKey: rulesKey(selected.rules), project, maxBytes: options.maxBytes, source, ...(options.fix ? { fix: options.fix } : {}) };
      tasks.forEach((t, i) => {
        const own = t.config ? { configKey: `config:${t.config.key}`, maxBytes: maxBytesOf(t) } : {};
        const hit = cache.lookup(t, { ...ctx, ...own });
        if (hit) cachedOutcomes.set(i, hit);
      });
      if (poolable && tasks.length - cachedOutcomes.size >= poolFrom) {
        counted = uncached;
        pool = startPool();
        ask();
        tasks.forEach((t, i) => {
          if (!cachedOutcomes.has(i) && STANDALONE.has(t.language)) pool?.submit(i, t);
        });
        await pool?.quiet();
        decide();
      }
    }
    let outcomes: Map<number, FileOutcome>;
    if (pool) {
      tasks.forEach((t, i) => {
        if (!cachedOutcomes.has(i) && !STANDALONE.has(t.language)) pool?.submit(i, t, project);
      });
      outcomes = await pool.drain();
    } else {
      outcomes = await lintInProcess(tasks.flatMap((t, i) => (cachedOutcomes.has(i) ? [] : [[i, t] as const])), project);
    }
    if (cache) {
      tasks.forEach((t, i) => {
        const o = outcomes.get(i);
        if (o) cache.store(t, o);
      });
      for (const [i, o] of cachedOutcomes) outcomes.set(i, o);
      const failed = cache.save();
      if (failed) discoveryNotices.push({ file: displayPath(options.cwd, cache.file), kind: "skipped", message: failed });
    }
    const out = merge(options, tasks, outcomes, discoveryNotices, missing);
    return { ...out, cached: cache?.hits ?? 0 };
  } finally {
    linters.dispose();
    await pool?.close();
  }

  function maxBytesOf(t: FileTask): number {
    return t.config?.maxBytes ?? options.maxBytes;
  }

  /**
   * Lints in this thread. The C/C++ files come first, until the WebAssembly choice is made: one
   * that needs no parse is linted at once, one that does waits, with its text, until enough
   * have been found (or every C/C++ file has been looked at). Each file is read once.
   */
  async function lintInProcess(todo: readonly (readonly [number, FileTask])[], project: ProjectFacts): Promise<Map<number, FileOutcome>> {
    const outcomes = new Map<number, FileOutcome>();
    const counts = countsOf(
      todo.map(([, t]) => t),
      1,
    );
    const wantedHere = options.tiering?.parsedBytesWanted(counts) ?? 0;
    const waiting: { index: number; task: FileTask; prepared: PreparedFile }[] = [];
    let found = 0;
    for (const [index, task] of todo) {
      if (wantedHere === 0 || found >= wantedHere) break;
      if (!STANDALONE.has(task.language)) continue;
      const linter = linters.for(task);
      const prepared = await prepareFile(linter, task, options.maxBytes, project);
      if (!prepared.outcome && prepared.lint.parses) {
        waiting.push({ index, task, prepared });
        found += prepared.lint.input.text.length;
      } else {
        outcomes.set(index, await finishFile(linter, task, prepared, options.fix, source));
      }
    }
    const plan = options.tiering?.choose({ ...counts, cParsedBytes: found });
    if (plan) linters.planCompilation(plan);
    for (const w of waiting.splice(0)) outcomes.set(w.index, await finishFile(linters.for(w.task), w.task, w.prepared, options.fix, source));
    await inWindow(
      todo.filter(([index]) => !outcomes.has(index)),
      todo.length < PARALLEL_THRESHOLD ? SMALL_RUN_WINDOW : 1,
      async ([index, task]) => void outcomes.set(index, await lintFileOnDisk(linters.for(task), task, options.maxBytes, project, options.fix, source)),
    );
    return outcomes;
  }
}

function emptyResult(options: RunOptions): RunResult {
  return { findings: [], notices: [], filesLinted: 0, cwd: options.cwd, root: options.root, sources: new Map() };
}

/** Outcomes in task order: the result does not depend on which worker finished first. */
function merge(
  options: RunOptions,
  tasks: readonly FileTask[],
  outcomes: ReadonlyMap<number, FileOutcome>,
  discoveryNotices: Notice[],
  missing: RunOutcome["missing"],
): RunOutcome {
  const findings: Finding[] = [];
  const notices: Notice[] = [...discoveryNotices];
  const sources = new Map<string, SourceExcerpt>();
  const unreadableArguments: string[] = [];
  const fixes: RunOutcome["fixes"] = [];
  let filesLinted = 0;
  tasks.forEach((t, i) => {
    const o = outcomes.get(i);
    if (!o) return;
    if (o.linted) filesLinted++;
    if (o.unreadableArgument) unreadableArguments.push(t.path);
    notices.push(...o.notices);
    findings.push(...o.findings);
    if (o.excerpt) sources.set(t.path, o.excerpt);
    if (o.fix) fixes.push({ file: t.path, summary: o.fix });
  });
  findings.sort(compareFindings);
  return {
    result: { findings, notices, filesLinted, cwd: options.cwd, root: options.root, sources },
    missing,
    unreadableArguments,
    fixes,
    cached: 0,
  };
}

/** Lints one in-memory text (the `--stdin` path and the LSP server). */
export async function lintText(
  linter: Linter,
  file: string,
  text: string,
  patterns?: LanguagePatterns,
): Promise<{ language: LanguageId | undefined; findings: Finding[]; notices: Notice[] }> {
  const detected = detectLanguage(file, text, patterns);
  // Config patterns are trusted; a language from the file name may be refined by the text.
  const language = detected && patterns?.(file) === undefined ? refineLanguage(file, detected, text) : detected;
  if (!language) return { language, findings: [], notices: [] };
  return { language, ...(await lintSafely(linter, file, text, language)) };
}


