/**
 * A line parser for upstart job files (`/etc/init/*.conf`, init(5)).
 *
 * A job is a sequence of stanzas, one per line, `#` comments and blank lines between them. Some
 * stanzas reach over several lines:
 * - `script` … `end script` and `pre-start script` … `end script` (likewise `post-start`,
 *   `pre-stop`, `post-stop`): the lines between are a shell script, run with `/bin/sh -e`;
 * - a value continued with a backslash at the end of the line;
 * - an event expression (`start on`, `stop on`) continued while a parenthesis is open or after
 *   a trailing `and`/`or`.
 */
import { endsWithContinuation, isBlank, type PhysicalLine, physicalLines, skipBlanks } from "../lines.js";
import { scanLine, trimEnd, wordAt } from "./lines.js";

export interface UpstartStanza {
  /**
   * The stanza keyword: `start on`, `exec`, `script`, `pre-start`, `respawn limit`, `env`… (for
   * an unknown stanza, its first word).
   */
  name: string;
  /**
   * The text after the keyword (an event expression, a command, `script`, `exec CMD`): exactly
   * `text.slice(valueStart, valueEnd)`, so a value that spans lines keeps its line breaks (and, in a
   * CRLF file, its `\r`s); a trailing comment is not part of it. `startOn()` normalises it.
   */
  value: string;
  /**
   * Host offsets of the whole stanza, from its keyword to its last character (through
   * `end script` for a block; a trailing comment excluded).
   */
  start: number;
  end: number;
  valueStart: number;
  valueEnd: number;
}

/** The stanzas that hold a process: the main one (`script` or `exec`) and the four hooks. */
export type UpstartProcessStanza = "script" | "exec" | "pre-start" | "post-start" | "pre-stop" | "post-stop";

export interface UpstartScript {
  /**
   * `script`/`exec` for the main process, else the hook (`pre-start script` and `pre-start exec`
   * are both `pre-start`).
   */
  stanza: UpstartProcessStanza;
  /** A `script … end script` block or a one-line `exec CMD`. */
  kind: "script" | "exec";
  /**
   * Host offsets of the shell text: the lines between the block's delimiters (from the start of
   * the first to the start of the `end script` line), or the command of an `exec`.
   */
  bodyStart: number;
  bodyEnd: number;
  /** Host offsets of the whole stanza (through `end script`). */
  start: number;
  end: number;
  /** False for a block that runs to the end of the file without `end script` (upstart rejects the job). */
  terminated: boolean;
}

export interface UpstartDoc {
  stanzas: UpstartStanza[];
  scripts: UpstartScript[];
}

/**
 * Stanzas whose keyword is two words (`start on`). `respawn limit` is kept apart from `respawn`:
 * it does not turn respawning on.
 */
const TWO_WORD_STANZAS: Readonly<Record<string, readonly string[]>> = {
  start: ["on"],
  stop: ["on"],
  normal: ["exit"],
  kill: ["timeout", "signal"],
  reload: ["signal"],
  respawn: ["limit"],
  apparmor: ["load", "switch"],
  oom: ["score"],
};

/** Every stanza keyword init(5) documents (upstart 1.x). */
export const KNOWN_STANZAS: ReadonlySet<string> = new Set([
  "start on",
  "stop on",
  "exec",
  "script",
  "pre-start",
  "post-start",
  "pre-stop",
  "post-stop",
  "env",
  "export",
  "description",
  "author",
  "version",
  "emits",
  "usage",
  "manual",
  "instance",
  "task",
  "respawn",
  "respawn limit",
  "normal exit",
  "expect",
  "kill timeout",
  "kill signal",
  "reload signal",
  "console",
  "umask",
  "nice",
  "oom",
  "oom score",
  "limit",
  "chroot",
  "chdir",
  "setuid",
  "setgid",
  "apparmor load",
  "apparmor switch",
  "cgroup",
]);

export const HOOK_STANZAS: ReadonlySet<string> = new Set(["pre-start", "post-start", "pre-stop", "post-stop"]);

const END_SCRIPT = /^[ \t]*end[ \t]+script(?=[ \t]*(?:#.*)?$)/;

export function parseUpstart(text: string): UpstartDoc {
  const lines = physicalLines(text);
  const stanzas: UpstartStanza[] = [];
  const scripts: UpstartScript[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as PhysicalLine;
    const kwStart = skipBlanks(text, line.start, line.end);
    if (kwStart === line.end || text[kwStart] === "#") {
      i++;
      continue;
    }
    const parsed = parseStanza(text, lines, i, kwStart);
    stanzas.push(parsed.stanza);
    if (parsed.script) scripts.push(parsed.script);
    i = parsed.nextLine;
  }
  return { stanzas, scripts };
}

interface ParsedStanza {
  stanza: UpstartStanza;
  script?: UpstartScript;
  nextLine: number;
}

/** Parses the stanza whose keyword starts at `kwStart` on line `i`. */
function parseStanza(text: string, lines: readonly PhysicalLine[], i: number, kwStart: number): ParsedStanza {
  const line = lines[i] as PhysicalLine;
  const first = wordAt(text, kwStart, line.end);
  const second = wordAt(text, skipBlanks(text, first.end, line.end), line.end);
  const twoWord = TWO_WORD_STANZAS[first.word]?.includes(second.word) === true;
  const name = twoWord ? `${first.word} ${second.word}` : first.word;
  const afterName = twoWord ? second.end : first.end;

  if (name === "script" && restIsEmpty(text, afterName, line.end)) {
    return parseBlock(text, lines, i, kwStart, "script", afterName, afterName);
  }
  if (HOOK_STANZAS.has(name)) {
    const hook = name as UpstartProcessStanza;
    if (second.word === "script" && restIsEmpty(text, second.end, line.end)) {
      return parseBlock(text, lines, i, kwStart, hook, second.end - "script".length, second.end);
    }
    if (second.word === "exec") return parseExec(text, lines, i, kwStart, hook, afterName, second.end);
  }
  if (name === "exec") return parseExec(text, lines, i, kwStart, "exec", afterName, afterName);

  const isEventExpression = name === "start on" || name === "stop on";
  const extent = valueExtent(text, lines, i, afterName, isEventExpression);
  return {
    stanza: stanzaRecord(text, name, kwStart, afterName, extent.valueEnd, extent.valueEnd),
    nextLine: extent.lastLine + 1,
  };
}

function restIsEmpty(text: string, from: number, lineEnd: number): boolean {
  const scan = scanLine(text, from, lineEnd, "");
  return skipBlanks(text, from, scan.codeEnd) === scan.codeEnd;
}

function stanzaRecord(
  text: string,
  name: string,
  start: number,
  afterName: number,
  valueEnd: number,
  end: number,
): UpstartStanza {
  const valueStart = Math.min(skipBlanks(text, afterName, valueEnd), valueEnd);
  return {
    name,
    value: text.slice(valueStart, valueEnd),
    start,
    end: Math.max(end, afterName),
    valueStart,
    valueEnd,
  };
}

/**
 * `script`/`pre-start script` … `end script`. `wordStart`/`wordEnd` delimit the `script` word
 * after a hook name (an empty range for a plain `script`).
 */
function parseBlock(
  text: string,
  lines: readonly PhysicalLine[],
  i: number,
  kwStart: number,
  process: UpstartProcessStanza,
  wordStart: number,
  wordEnd: number,
): ParsedStanza {
  let j = i + 1;
  let endMatch: RegExpExecArray | null = null;
  for (; j < lines.length; j++) {
    const l = lines[j] as PhysicalLine;
    endMatch = END_SCRIPT.exec(text.slice(l.start, l.end));
    if (endMatch) break;
  }
  const endLine = lines[j];
  const terminated = endLine !== undefined && endMatch !== null;
  const bodyStart = (lines[i] as PhysicalLine).next;
  const bodyEnd = terminated ? endLine.start : text.length;
  const end = terminated
    ? endLine.start + (endMatch as RegExpExecArray)[0].length
    : trimEnd(text, bodyStart, text.length);
  const stanza: UpstartStanza = {
    name: process,
    value: text.slice(wordStart, wordEnd),
    start: kwStart,
    end: Math.max(end, wordEnd),
    valueStart: wordStart,
    valueEnd: wordEnd,
  };
  return {
    stanza,
    script: { stanza: process, kind: "script", bodyStart, bodyEnd, start: kwStart, end: stanza.end, terminated },
    nextLine: j + 1,
  };
}

/** `exec CMD` or `pre-start exec CMD`: `execEnd` is just past the `exec` word. */
function parseExec(
  text: string,
  lines: readonly PhysicalLine[],
  i: number,
  kwStart: number,
  stanza: UpstartProcessStanza,
  afterName: number,
  execEnd: number,
): ParsedStanza {
  const extent = valueExtent(text, lines, i, execEnd, false);
  const record = stanzaRecord(text, stanza, kwStart, afterName, extent.valueEnd, extent.valueEnd);
  const cmdStart = Math.min(skipBlanks(text, execEnd, extent.valueEnd), extent.valueEnd);
  const nextLine = extent.lastLine + 1;
  if (cmdStart === extent.valueEnd) return { stanza: record, nextLine };
  return {
    stanza: record,
    script: {
      stanza,
      kind: "exec",
      bodyStart: cmdStart,
      bodyEnd: extent.valueEnd,
      start: kwStart,
      end: record.end,
      terminated: true,
    },
    nextLine,
  };
}

/**
 * How far a stanza's value reaches, from `from` on line `i`: over backslash-continued lines and,
 * for an event expression, while a parenthesis is open or the line ends with `and`/`or`
 * (upstart reads `start on (a\n and b)`). `valueEnd` is just past the last character that is
 * neither blank nor part of a comment.
 */
function valueExtent(
  text: string,
  lines: readonly PhysicalLine[],
  i: number,
  from: number,
  isEventExpression: boolean,
): { lastLine: number; valueEnd: number } {
  let j = i;
  let pos = from;
  let depth = 0;
  let lastWord = "";
  let valueEnd = from;
  for (;;) {
    const l = lines[j] as PhysicalLine;
    const scan = scanLine(text, pos, l.end, "");
    depth += scan.parenDelta;
    const codeEnd = trimEnd(text, pos, scan.codeEnd);
    if (codeEnd > pos) {
      valueEnd = codeEnd;
      lastWord = lastWordOf(text, pos, codeEnd);
    }
    const backslash = scan.codeEnd === l.end && endsWithContinuation(text, pos, l.end);
    const openExpression = isEventExpression && (depth > 0 || lastWord === "and" || lastWord === "or");
    const next = lines[j + 1];
    if (!next || !(backslash || (openExpression && !startsWithStanza(text, next)))) return { lastLine: j, valueEnd };
    j++;
    pos = next.start;
  }
}

function lastWordOf(text: string, from: number, to: number): string {
  let i = to;
  while (i > from && !isBlank(text[i - 1]) && text[i - 1] !== "(" && text[i - 1] !== ")") i--;
  return text.slice(i, to);
}

/**
 * Whether a line begins with a stanza keyword: an unbalanced parenthesis in `start on` then
 * stops at the next stanza instead of swallowing the rest of the job.
 */
function startsWithStanza(text: string, line: PhysicalLine): boolean {
  const start = skipBlanks(text, line.start, line.end);
  const first = wordAt(text, start, line.end);
  if (KNOWN_STANZAS.has(first.word)) return true;
  const second = wordAt(text, skipBlanks(text, first.end, line.end), line.end);
  return KNOWN_STANZAS.has(`${first.word} ${second.word}`);
}
