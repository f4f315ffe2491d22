/**
 * One file on disk: read → confirm the language → lint. Shared by the in-process path and the
 * worker threads, so both behave the same to the byte.
 */
import { fixFile, type FixRequest, type FixSummary } from "./autofix.js";
import { confirmLanguage, refineLanguage } from "./detect.js";
import { ALL_SOURCE, excerptOf, type SourceExcerpt, type SourceNeeds } from "./excerpt.js";
import type { Linter, LintResult, PreparedLint } from "./lint.js";
import type { ProjectFacts } from "./project.js";
import { readSource } from "./read.js";
import type { RuleSelection } from "./registry.js";
import type { Finding, LanguageId, Notice } from "./types.js";

/** A file's own configuration (from config files), serialisable for the worker threads. */
export interface TaskConfig {
  /** Equal keys lint alike: one Linter per key. */
  key: string;
  selection: RuleSelection;
  maxBytes?: number;
}

export interface FileTask {
  path: string;
  absPath: string;
  language: LanguageId;
  explicit: boolean;
  /** The file as already read (Dockerfiles, for the project facts; files the cache hashed): linted as is, not read again. */
  preread?: Awaited<ReturnType<typeof readSource>>;
  /** The file's configuration; absent: the run's rule selection and size limit. */
  config?: TaskConfig;
  /** The language came from config `languages` patterns: trusted, not checked against the text. */
  trustLanguage?: boolean;
}

export interface FileOutcome {
  /** Whether the file was linted (false: unreadable, skipped, or not really of its language). */
  linted: boolean;
  findings: Finding[];
  notices: Notice[];
  /** What the report shows of the source (excerpt.ts): present when there are findings and the report shows source. */
  excerpt?: SourceExcerpt;
  /** A file named on the command line that could not be read. */
  unreadableArgument: boolean;
  /** `--fix`/`--fix-dry-run`: what fixing did (present when the file had an eligible fix). */
  fix?: FixSummary;
}

/**
 * A file read, its language confirmed and its rules chosen (`Linter.prepare`), or its outcome
 * already when there is nothing to lint (unreadable, not of its language).
 */
export type PreparedFile =
  | { outcome: FileOutcome }
  | { outcome?: undefined; lint: PreparedLint; bom: boolean };

/** `runMaxBytes`: the run's size limit, for a task whose configuration sets none. `source`: see `finishFile`. */
export async function lintFileOnDisk(
  linter: Linter,
  task: FileTask,
  runMaxBytes: number,
  project: ProjectFacts | undefined,
  fix?: FixRequest,
  source: SourceNeeds = ALL_SOURCE,
): Promise<FileOutcome> {
  return finishFile(linter, task, await prepareFile(linter, task, runMaxBytes, project), fix, source);
}

/** The first half of `lintFileOnDisk`: read → confirm the language → choose the rules (nothing parsed). */
export async function prepareFile(
  linter: Linter,
  task: FileTask,
  runMaxBytes: number,
  project: ProjectFacts | undefined,
): Promise<PreparedFile> {
  const read = task.preread ?? (await readSource(task.absPath, task.path, { maxBytes: task.config?.maxBytes ?? runMaxBytes }));
  if (!read.ok) {
    return {
      outcome: { linted: false, findings: [], notices: [read.notice], unreadableArgument: task.explicit && read.notice.kind === "unreadable" },
    };
  }
  if (!task.trustLanguage && !confirmLanguage(task.language, read.text)) {
    return { outcome: { linted: false, findings: [], notices: [], unreadableArgument: false } };
  }
  // A `.h` file named C may turn out to be C++ (config `languages` patterns are trusted as they are).
  const language = task.trustLanguage ? task.language : refineLanguage(task.path, task.language, read.text);
  try {
    return { lint: linter.prepare({ path: task.path, text: read.text, language, ...(project ? { project } : {}) }), bom: read.bom };
  } catch (e) {
    return { outcome: { linted: true, findings: [], notices: [internalError(task.path, e)], unreadableArgument: false } };
  }
}

/**
 * The second half: lint (and fix) what `prepareFile` prepared. `source`: what the outcome of a
 * file with findings carries of its text, the text after fixing (nothing when the report shows
 * no source).
 */
export async function finishFile(
  linter: Linter,
  task: FileTask,
  prepared: PreparedFile,
  fix?: FixRequest,
  source: SourceNeeds = ALL_SOURCE,
): Promise<FileOutcome> {
  if (prepared.outcome) return prepared.outcome;
  const { text, language, project } = prepared.lint.input;
  const res = await safely(task.path, () => linter.lintPrepared(prepared.lint));
  // Fixing re-lints with this same Linter (the file's own rules and options) in this same thread.
  const lint = (t: string) => lintSafely(linter, task.path, t, language, project);
  const input = { path: task.path, absPath: task.absPath, text, bom: prepared.bom, first: res };
  const fixed = fix ? await fixFile(input, lint, fix) : undefined;
  const out = fixed ?? { ...res, text };
  return {
    linted: true,
    findings: out.findings,
    notices: out.notices,
    ...excerptField(out.text, out.findings, source),
    unreadableArgument: false,
    ...(fixed ? { fix: fixed.fix } : {}),
  };
}

/** `{ excerpt }` when the report needs one for these findings, else nothing. */
export function excerptField(text: string, findings: readonly Finding[], source: SourceNeeds): { excerpt?: SourceExcerpt } {
  const excerpt = excerptOf(text, findings, source);
  return excerpt ? { excerpt } : {};
}

/** Lints one text; an engine failure becomes an internal-error notice for that file. */
export async function lintSafely(
  linter: Linter,
  file: string,
  text: string,
  language: LanguageId,
  project?: ProjectFacts,
): Promise<{ findings: Finding[]; notices: Notice[] }> {
  return safely(file, () => linter.lint({ path: file, text, language, ...(project ? { project } : {}) }));
}

/** What `lint` returns; an engine failure becomes an internal-error notice for that file. */
async function safely(file: string, lint: () => Promise<LintResult>): Promise<{ findings: Finding[]; notices: Notice[] }> {
  try {
    return await lint();
  } catch (e) {
    return { findings: [], notices: [internalError(file, e)] };
  }
}

function internalError(file: string, e: unknown): Notice {
  const message = e instanceof Error ? e.message : String(e);
  return { file, kind: "internal-error", message: `internal error: ${message}` };
}
