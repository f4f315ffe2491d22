/**
 * Word-level lexing of a Dockerfile logical line, mirroring BuildKit
 * (frontend/dockerfile/parser/line_parsers.go, parser.go):
 *
 * - `extractBuilderFlags`: leading words that start with `--` are flags (`--mount=…`, `--from=x`);
 *   quotes and `\` are processed inside them; a lone `--` ends them; the rest of the line is the
 *   arguments.
 * - `whitespaceWords`: BuildKit splits most arguments on `[\t\v\f\r ]+`, quotes untouched.
 * - `jsonStringArray`: exec form is a JSON array of strings at the start of the arguments (Go's
 *   `json.Decoder` reads one value and ignores what follows it); anything else is shell form.
 * - `heredocMarkers`: the words of the line (shell-lexed, quotes kept) that match
 *   `^(\d*)<<(-?)([^<]*)$` start heredocs.
 *
 * All offsets here are into the logical line (a MappedText), not the host.
 */
import { isGoSpace } from "./lines.js";
import { MappedTextBuilder, type MappedText } from "../mapped-text.js";

export interface RawFlag {
  /** The flag word with quotes and escapes removed, e.g. `--mount=type=cache,target=/x`. */
  word: string;
  /** Logical range of the raw word. */
  start: number;
  end: number;
}

/** BuildKit's `extractBuilderFlags` over `text` from `from`: the flags and where the arguments start. */
export function extractBuilderFlags(text: string, from: number): { flags: RawFlag[]; argsStart: number } {
  const flags: RawFlag[] = [];
  let pos = from;
  for (;;) {
    while (pos < text.length && isGoSpace(text[pos])) pos++;
    if (pos >= text.length) return { flags, argsStart: text.length };
    if (!(text[pos] === "-" && text[pos + 1] === "-")) return { flags, argsStart: pos };
    const start = pos;
    let word = "";
    let quote = "";
    let quoted = false;
    while (pos < text.length) {
      const ch = text[pos] as string;
      if (quote === "" && isGoSpace(ch)) break;
      if (quote === "" && (ch === "'" || ch === '"')) {
        quote = ch;
        quoted = true;
      } else if (quote !== "" && ch === quote) {
        quote = "";
      } else if (ch === "\\" && pos + 1 < text.length) {
        pos++;
        word += text[pos];
      } else if (ch !== "\\") {
        word += ch;
      }
      pos++;
    }
    if (word === "--" && !quoted) return { flags, argsStart: pos };
    if (word.length > 0 || quoted) flags.push({ word, start, end: pos });
  }
}

export interface RawWord {
  value: string;
  start: number;
  end: number;
}

/** Words of `[from, to)` split on `[\t\v\f\r ]+` (BuildKit's `reWhitespace`), quotes untouched. */
export function whitespaceWords(text: string, from = 0, to = text.length): RawWord[] {
  const words: RawWord[] = [];
  const re = /[^\t\v\f\r ]+/g;
  re.lastIndex = from;
  for (let m = re.exec(text); m !== null && m.index < to; m = re.exec(text)) {
    const end = Math.min(m.index + m[0].length, to);
    words.push({ value: text.slice(m.index, end), start: m.index, end });
  }
  return words;
}

export interface JsonString {
  /** The decoded string, mapped to the host through the logical line (escapes that change the character are unmapped). */
  value: MappedText;
  /** Logical range of the quoted JSON string, quotes included. */
  start: number;
  end: number;
}

const JSON_SPACE = new Set([" ", "\t", "\n", "\r"]);
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/** Decodes the JSON string whose opening quote is at `at`; undefined when it is not valid JSON. */
function jsonString(line: MappedText, at: number): JsonString | undefined {
  const text = line.text;
  const value = new MappedTextBuilder();
  let i = at + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') return { value: value.build(), start: at, end: i + 1 };
    if (ch.charCodeAt(0) < 0x20) return undefined;
    if (ch !== "\\") {
      value.appendMapped(line, i, i + 1);
      i++;
      continue;
    }
    const esc = text[i + 1];
    if (esc === undefined) return undefined;
    if (esc === "u") {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return undefined;
      value.appendSynthetic(String.fromCharCode(parseInt(hex, 16)));
      i += 6;
      continue;
    }
    const decoded = SIMPLE_ESCAPES[esc];
    if (decoded === undefined) return undefined;
    // `\"`, `\\`, `\/` stand for the escaped character itself: map it to that character.
    if (decoded === esc) value.appendMapped(line, i + 1, i + 2);
    else value.appendSynthetic(decoded);
    i += 2;
  }
  return undefined;
}

/**
 * The JSON array of strings at `[from, …)` of the line (after optional spaces), as BuildKit's
 * `parseJSON` accepts it; undefined when the text is not one (then the instruction is shell form).
 */
export function jsonStringArray(line: MappedText, from: number): JsonString[] | undefined {
  const text = line.text;
  let i = from;
  while (i < text.length && isGoSpace(text[i])) i++;
  if (text[i] !== "[") return undefined;
  const skip = (): void => {
    while (i < text.length && JSON_SPACE.has(text[i] as string)) i++;
  };
  i++;
  skip();
  const items: JsonString[] = [];
  if (text[i] === "]") return items;
  for (;;) {
    if (text[i] !== '"') return undefined;
    const item = jsonString(line, i);
    if (!item) return undefined;
    items.push(item);
    i = item.end;
    skip();
    if (text[i] === "]") return items;
    if (text[i] !== ",") return undefined;
    i++;
    skip();
  }
}

/** Shell-style words of the line with quotes and backslashes kept (BuildKit's RawQuotes/RawEscapes lexing). */
function shellWordsRaw(text: string): RawWord[] {
  const words: RawWord[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isGoSpace(text[i])) i++;
    if (i >= text.length) break;
    const start = i;
    let quote = "";
    while (i < text.length && (quote !== "" || !isGoSpace(text[i]))) {
      const ch = text[i] as string;
      if (quote === "" && (ch === "'" || ch === '"')) quote = ch;
      else if (ch === quote) quote = "";
      else if (ch === "\\" && quote !== "'") i++;
      i++;
    }
    i = Math.min(i, text.length);
    words.push({ value: text.slice(start, i), start, end: i });
  }
  return words;
}

/** A word's value with quotes removed and `\x` → `x` (outside single quotes). */
export function unquoteWord(raw: string): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (quote === "" && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === quote) quote = "";
    else if (ch === "\\" && quote !== "'" && i + 1 < raw.length) out += raw[++i];
    else out += ch;
  }
  return out;
}

export interface HeredocMarker {
  /** The delimiter, unquoted: `EOF` for `<<'EOF'`. */
  name: string;
  /** `<<-`: leading tabs are stripped from body lines and the delimiter line. */
  chomp: boolean;
  /** False when any part of the delimiter was quoted (the body is then not expanded). */
  expand: boolean;
  /** `3<<EOF`: the file descriptor; undefined when not given. */
  fd: number | undefined;
  /** Logical range of the marker word. */
  start: number;
  end: number;
}

const HEREDOC_RE = /^(\d*)<<(-?)([^<]*)$/;

/** BuildKit's `ParseHeredoc` on one word (quotes kept): the heredoc it starts, if any. */
export function parseHeredocWord(raw: string): Omit<HeredocMarker, "start" | "end"> | undefined {
  const m = HEREDOC_RE.exec(raw);
  if (!m) return undefined;
  const rest = m[3] as string;
  if (rest.length === 0 || shellWordsRaw(rest).length !== 1) return undefined;
  const name = unquoteWord(rest);
  const fd = m[1] === "" ? undefined : Number(m[1]);
  return { name, chomp: m[2] === "-", expand: !/['"]/.test(rest), fd };
}

/** The heredocs the logical line opens, in order (BuildKit's `heredocsFromLine`). */
export function heredocMarkers(text: string): HeredocMarker[] {
  const out: HeredocMarker[] = [];
  for (const w of shellWordsRaw(text)) {
    const h = parseHeredocWord(w.value);
    if (h) out.push({ ...h, start: w.start, end: w.end });
  }
  return out;
}
