/**
 * The engine's public vocabulary. Everything above `src/languages` speaks these types only:
 * no parser's own position type leaks past the language adapters.
 */
import type { SourceExcerpt } from "./excerpt.js";

/** The languages deploylint knows. A rule names the ones it runs on. */
export type LanguageId = "c" | "cpp" | "shell" | "dockerfile" | "upstart" | "systemd" | "make";

export type Severity = "error" | "warning" | "info";
export type Level = Severity | "off";

/**
 * A place in a file. `offset` is 0-based in UTF-16 code units of the decoded text (BOM removed);
 * `line` and `column` are 1-based, the column counted in UTF-16 code units (as JS strings, LSP and
 * SARIF's `utf16CodeUnits` do).
 */
export interface Position {
  offset: number;
  line: number;
  column: number;
}

/** A half-open range: `end` is the position just after the last character. */
export interface Range {
  start: Position;
  end: Position;
}

export interface RelatedLocation {
  range: Range;
  message: string;
}

/** One text replacement, in host-file offsets (half-open `[start, end)`). */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Ruff's applicability: `safe` is applied by `--fix`; `unsafe` needs `--fix-unsafe` or an editor. */
export type Applicability = "safe" | "unsafe";

export interface Fix {
  title: string;
  applicability: Applicability;
  edits: Edit[];
}

export interface Suppression {
  kind: "inSource";
  /** The text after `--` in the directive, if any. */
  justification?: string;
  /** 1-based line of the directive that suppressed the finding. */
  line: number;
}

export interface Finding {
  /** The file's path as the caller named it (the CLI passes paths relative to the working directory). */
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  range: Range;
  related: RelatedLocation[];
  fix?: Fix;
  /**
   * Set when an in-source directive suppressed the finding. The engine keeps such findings; the
   * CLI drops them from every output except SARIF with `--sarif-include-suppressed`.
   */
  suppressed?: Suppression;
}

/** Something the run could not do for one file: it did not lint it, or not all of it. */
export interface Notice {
  file: string;
  kind: "skipped" | "unreadable" | "parse-error" | "internal-error";
  message: string;
  /** Present when a rule threw. */
  ruleId?: string;
}

export interface FileResult {
  file: string;
  language: LanguageId;
  findings: Finding[];
  notices: Notice[];
}

/** What a whole run produced: the input of every formatter. */
export interface RunResult {
  /** Findings of all files, sorted by (file, offset, rule id). Suppressed ones are kept, marked; the CLI drops them before formatting unless asked for. */
  findings: Finding[];
  notices: Notice[];
  /** How many files were linted (not counting skipped ones). */
  filesLinted: number;
  /** Absolute directory that `Finding.file` paths are relative to (the working directory). */
  cwd: string;
  /** Absolute directory that SARIF URIs and GitHub annotation paths are relative to (the repository root). */
  root: string;
  /**
   * The absolute path of files, by `Finding.file`/`Notice.file`, with symlinks resolved (as is
   * `root` then). Where a file is missing, `path.resolve(cwd, file)` stands for it.
   */
  realPaths?: ReadonlyMap<string, string>;
  /**
   * What the report shows of the source of every file that has a finding, by `Finding.file`: the
   * lines its findings start on (code frames) and their SARIF fingerprints (see excerpt.ts).
   */
  sources: ReadonlyMap<string, SourceExcerpt>;
}
