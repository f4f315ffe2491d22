/**
 * The shell text of a recipe line as make hands it to the shell, with a map to the host.
 *
 * What make does to a recipe line before `sh -c` runs it:
 * - backslash-newline pairs stay (the shell joins the lines), but the recipe prefix (tab) at the
 *   start of each continuation line is removed;
 * - `$$` becomes `$`;
 * - variable references and function calls are expanded.
 *
 * We cannot expand, so references become something tree-sitter-bash reads as one parameter
 * expansion of the same length (so the map stays 1:1):
 * - `$(NAME)` and `${NAME}` with a plain name → `${NAME}` (only the brackets are synthesised);
 * - anything else in brackets (`$(shell pwd)`, `$(@D)`, `$(SRC:.c=.o)`, nested calls) →
 *   `${` + the text with every character that cannot be in a shell name replaced by `_` + `}`
 *   (`$(shell pwd)` → `${shell_pwd}`): left as is, bash would read `${shell pwd}` as a broken
 *   expansion and swallow the words after it;
 * - the automatic variables that are also shell parameters stay: `$@`, `$*`, `$?` (a shell
 *   special parameter, a word, which is what matters to rules); those that are not (`$<`, `$^`,
 *   `$+`, `$|`, `$%`) become `$_`: left as is, `$<` would parse as a redirection and `$|` as a
 *   pipe;
 * - other one-character references (`$X`) stay: the shell reads a parameter expansion too.
 *
 * `\r` characters are dropped (GNU make reads CRLF files as LF).
 */
import type { Segment } from "../regions.js";
import { closingBracket } from "./lines.js";
import type { RecipeLine } from "./parse.js";

/** A string as a list of characters, each with the host offset it came from. */
export interface MappedChars {
  chars: string[];
  hosts: number[];
}

/** The characters of a recipe line after its prefixes: continuation tabs and `\r`s removed, nothing expanded yet. */
export function recipeLineChars(text: string, line: RecipeLine): MappedChars {
  const out: MappedChars = { chars: [], hosts: [] };
  let pos = line.textStart;
  while (pos < line.end) {
    const nl = text.indexOf("\n", pos);
    const stop = nl === -1 || nl >= line.end ? line.end : nl;
    for (let k = pos; k < stop; k++) {
      if (text[k] !== "\r") push(out, text[k] as string, k);
    }
    if (stop === line.end) break;
    push(out, "\n", nl);
    pos = nl + 1;
    if (text[pos] === line.recipePrefix) pos++;
  }
  return out;
}

export function push(out: MappedChars, ch: string, host: number): void {
  out.chars.push(ch);
  out.hosts.push(host);
}

/** Automatic variables that are not shell parameters: rewritten as `$_`. */
const NON_SHELL_AUTOMATIC = new Set(["<", "^", "+", "|", "%"]);
const PLAIN_NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)$/;

/** Applies make's `$$` and the reference rewrites described above. */
export function makeToShell(input: MappedChars): MappedChars {
  const { chars, hosts } = input;
  const out: MappedChars = { chars: [], hosts: [] };
  let i = 0;
  while (i < chars.length) {
    const ch = chars[i] as string;
    const next = chars[i + 1];
    if (ch !== "$" || next === undefined) {
      push(out, ch, hosts[i] as number);
      i++;
    } else if (next === "$") {
      push(out, "$", hosts[i] as number); // the shell's `$` maps to the first `$`
      i += 2;
    } else if (next === "(" || next === "{") {
      const close = closingBracket(chars, i + 1, chars.length);
      if (close === -1) {
        push(out, ch, hosts[i] as number);
        i++;
        continue;
      }
      pushReference(out, chars.slice(i + 2, close), hosts.slice(i, close + 1));
      i = close + 1;
    } else if (NON_SHELL_AUTOMATIC.has(next)) {
      push(out, "$", hosts[i] as number);
      push(out, "_", hosts[i + 1] as number);
      i += 2;
    } else {
      push(out, ch, hosts[i] as number);
      i++;
    }
  }
  return out;
}

/** `${inner}` over the host offsets of `$(inner)`; `inner` made a valid shell name unless it is one. */
function pushReference(out: MappedChars, inner: string[], hosts: number[]): void {
  const name = PLAIN_NAME.test(inner.join(""))
    ? inner
    : inner.map((c, k) => (/[A-Za-z0-9_]/.test(c) && !(k === 0 && /[0-9]/.test(c)) ? c : "_"));
  ["$", "{", ...name, "}"].forEach((c, k) => push(out, c, hosts[k] as number));
}

/** The text and the piecewise map of mapped characters (runs of consecutive host offsets). */
export function toRegionText(mapped: MappedChars, fallbackHost: number): { text: string; map: Segment[] } {
  const map: Segment[] = [];
  const { chars, hosts } = mapped;
  for (let k = 0; k < hosts.length; k++) {
    const host = hosts[k] as number;
    const last = map[map.length - 1];
    if (last && last.hostStart + last.length === host && last.regionStart + last.length === k) last.length++;
    else map.push({ regionStart: k, hostStart: host, length: 1 });
  }
  if (map.length === 0) map.push({ regionStart: 0, hostStart: fallbackHost, length: 0 });
  return { text: chars.join(""), map };
}
