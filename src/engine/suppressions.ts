/**
 * In-source suppressions, applied by the engine after the rules ran (ESLint's
 * apply-disable-directives; Ruff's RUF100 for unused ones). Rules never see them.
 *
 *   // deploylint-disable-next-line c/misleading-indentation -- reason
 *   # deploylint-disable-file docker/run-missing-rm, docker/run-name-unguarded
 */
import { continuationCut, parserDirectives } from "../languages/dockerfile/lines.js";
import { endsWithContinuation, physicalLines } from "../languages/lines.js";
import type { SourceText } from "./source.js";
import type { LanguageId } from "./types.js";

export type CommentStyle = "c" | "hash";

export interface DirectiveRule {
  id: string;
  /** Offsets of the rule id within the host text, for reporting an unused one. */
  start: number;
  end: number;
}

export interface Directive {
  kind: "next-line" | "file";
  /** 1-based line of the comment. */
  line: number;
  /** Empty means every rule. */
  rules: DirectiveRule[];
  justification?: string;
  /** Offsets of the whole directive text (from `deploylint-` to the end of the comment). */
  start: number;
  end: number;
}

const DIRECTIVE = /deploylint-disable-(next-line|file)(?![\w-])([^\n]*)/g;

/** Whether `index` on `lineText` is inside a comment of the host's syntax (a lexical check). */
function inComment(before: string, style: CommentStyle): boolean {
  if (style === "hash") return /(^|\s)#/.test(before) || before.trimStart().startsWith("#");
  return before.includes("//") || before.includes("/*");
}

export function parseDirectives(source: SourceText, style: CommentStyle): Directive[] {
  const text = source.text;
  if (!text.includes("deploylint-disable-")) return [];
  const out: Directive[] = [];
  for (const m of text.matchAll(DIRECTIVE)) {
    const at = m.index;
    const line = source.lineOf(at);
    const before = text.slice(source.lineStart(line), at);
    if (!inComment(before, style)) continue;
    let rest = (m[2] ?? "").replace(/\r$/, "");
    if (style === "c") {
      const close = rest.indexOf("*/");
      if (close !== -1) rest = rest.slice(0, close);
    }
    const restStart = at + m[0].length - (m[2] ?? "").length;
    const sep = rest.search(/\s--(\s|$)/);
    const list = sep === -1 ? rest : rest.slice(0, sep);
    const justification = sep === -1 ? undefined : rest.slice(sep + 3).trim() || undefined;
    const rules: DirectiveRule[] = [];
    for (const r of list.matchAll(/[^\s,]+/g)) {
      rules.push({ id: r[0], start: restStart + r.index, end: restStart + r.index + r[0].length });
    }
    out.push({
      kind: m[1] === "file" ? "file" : "next-line",
      line,
      rules,
      ...(justification !== undefined ? { justification } : {}),
      start: at,
      end: restStart + rest.trimEnd().length,
    });
  }
  return out;
}

export interface Suppressible {
  ruleId: string;
  /** 1-based host lines the finding counts as being on: its start line, the first line of the
   *  continued line it is on (`logicalLineStart`), and for a finding inside an embedded region the
   *  line where the region starts (a directive above a `RUN` covers it). */
  lines: number[];
}

export interface DirectiveUse {
  directive: Directive;
  /** Index into directive.rules, or -1 for a rule-less directive. */
  rule: number;
}

/**
 * For each finding, the directive (and rule entry) that suppresses it, or undefined: the first,
 * in the file's order, that covers one of its lines (a `file` directive covers all) and names its
 * rule or none. Also returns which (directive, rule) pairs were used. A finding looks only at the
 * directives of its own lines and the file-wide ones, so thousands of directives cost no more per
 * finding than a few.
 */
export function matchSuppressions(
  findings: readonly Suppressible[],
  directives: readonly Directive[],
): { by: (DirectiveUse | undefined)[]; used: Set<string> } {
  const used = new Set<string>();
  const fileWide: number[] = [];
  const byLine = new Map<number, number[]>();
  directives.forEach((d, i) => {
    if (d.kind === "file") {
      fileWide.push(i);
      return;
    }
    const list = byLine.get(d.line + 1);
    if (list) list.push(i);
    else byLine.set(d.line + 1, [i]);
  });
  const by = findings.map((f) => {
    const candidates = [...fileWide, ...f.lines.flatMap((l) => byLine.get(l) ?? [])];
    for (const i of [...new Set(candidates)].sort((a, b) => a - b)) {
      const d = directives[i] as Directive;
      const idx = d.rules.length === 0 ? -1 : d.rules.findIndex((r) => r.id === f.ruleId);
      if (idx === -1 && d.rules.length > 0) continue;
      used.add(useKey(d, idx));
      return { directive: d, rule: idx };
    }
    return undefined;
  });
  return { by, used };
}

export function useKey(d: Directive, rule: number): string {
  return `${d.start}:${rule}`;
}

/**
 * How lines continue onto the next in `text`: a Dockerfile's escape character (its `# escape=`
 * parser directive; blanks after it allowed, as BuildKit does) or a trailing `\` elsewhere.
 */
export interface Continuation {
  dockerfile: boolean;
  escape: string;
}

export function continuationOf(text: string, language: LanguageId): Continuation {
  if (language !== "dockerfile") return { dockerfile: false, escape: "\\" };
  return { dockerfile: true, escape: parserDirectives(text, physicalLines(text, "all")).escapeChar };
}

/**
 * The first line (1-based) of the logical line that `line` belongs to: physical lines joined by
 * a trailing escape character count as one. A next-line directive above that first line covers
 * a finding on any of them (a comment between joined lines would end the join), so the engine
 * honours one there and the language server puts "disable for this line" there.
 */
export function logicalLineStart(source: SourceText, line: number, how: Continuation): number {
  const joins = (l: number): boolean => {
    const t = source.lineText(l);
    return how.dockerfile ? continuationCut(t, 0, t.length, how.escape) !== undefined : endsWithContinuation(t, 0, t.length);
  };
  let first = line;
  while (first > 1 && joins(first - 1)) first--;
  return first;
}
