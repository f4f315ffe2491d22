import type { Position, Range } from "./types.js";

/**
 * A file's decoded text with a line index. Offsets are UTF-16 code units into `text`
 * (the BOM, if any, is not part of `text`). Lines end at `\n`; a `\r` before it belongs to
 * the line break, not to the line's content, so CRLF files get the same columns as LF files.
 */
export class SourceText {
  readonly text: string;
  readonly lineStarts: readonly number[];

  constructor(text: string) {
    this.text = text;
    this.lineStarts = computeLineStarts(text);
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** 1-based line number containing `offset` (binary search). */
  lineOf(offset: number): number {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineOf(clamped);
    return { offset: clamped, line, column: clamped - (this.lineStarts[line - 1] as number) + 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset of the first character of a 1-based line. */
  lineStart(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }

  /** Offset just past the line's content (before `\r\n` or `\n`). */
  lineEnd(line: number): number {
    const next = this.lineStarts[line];
    if (next === undefined) return this.text.length;
    let end = next - 1;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return Math.max(end, this.lineStart(line));
  }

  /** A line's content without its line break. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf("\n");
  while (i !== -1) {
    starts.push(i + 1);
    i = text.indexOf("\n", i + 1);
  }
  return starts;
}

/**
 * The visual column (1-based) of a 0-based character index within a line, with tabs advancing
 * to the next multiple of `tabWidth`, as GCC's `-Wmisleading-indentation` counts.
 */
export function visualColumn(lineText: string, index: number, tabWidth: number): number {
  let col = 0;
  const end = Math.min(index, lineText.length);
  for (let i = 0; i < end; i++) {
    col = lineText.charCodeAt(i) === 9 ? (Math.floor(col / tabWidth) + 1) * tabWidth : col + 1;
  }
  return col + 1;
}

export type Decoded =
  | { ok: true; text: string; bom: boolean; crlf: boolean }
  | { ok: false; reason: "binary" | "invalid-utf8"; message: string };

/**
 * Decodes a file's bytes as UTF-8. A NUL byte marks a binary file (as git and grep decide);
 * invalid UTF-8 is refused rather than guessed at, so positions are never silently wrong.
 */
export function decodeUtf8(bytes: Uint8Array): Decoded {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    return { ok: false, reason: "binary", message: `binary file (NUL byte at offset ${nul}); skipped` };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    return { ok: false, reason: "invalid-utf8", message: `not valid UTF-8 (first bad byte at offset ${at}); skipped` };
  }
  return { ok: true, text, bom, crlf: text.includes("\r\n") };
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}
