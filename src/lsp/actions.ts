/**
 * What the code actions edit, as pure functions of the text: suppression comments in the host
 * file's own comment syntax (the engine's directive grammar, see src/engine/suppressions.ts), and
 * the edits that turn a text into its fixed form (the fixing itself is the engine's `fixText`).
 */
import { diffLines } from "diff";
import { SourceText } from "../engine/source.js";
import { continuationOf, logicalLineStart, parseDirectives, type Directive } from "../engine/suppressions.js";
import type { Edit, Finding, LanguageId } from "../engine/types.js";
import { parserDirectives } from "../languages/dockerfile/lines.js";
import { LANGUAGES } from "../languages/index.js";
import { physicalLines } from "../languages/lines.js";

/** `//` for C and C++, `#` for every other language deploylint knows. */
export function commentPrefix(language: LanguageId): string {
  return LANGUAGES[language].comments === "c" ? "//" : "#";
}

function eolOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

/** `, RULE` after the last rule of an existing directive, or undefined when it already names it. */
function extendDirective(d: Directive, ruleId: string): Edit | undefined {
  if (d.rules.some((r) => r.id === ruleId)) return undefined;
  const last = d.rules[d.rules.length - 1];
  if (!last) return undefined;
  return { start: last.end, end: last.end, text: `, ${ruleId}` };
}

/**
 * The edit that suppresses `finding` on its line: a `deploylint-disable-next-line RULE` comment
 * above the line, with the line's indentation. A finding on a continuation line (after a trailing
 * `\`, e.g. inside a multi-line `RUN`) gets the comment above the first line of that logical line
 * (the engine's `logicalLineStart`, which the engine honours a directive above); a comment there
 * never breaks the continuation. When the line above already is a next-line directive, the rule is added to it.
 */
export function disableLineEdit(text: string, language: LanguageId, finding: Finding): Edit {
  const source = new SourceText(text);
  const line = logicalLineStart(source, Math.min(Math.max(finding.range.start.line, 1), source.lineCount), continuationOf(text, language));
  const above = parseDirectives(source, LANGUAGES[language].comments).find((d) => d.kind === "next-line" && d.line === line - 1);
  if (above && above.rules.length > 0) {
    const ext = extendDirective(above, finding.ruleId);
    if (ext) return ext;
  }
  const indent = /^[ \t]*/.exec(source.lineText(line))?.[0] ?? "";
  return {
    start: source.lineStart(line),
    end: source.lineStart(line),
    text: `${indent}${commentPrefix(language)} deploylint-disable-next-line ${finding.ruleId}${eolOf(text)}`,
  };
}

/**
 * The edit that suppresses `ruleId` in the whole file: added to an existing
 * `deploylint-disable-file` directive, or a new one at the top of the file — after a `#!` line
 * and after a Dockerfile's parser directives, which must stay first.
 */
export function disableFileEdit(text: string, language: LanguageId, ruleId: string): Edit {
  const source = new SourceText(text);
  const existing = parseDirectives(source, LANGUAGES[language].comments).find((d) => d.kind === "file" && d.rules.length > 0);
  if (existing) {
    const ext = extendDirective(existing, ruleId);
    // Already named: insert nothing (an empty edit at the directive).
    return ext ?? { start: existing.end, end: existing.end, text: "" };
  }
  let after = 0;
  if (source.lineText(1).startsWith("#!")) after = 1;
  else if (language === "dockerfile") after = parserDirectives(text, physicalLines(text, "all")).directives.length;
  const eol = eolOf(text);
  const comment = `${commentPrefix(language)} deploylint-disable-file ${ruleId}${eol}`;
  if (after >= source.lineCount) {
    // The file is nothing but those lines: append, ending the last one first if it is unterminated.
    const needsBreak = text.length > 0 && !text.endsWith("\n");
    return { start: text.length, end: text.length, text: `${needsBreak ? eol : ""}${comment}` };
  }
  const at = source.lineStart(after + 1);
  return { start: at, end: at, text: comment };
}

/**
 * Line-granular edits (host offsets into `before`) that turn `before` into `after`: one edit per
 * changed hunk, so an editor keeps its marks and folds on the lines a fix did not touch.
 */
export function textDiffEdits(before: string, after: string): Edit[] {
  if (before === after) return [];
  const edits: Edit[] = [];
  let offset = 0;
  let pending: Edit | undefined;
  for (const change of diffLines(before, after)) {
    if (change.added) {
      if (pending) pending.text += change.value;
      else pending = { start: offset, end: offset, text: change.value };
    } else if (change.removed) {
      if (!pending) pending = { start: offset, end: offset, text: "" };
      offset += change.value.length;
      pending.end = offset;
    } else {
      if (pending) edits.push(pending);
      pending = undefined;
      offset += change.value.length;
    }
  }
  if (pending) edits.push(pending);
  return edits;
}
