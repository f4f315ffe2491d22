/**
 * `c/misleading-indentation`'s pre-filter: whether the rule could report on a text, answered
 * without parsing it. Two stages:
 *
 * 1. `hasUnbracedGuard` (src/languages/c/text.ts): some `if`, `else`, `for` or `while` has a
 *    body that does not start with `{`. Most files stop here.
 * 2. For each such guard, the three tokens the rule compares are found in the text (the guard,
 *    its body's first token, the first token after the body) and handed to the rule's own layout
 *    decision (`isMisleading`, _layout.ts) under the configured tab width. Correctly indented
 *    code stops here: a body one level in, the next statement back at the guard's level.
 *
 * The answer may be yes wrongly, never no wrongly: wherever the text does not plainly show what
 * the parser would (a directive, a label or an attribute where a statement should start, a
 * statement the scan does not follow to its end, a macro this file defines as empty at either
 * end, an `if constexpr`), the answer is yes and the parser decides. Checked against the rule
 * run unfiltered: the fixture corpus at four tab widths in the tests, and every `.c`/`.h` file
 * under `/usr` once (docs/performance.md).
 */
import { SourceText } from "../../engine/source.js";
import { blankCode, hasUnbracedGuard } from "../../languages/c/text.js";
import { endOfDirective, isBlank, isIdentStart, isMisleading, isPragma, locate, onlyBlanksBefore, type Guard } from "./_layout.js";

/** Whether `c/misleading-indentation`, run with this tab width, could report anything on `text`. */
export function mayMislead(text: string, tabWidth: number): boolean {
  if (!hasUnbracedGuard(text)) return false;
  const scan: Scan = { text, code: blankCode(text), source: new SourceText(text), emptyMacros: emptyMacroNames(text), tabWidth };
  for (const m of scan.code.matchAll(GUARDS)) {
    if (guardMayMislead(scan, m[0] as Guard, m.index)) return true;
  }
  return false;
}

interface Scan {
  text: string;
  /** `text` with comments, literals and directives blanked (`blankCode`): same offsets, same lines. */
  code: string;
  source: SourceText;
  emptyMacros: ReadonlySet<string>;
  tabWidth: number;
}

const GUARDS = /\b(?:if|else|for|while)\b/g;

/** A C identifier at an offset (`$` included, as GCC allows). */
const NAME = /[A-Za-z_$][\w$]*/y;

/** Statements whose extent the scan does not follow: the parser decides. */
const UNFOLLOWED = new Set(["else", "case", "default", "try", "catch", "__try", "__except", "__finally", "__attribute__", "__declspec"]);

/** Deeper nesting than this inside one guard's body counts as unclear. */
const MAX_NESTING = 64;

/** Whether the guard `guard` at `at` could be reported. */
function guardMayMislead(scan: Scan, guard: Guard, at: number): boolean {
  const { code } = scan;
  let body = skipBlank(code, at + guard.length);
  if (guard !== "else") {
    if (code.charCodeAt(body) !== OPEN_PAREN) return true;
    const past = pastClosing(code, body);
    if (past < 0) return true;
    body = skipBlank(code, past);
  }
  const first = code.charCodeAt(body);
  // A block body: the rule is silent.
  if (first === OPEN_BRACE) return false;
  const emptyBody = first === SEMICOLON;
  // `do { … } while (x);` is a do statement, which the rule does not check.
  if (emptyBody && guard === "while" && endsDoStatement(code, at)) return false;
  if (!emptyBody && startsWithEmptyMacro(scan, body)) return true;
  const end = emptyBody ? body + 1 : statementEnd(code, body, 0);
  if (end < 0) return true;
  const next = nextToken(scan, end);
  if (next === UNCLEAR) return true;
  // No token after the body, or one after which control flow is plain: the rule is silent.
  if (next === NONE) return false;
  const c = code.charCodeAt(next);
  if (c === CLOSE_BRACE || c === SEMICOLON) return false;
  const word = nameAt(code, next);
  if (word === "else") return false;
  if (word !== undefined && scan.emptyMacros.has(word)) return true;
  const { source, tabWidth } = scan;
  return isMisleading(source, tabWidth, {
    guard,
    emptyBody,
    nextIsBrace: c === OPEN_BRACE,
    guardAt: locate(source, at, tabWidth),
    bodyAt: locate(source, body, tabWidth),
    nextAt: locate(source, next, tabWidth),
  });
}

const OPEN_PAREN = 40;
const CLOSE_PAREN = 41;
const SEMICOLON = 59;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const HASH = 35;
const BACKSLASH = 92;

/** `nextToken`'s answers besides an offset. */
const NONE = -1;
const UNCLEAR = -2;

/**
 * The first token at or after `from`, directives skipped as the rule's token scan skips them
 * (a `#pragma` there is a token of its own after which the rule is silent: NONE).
 */
function nextToken(scan: Scan, from: number): number {
  const { code, text } = scan;
  let i = skipBlank(code, from);
  while (code.charCodeAt(i) === HASH) {
    // In blanked code a `#` that starts its line starts a directive; any other is no C the scan reads.
    if (!onlyBlanksBefore(code, i)) return UNCLEAR;
    if (isPragma(text, i)) return NONE;
    // To the end of its line in the text: blankCode leaves a directive after a comment on its
    // line as it is (its pattern starts at the line's start).
    i = skipBlank(code, endOfDirective(text, i));
  }
  return i >= code.length ? NONE : i;
}

/**
 * Just past the statement that starts at `at` (a non-blank offset in blanked code), or -1 when
 * the scan cannot tell where it ends.
 */
function statementEnd(code: string, at: number, depth: number): number {
  if (depth > MAX_NESTING) return -1;
  const c = code.charCodeAt(at);
  if (c === OPEN_BRACE) return pastClosing(code, at);
  if (c === SEMICOLON) return at + 1;
  // `[[likely]] { … }`: an attributed statement, whatever follows the attribute.
  if (c === OPEN_BRACKET) return -1;
  const word = nameAt(code, at);
  if (word === "if" || word === "for" || word === "while" || word === "switch") {
    const open = skipBlank(code, at + word.length);
    if (code.charCodeAt(open) !== OPEN_PAREN) return -1;
    const past = pastClosing(code, open);
    if (past < 0) return -1;
    const end = statementEnd(code, skipBlank(code, past), depth + 1);
    if (end < 0 || word !== "if") return end;
    const after = skipBlank(code, end);
    return nameAt(code, after) === "else" ? statementEnd(code, skipBlank(code, after + 4), depth + 1) : end;
  }
  if (word === "do") {
    const end = statementEnd(code, skipBlank(code, at + 2), depth + 1);
    if (end < 0) return -1;
    const loop = skipBlank(code, end);
    if (nameAt(code, loop) !== "while") return -1;
    const open = skipBlank(code, loop + 5);
    if (code.charCodeAt(open) !== OPEN_PAREN) return -1;
    const past = pastClosing(code, open);
    if (past < 0) return -1;
    const semi = skipBlank(code, past);
    return code.charCodeAt(semi) === SEMICOLON ? semi + 1 : -1;
  }
  if (word !== undefined) {
    if (UNFOLLOWED.has(word)) return -1;
    // A label (`fail: x;`), not C++'s `a::b`.
    const after = skipBlank(code, at + word.length);
    if (code.charCodeAt(after) === 58 && code.charCodeAt(after + 1) !== 58) return -1;
  }
  return simpleStatementEnd(code, at);
}

/** Just past the `;` that ends an expression statement (brackets of every kind balanced), or -1. */
function simpleStatementEnd(code: string, at: number): number {
  let depth = 0;
  for (let i = at; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) depth++;
    else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      if (--depth < 0) return -1;
    } else if (c === SEMICOLON && depth === 0) return i + 1;
    else if (c === HASH) return -1;
  }
  return -1;
}

/**
 * Just past the bracket that closes the one at `open` (brackets of every kind counted together),
 * or -1: never closed, closed by another kind, or a directive inside.
 */
function pastClosing(code: string, open: number): number {
  const stack: number[] = [];
  for (let i = open; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c === OPEN_PAREN || c === OPEN_BRACKET || c === OPEN_BRACE) stack.push(c);
    else if (c === CLOSE_PAREN || c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      const opener = stack.pop();
      if (opener !== (c === CLOSE_PAREN ? OPEN_PAREN : c === CLOSE_BRACKET ? OPEN_BRACKET : OPEN_BRACE)) return -1;
      if (stack.length === 0) return i + 1;
    } else if (c === HASH) return -1;
  }
  return -1;
}

/** Whether the `while` at `at` follows the `}` of a block that `do` opens. */
function endsDoStatement(code: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && isBlank(code.charCodeAt(i))) i--;
  if (code.charCodeAt(i) !== CLOSE_BRACE) return false;
  for (let depth = 0; i >= 0; i--) {
    const c = code.charCodeAt(i);
    if (c === CLOSE_BRACE) depth++;
    else if (c === OPEN_BRACE && --depth === 0) break;
  }
  i--;
  while (i >= 0 && isBlank(code.charCodeAt(i))) i--;
  return i >= 1 && code.startsWith("do", i - 1) && !/[\w$]/.test(code.charAt(i - 2));
}

/** Whether a statement at `at` starts with a macro this file defines as empty (the rule's tokens skip it). */
function startsWithEmptyMacro(scan: Scan, at: number): boolean {
  if (scan.emptyMacros.size === 0) return false;
  const word = nameAt(scan.code, at);
  return word !== undefined && scan.emptyMacros.has(word);
}

/** The identifier (or keyword) at `at`, if one starts there. */
function nameAt(code: string, at: number): string | undefined {
  if (!isIdentStart(code.charCodeAt(at))) return undefined;
  NAME.lastIndex = at;
  return NAME.exec(code)?.[0];
}

/** The first offset at or after `from` that is not blank, a line break, or a backslash-newline. */
function skipBlank(code: string, from: number): number {
  let i = from;
  while (i < code.length) {
    const c = code.charCodeAt(i);
    if (isBlank(c)) i++;
    else if (c === BACKSLASH && (code.charCodeAt(i + 1) === 10 || (code.charCodeAt(i + 1) === 13 && code.charCodeAt(i + 2) === 10))) i += 2;
    else break;
  }
  return i;
}

/**
 * The names this file `#define`s with nothing after them (object- or function-like; comments and
 * backslash-newlines count as nothing). The rule's tokens step over their uses. A superset: a
 * `#define` inside a comment counts too, which can only make the answer yes more often.
 */
function emptyMacroNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(EMPTY_DEFINE)) names.add(m[1] as string);
  return names;
}

/** `#define NAME` or `#define NAME(params)` and nothing but blanks, comments and backslash-newlines to the end of the line. */
const EMPTY_DEFINE = /#[ \t]*define[ \t]+([A-Za-z_$][\w$]*)(?:\((?:[^)\n\\]|\\\r?\n|\\)*\))?(?:[ \t\r]|\\\r?\n|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*(?![^\n])/g;
