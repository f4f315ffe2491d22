/**
 * Physical lines and the small lexical helpers that the line-based host adapters share
 * (Dockerfile, upstart, make). Offsets are host offsets. systemd ends a line at a lone `\r` too
 * and keeps its own splitter (systemd/lines.ts).
 */

/** One physical line: `[start, end)` is its content (no line break); `next` is the start of the following line. */
export interface PhysicalLine {
  start: number;
  end: number;
  next: number;
}

/**
 * Splits `text` at `\n`. Neither the `\n` nor the `\r` before it is content: with `trimCR: "one"`
 * (upstart, make) one `\r` is dropped (`\r\n`); with `"all"` every `\r` before the line end is
 * (BuildKit's `trimNewline`).
 */
export function physicalLines(text: string, trimCR: "one" | "all" = "one"): PhysicalLine[] {
  const lines: PhysicalLine[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const next = nl === -1 ? text.length : nl + 1;
    let end = nl === -1 ? text.length : nl;
    if (trimCR === "all") while (end > start && text.charCodeAt(end - 1) === 13) end--;
    else if (end > start && text.charCodeAt(end - 1) === 13) end--;
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

/** C's `isspace` in the "C" locale, which upstart's lexer (libnih) and GNU make use. */
export function isBlank(ch: string | undefined): boolean {
  return ch === " " || ch === "\t" || ch === "\r" || ch === "\n" || ch === "\f" || ch === "\v";
}

/** First offset in `[from, to)` that is not a blank, or `to`. */
export function skipBlanks(s: string, from: number, to: number = s.length): number {
  let i = from;
  while (i < to && isBlank(s[i])) i++;
  return i;
}

/** Whether `[start, end)` ends with an odd number of backslashes (a line continuation). */
export function endsWithContinuation(text: string, start: number, end: number): boolean {
  let n = 0;
  for (let i = end - 1; i >= start && text[i] === "\\"; i--) n++;
  return n % 2 === 1;
}
