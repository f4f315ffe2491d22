/**
 * One file on disk: read → confirm the language → lint. Shared by the in-process path and the
 * worker threads, so both behave the same to the byte.
 */
import { confirmLanguage } from "./detect.js";
import type { Linter } from "./lint.js";
import type { ProjectFacts } from "./project.js";
import { readSource } from "./read.js";
import type { Finding, LanguageId, Notice } from "./types.js";

export interface FileTask {
  path: string;
  absPath: string;
  language: LanguageId;
  explicit: boolean;
}

export interface FileOutcome {
  /** Whether the file was linted (false: unreadable, skipped, or not really of its language). */
  linted: boolean;
  findings: Finding[];
  notices: Notice[];
  /** The text, kept only when there are findings (code frames, SARIF fingerprints). */
  text?: string;
  /** A file named on the command line that could not be read. */
  unreadableArgument: boolean;
}

export async function lintFileOnDisk(
  linter: Linter,
  task: FileTask,
  maxBytes: number,
  project: ProjectFacts | undefined,
  preread?: Awaited<ReturnType<typeof readSource>>,
): Promise<FileOutcome> {
  const read = preread ?? (await readSource(task.absPath, task.path, { maxBytes }));
  if (!read.ok) {
    return {
      linted: false,
      findings: [],
      notices: [read.notice],
      unreadableArgument: task.explicit && read.notice.kind === "unreadable",
    };
  }
  if (!confirmLanguage(task.language, read.text)) {
    return { linted: false, findings: [], notices: [], unreadableArgument: false };
  }
  const res = await lintSafely(linter, task.path, read.text, task.language, project);
  return {
    linted: true,
    findings: res.findings,
    notices: res.notices,
    ...(res.findings.length > 0 ? { text: read.text } : {}),
    unreadableArgument: false,
  };
}

/** Lints one text; an engine failure becomes an internal-error notice for that file. */
export async function lintSafely(
  linter: Linter,
  file: string,
  text: string,
  language: LanguageId,
  project?: ProjectFacts,
): Promise<{ findings: Finding[]; notices: Notice[] }> {
  try {
    return await linter.lint({ path: file, text, language, ...(project ? { project } : {}) });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { findings: [], notices: [{ file, kind: "internal-error", message: `internal error: ${message}` }] };
  }
}
