/**
 * Splitting an `Exec*=` value into commands and words, as systemd does (src/core/load-fragment.c
 * `config_parse_exec`, src/basic/extract-word.c `extract_first_word` with
 * `EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE`; systemd.service(5) "COMMAND LINES", systemd.syntax(7)
 * "Quoting"):
 *
 * - Words are separated by blanks. A `"` or `'` anywhere in a word opens a quoted part that runs to
 *   the matching quote; the quotes are removed (`a"b c"d` is one word `ab cd`).
 * - C-style escapes are decoded inside and outside quotes (`\"`, `\'`, `\\`, `\n`, `\t`, `\s`
 *   (space), `\xNN`, `\NNN` octal, `\uNNNN`, `\UNNNNNNNN`, `\a\b\f\r\v`); an unknown escape is kept
 *   verbatim with a warning.
 * - `$VAR`, `${VAR}` and `%` specifiers are expanded by systemd later: they stay literal here.
 * - A lone unquoted `;` word separates commands; `\;` is a literal `;` argument.
 * - The first word may start with prefix characters, each at most once: `-` (failure ignored),
 *   `@` (the second word is argv[0]), `:` (no environment expansion), `+` (full privileges), `!`
 *   (no credential change), `!!` (ambient capabilities fallback), and since systemd 258 `|` (run
 *   the command line through the user's shell). `+`, `!` and `!!` exclude each other.
 *
 * Word values keep a map to the host: a character copied from the host is mapped to its offset; an
 * escape that stands for itself (`\"`, `\'`, `\\`) is mapped to the escaped character; an escape
 * that decodes to another character (`\n`, `\s`, `\x41`) and the space that replaced a
 * continuation backslash are synthesised (unmapped).
 */
import type { ArgvWord } from "../regions.js";
import { hostSpan, MappedTextBuilder, type MappedText } from "../mapped-text.js";
import { isBlank } from "./lines.js";

export interface ExecWord {
  /** The word after unquoting and unescaping, mapped to the host. */
  value: MappedText;
  /** Offsets of the raw word in the directive's value (quotes included). */
  start: number;
  end: number;
}

export interface ExecCommand {
  /** Prefix characters in the order written, e.g. `-`, `@+`, `!!`, `|`. */
  prefixes: string;
  /** The words: the first with its prefixes removed; with `@`, the second is the argv[0] override. */
  words: ExecWord[];
  /** Offsets in the value where the command's text starts and ends. */
  start: number;
  end: number;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
  "'": "'",
  s: " ",
};

/** Decodes the escape at `at` (a backslash): the character(s) and how many source characters it used; undefined when invalid. */
function cunescapeOne(text: string, at: number): { decoded: string; length: number } | undefined {
  const c = text[at + 1];
  if (c === undefined) return undefined;
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { decoded: simple, length: 2 };
  const hex = (digits: number): { decoded: string; length: number } | undefined => {
    const h = text.slice(at + 2, at + 2 + digits);
    if (h.length !== digits || !/^[0-9a-fA-F]+$/.test(h)) return undefined;
    const code = parseInt(h, 16);
    return code === 0 || code > 0x10ffff ? undefined : { decoded: String.fromCodePoint(code), length: 2 + digits };
  };
  if (c === "x") return hex(2);
  if (c === "u") return hex(4);
  if (c === "U") return hex(8);
  if (c >= "0" && c <= "7") {
    const o = text.slice(at + 1, at + 4);
    if (!/^[0-7]{3}$/.test(o)) return undefined;
    const code = parseInt(o, 8);
    return code === 0 ? undefined : { decoded: String.fromCharCode(code), length: 4 };
  }
  return undefined;
}

/** `extract_first_word` from `pos`: the next word and where scanning continues; undefined when only blanks remain. */
export function extractWord(value: MappedText, pos: number): { word: ExecWord; next: number } | undefined {
  const text = value.text;
  let i = pos;
  while (i < text.length && isBlank(text[i])) i++;
  if (i >= text.length) return undefined;
  const start = i;
  const out = new MappedTextBuilder();
  let quote = "";
  while (i < text.length) {
    const ch = text[i] as string;
    if (quote === "" && isBlank(ch)) break;
    if (quote === "" && (ch === '"' || ch === "'")) {
      quote = ch;
      i++;
    } else if (quote !== "" && ch === quote) {
      quote = "";
      i++;
    } else if (ch === "\\") {
      const esc = cunescapeOne(text, i);
      if (!esc) {
        // Unknown escape (or a trailing backslash): systemd keeps it verbatim and warns.
        out.appendMapped(value, i, Math.min(i + 2, text.length));
        i += 2;
      } else if (esc.length === 2 && esc.decoded === text[i + 1]) {
        out.appendMapped(value, i + 1, i + 2);
        i += 2;
      } else {
        out.appendSynthetic(esc.decoded);
        i += esc.length;
      }
    } else {
      out.appendMapped(value, i, i + 1);
      i++;
    }
  }
  const end = Math.min(i, text.length);
  while (i < text.length && isBlank(text[i])) i++;
  return { word: { value: out.build(), start, end }, next: i };
}

/** Splits the prefix characters off the first word's value (config_parse_exec's prefix loop). */
export function splitPrefixes(first: string): { prefixes: string; rest: number } {
  let ignore = false;
  let argv0 = false;
  let noEnv = false;
  let viaShell = false;
  let privilege = ""; // "", "+", "!", "!!"
  let i = 0;
  for (; i < first.length; i++) {
    const c = first[i];
    if (c === "-" && !ignore) ignore = true;
    else if (c === "@" && !argv0) argv0 = true;
    else if (c === ":" && !noEnv) noEnv = true;
    else if (c === "|" && !viaShell) viaShell = true;
    else if (c === "+" && privilege === "") privilege = "+";
    else if (c === "!" && privilege === "") privilege = "!";
    else if (c === "!" && privilege === "!") privilege = "!!";
    else break;
  }
  return { prefixes: first.slice(0, i), rest: i };
}

function isSeparatorAt(text: string, i: number, length: number): boolean {
  return i + length >= text.length || isBlank(text[i + length]);
}

/** The commands of an `Exec*=` value, `;`-separated commands split apart. */
export function splitExecValue(value: MappedText): ExecCommand[] {
  const text = value.text;
  const commands: ExecCommand[] = [];
  let pos = 0;
  for (;;) {
    const first = extractWord(value, pos);
    if (!first) return commands;
    pos = first.next;
    if (first.word.value.text === ";") continue;
    const { prefixes, rest } = splitPrefixes(first.word.value.text);
    const head = new MappedTextBuilder();
    head.appendMapped(first.word.value, rest);
    const words: ExecWord[] = [{ value: head.build(), start: first.word.start, end: first.word.end }];
    let end = first.word.end;
    while (pos < text.length) {
      if (text[pos] === ";" && isSeparatorAt(text, pos, 1)) {
        pos++;
        break;
      }
      if (text[pos] === "\\" && text[pos + 1] === ";" && isSeparatorAt(text, pos, 2)) {
        const semi = new MappedTextBuilder();
        semi.appendMapped(value, pos + 1, pos + 2);
        words.push({ value: semi.build(), start: pos, end: pos + 2 });
        end = pos + 2;
        pos += 2;
        while (pos < text.length && isBlank(text[pos])) pos++;
        continue;
      }
      const next = extractWord(value, pos);
      if (!next) break;
      words.push(next.word);
      end = next.word.end;
      pos = next.next;
    }
    commands.push({ prefixes, words, start: first.word.start, end });
  }
}

/** An ExecWord as a region word: its value and the host range of its raw text. */
export function argvWord(value: MappedText, word: ExecWord, hostStartOverride?: number): ArgvWord {
  const span = hostSpan(value.map, word.start, word.end);
  return { value: word.value.text, hostStart: hostStartOverride ?? span.start, hostEnd: span.end };
}
