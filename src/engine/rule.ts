/**
 * The rule contract (see ../../../shared/DESIGN.md, "The rule contract"). A rule is metadata plus a
 * `check(ctx)` that registers callbacks; it never does I/O and never reads suppressions.
 */
import type { Node, QueryMatch } from "web-tree-sitter";
import type { HostDocument } from "../languages/hosts.js";
import type { ShellCommand } from "../languages/shell/commands.js";
import type { ProjectFacts } from "./project.js";
import type { SourceText } from "./source.js";
import type { Applicability, LanguageId, Severity } from "./types.js";

export type { Node, QueryMatch, ShellCommand, HostDocument };

/** A docs example: plain code (linted as the rule's first language's example file) or a named file. */
export type Example = string | { file: string; code: string };

export interface OptionSpec {
  type: "integer" | "boolean" | "string" | "string[]";
  default: number | boolean | string | string[];
  description: string;
  minimum?: number;
  maximum?: number;
}

export interface RuleDocs {
  /** One line, Markdown allowed: what the rule finds. */
  summary: string;
  /** Why it is bad: a paragraph or two of Markdown. */
  why: string;
  /** Each must produce at least one finding of this rule (checked by test/docs.test.ts). */
  bad: Example[];
  /** Each must produce none (checked by test/docs.test.ts). */
  good: Example[];
  /** Cross-references: the same check in GCC, ShellCheck, hadolint… */
  related?: string[];
  /** Further Markdown: deliberate differences from a reference tool, limits. */
  notes?: string;
}

export interface RuleMeta {
  /** `<family>/<kebab-name>`: the one name used in config, suppressions, SARIF, docs and fixtures. */
  id: string;
  languages: LanguageId[];
  severity: Severity;
  docs: RuleDocs;
  fix: "never" | "sometimes" | "always";
  options?: Record<string, OptionSpec>;
  /** SARIF `properties.tags`. */
  tags?: string[];
  /** SARIF `properties.precision`. */
  precision?: "very-high" | "high" | "medium" | "low";
}

/** A range in the coordinates of `ctx.source`: a tree node, or half-open offsets. */
export type Target = Node | { start: number; end: number };

export interface FixDescriptor {
  title: string;
  applicability: Applicability;
  /** Offsets in `ctx.source` coordinates; the engine maps them to the host file. */
  edits: { start: number; end: number; text: string }[];
}

export interface ReportDescriptor {
  at: Target;
  message: string;
  related?: { at: Target; message: string }[];
  fix?: FixDescriptor;
}

export type OptionValues = Record<string, number | boolean | string | string[]>;

export interface RuleContext<O extends OptionValues = OptionValues> {
  readonly path: string;
  readonly language: LanguageId;
  /** The text the rule sees; offsets in reports are into this text. */
  readonly source: SourceText;
  readonly options: O;
  /** C/C++: called for every named node of this type, in document order. */
  on(type: string, fn: (node: Node) => void): void;
  /** C/C++: a query compiled once per worker, run over the whole tree. */
  query(pattern: string, fn: (match: QueryMatch) => void): void;
  /**
   * Shell and every host of shell (Dockerfile, upstart, systemd, Makefile): called for each simple
   * command whose program (after wrappers) is one of `names` (all commands if empty), in execution
   * order across the file's shell regions. Positions on the command are host offsets.
   */
  onCommand(names: readonly string[], fn: (cmd: ShellCommand) => void): void;
  /** Called once after every callback of this file ran: for rules that judge the whole file. */
  onEnd(fn: () => void): void;
  /** The parsed host file (Dockerfile, unit, job, Makefile, script) with its shell regions; undefined for C/C++. */
  readonly host: HostDocument | undefined;
  /** Facts about the rest of the scanned tree (e.g. which scripts a Dockerfile runs as its entrypoint). */
  readonly project: ProjectFacts;
  /**
   * Report a finding. For C/C++, `at` may be a tree node; for shell and hosts, offsets are host
   * offsets (as on ShellCommand and the host documents).
   */
  report(descriptor: ReportDescriptor): void;
}

export interface Rule<O extends OptionValues = OptionValues> extends RuleMeta {
  /**
   * A pre-filter, like Semgrep's and ripgrep's literal scans: false when the rule, run with these
   * options, cannot report anything on this text. When no active rule may report on a file, the
   * engine does not parse it at all (many C headers have no `if`, `else`, `for` or `while`
   * outside comments). Must be cheap next to a parse, and must never be false for a text the
   * rule could report on.
   */
  mayReport?(text: string, options: O): boolean;
  /** Registers callbacks. Absent only for the engine's own rules (their logic lives in the engine). */
  check?(ctx: RuleContext<O>): void;
}

export function defineRule<O extends OptionValues = OptionValues>(rule: Rule<O>): Rule<O> {
  return rule;
}

/** Default option values declared by a rule. */
export function defaultOptions(meta: RuleMeta): OptionValues {
  const out: OptionValues = {};
  for (const [k, spec] of Object.entries(meta.options ?? {})) out[k] = spec.default;
  return out;
}
