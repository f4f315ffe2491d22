/**
 * Dockerfile → instructions, following BuildKit's parser (see lines.ts and words.ts for the
 * lexical rules). Every offset in the result is a host offset: 0-based UTF-16 into the text as
 * given (CRLF or LF).
 */
import { physicalLines, type PhysicalLine } from "../lines.js";
import { hostSpan, sliceMapped, type MappedText } from "../mapped-text.js";
import type { Segment } from "../regions.js";
import { parserDirectives, readHeredocBody, readLogicalLine, skipGoSpace, trimGoSpaceEnd, type ParserDirective } from "./lines.js";
import { extractBuilderFlags, heredocMarkers, jsonStringArray, whitespaceWords, type HeredocMarker, type RawFlag } from "./words.js";

/**
 * How the arguments are written:
 * - `exec`: a JSON array of strings (RUN/CMD/ENTRYPOINT/SHELL/COPY/ADD/VOLUME accept it);
 * - `heredoc`: RUN/COPY/ADD that open here-documents (`RUN <<EOF`, `RUN cat <<EOF >/f`);
 * - `shell`: RUN/CMD/ENTRYPOINT text that the stage's SHELL runs (`/bin/sh -c` by default);
 * - `none`: every other instruction (FROM, ENV, COPY a b, HEALTHCHECK, …).
 */
export type DForm = "shell" | "exec" | "heredoc" | "none";

export interface DArg {
  /** exec form: the JSON string decoded; otherwise the whitespace-separated word as written (quotes kept). */
  value: string;
  /** Host range of the word (for exec form: the quoted JSON string, quotes included). */
  start: number;
  end: number;
}

export interface DFlag {
  /** Without the dashes: `mount`, `from`, `chown`. */
  name: string;
  /** The value after `=` (quotes removed); undefined for a bare `--link`. */
  value: string | undefined;
  /** Host range of the whole flag word. */
  start: number;
  end: number;
}

export interface DHeredoc {
  /** The delimiter, unquoted (`EOF` for `<<'EOF'`). */
  name: string;
  /** `<<-`: leading tabs of body lines and of the delimiter line are removed. */
  chomp: boolean;
  /** False when the delimiter was quoted (`<<'EOF'`): no variable expansion in the body. */
  expand: boolean;
  /** `3<<EOF`: the file descriptor; undefined when not given. */
  fd: number | undefined;
  /** Host range of the `<<EOF` word. */
  start: number;
  end: number;
  /** The body as Docker reads it: the lines, each with its `\n` (a `\r` before it is dropped), tabs kept. */
  body: string;
  /** Maps `body` offsets to host offsets. */
  bodyMap: readonly Segment[];
  /** Host range of the body lines. */
  bodyStart: number;
  bodyEnd: number;
  /** Host range of the delimiter on its closing line; undefined when the file ends first. */
  terminatorStart: number | undefined;
  terminatorEnd: number | undefined;
}

export interface DInstruction {
  /** Upper-case: `RUN`, `FROM`, `ONBUILD`. */
  keyword: string;
  /** Host range of the whole instruction: continuation lines and heredoc bodies included. */
  start: number;
  end: number;
  keywordStart: number;
  keywordEnd: number;
  /**
   * The arguments as Docker sees them: continuations joined, comment lines inside the
   * continuation removed, flags excluded, surrounding whitespace trimmed; heredoc bodies excluded.
   */
  argsText: string;
  /** Maps `argsText` offsets to host offsets. */
  argsMap: readonly Segment[];
  args: DArg[];
  form: DForm;
  flags: DFlag[];
  /** Here-documents opened by this instruction (for ONBUILD: by its trigger, see `onbuild`). */
  heredocs: DHeredoc[];
  /** ONBUILD: the instruction it registers for downstream builds. */
  onbuild?: DInstruction;
  /** Index of the FROM stage the instruction belongs to; -1 before the first FROM. */
  stage: number;
}

export interface DStage {
  index: number;
  /** The `AS name`, as written. */
  name?: string;
  /** The base image (or earlier stage) named by FROM, as written. */
  image: string;
  /** Host range of the FROM instruction. */
  fromStart: number;
  fromEnd: number;
}

export interface DockerfileDoc {
  instructions: DInstruction[];
  stages: DStage[];
  /** `\` unless a `# escape=\`` directive changed it. */
  escapeChar: string;
  directives: ParserDirective[];
}

/** Instructions whose arguments may be a JSON array. */
const JSON_FORM_KEYWORDS: ReadonlySet<string> = new Set(["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"]);
/** Instructions whose non-JSON arguments are shell text. */
const SHELL_FORM_KEYWORDS: ReadonlySet<string> = new Set(["RUN", "CMD", "ENTRYPOINT"]);
/** Instructions that may open here-documents (BuildKit's `heredocDirectives`). */
const HEREDOC_KEYWORDS: ReadonlySet<string> = new Set(["RUN", "COPY", "ADD"]);

/** An instruction parsed from its logical line, before heredoc bodies are attached. */
interface Parsed {
  instruction: DInstruction;
  /** Whether the instruction (or, for ONBUILD, its trigger) may open heredocs: RUN/COPY/ADD not in JSON form. */
  heredocCapable: boolean;
}

function mappedRange(line: MappedText, start: number, end: number): { start: number; end: number } {
  return hostSpan(line.map, start, end);
}

function parseFlags(line: MappedText, rawFlags: readonly RawFlag[]): DFlag[] {
  return rawFlags.map((f) => {
    const body = f.word.startsWith("--") ? f.word.slice(2) : f.word;
    const eq = body.indexOf("=");
    const span = mappedRange(line, f.start, f.end);
    return { name: eq === -1 ? body : body.slice(0, eq), value: eq === -1 ? undefined : body.slice(eq + 1), start: span.start, end: span.end };
  });
}

/**
 * Parses one instruction from a logical line (BuildKit's `newNodeFromLine`: keyword, flags,
 * trimmed arguments, then the per-keyword argument form). ONBUILD recurses on its arguments.
 */
function parseInstruction(line: MappedText, stage: number): Parsed | undefined {
  const text = line.text;
  const kwStart = skipGoSpace(text, 0, text.length);
  if (kwStart >= text.length) return undefined;
  let kwEnd = kwStart;
  while (kwEnd < text.length && !/[\t\v\f\r ]/.test(text[kwEnd] as string)) kwEnd++;
  const keyword = text.slice(kwStart, kwEnd).toUpperCase();
  const { flags: rawFlags, argsStart: flagsEnd } = extractBuilderFlags(text, kwEnd);
  const argsEnd = trimGoSpaceEnd(text, flagsEnd, text.length);
  const argsStart = skipGoSpace(text, flagsEnd, argsEnd);
  const args = sliceMapped(line, argsStart, argsEnd);
  const json = JSON_FORM_KEYWORDS.has(keyword) ? jsonStringArray(line, argsStart) : undefined;
  const whole = mappedRange(line, kwStart, text.length);
  const kw = mappedRange(line, kwStart, kwEnd);
  const instruction: DInstruction = {
    keyword,
    start: whole.start,
    end: whole.end,
    keywordStart: kw.start,
    keywordEnd: kw.end,
    argsText: args.text,
    argsMap: args.map,
    args: json
      ? json.map((s) => ({ value: s.value.text, ...mappedRange(line, s.start, s.end) }))
      : whitespaceWords(args.text).map((w) => ({ value: w.value, ...hostSpan(args.map, w.start, w.end) })),
    form: json ? "exec" : SHELL_FORM_KEYWORDS.has(keyword) && args.text.length > 0 ? "shell" : "none",
    flags: parseFlags(line, rawFlags),
    heredocs: [],
    stage,
  };
  if (keyword === "ONBUILD") {
    const trigger = parseInstruction(args, stage);
    return trigger ? { instruction: { ...instruction, onbuild: trigger.instruction }, heredocCapable: trigger.heredocCapable } : { instruction, heredocCapable: false };
  }
  return { instruction, heredocCapable: HEREDOC_KEYWORDS.has(keyword) && !json };
}

/** The instruction with its heredocs (on the ONBUILD trigger, for ONBUILD) and its end moved past them. */
function withHeredocs(instruction: DInstruction, heredocs: DHeredoc[], end: number): DInstruction {
  if (instruction.keyword === "ONBUILD" && instruction.onbuild) {
    return { ...instruction, end, onbuild: withHeredocs(instruction.onbuild, heredocs, end) };
  }
  return { ...instruction, end, heredocs, form: "heredoc" };
}

function readHeredocs(
  text: string,
  lines: readonly PhysicalLine[],
  from: number,
  line: MappedText,
  markers: readonly HeredocMarker[],
): { heredocs: DHeredoc[]; nextLine: number } {
  const heredocs: DHeredoc[] = [];
  let next = from;
  for (const m of markers) {
    const read = readHeredocBody(text, lines, next, m.name, m.chomp);
    const marker = mappedRange(line, m.start, m.end);
    heredocs.push({
      name: m.name,
      chomp: m.chomp,
      expand: m.expand,
      fd: m.fd,
      start: marker.start,
      end: marker.end,
      body: read.body.text,
      bodyMap: read.body.map,
      bodyStart: read.bodyStart,
      bodyEnd: read.bodyEnd,
      terminatorStart: read.terminator?.start,
      terminatorEnd: read.terminator?.end,
    });
    next = read.nextLine;
  }
  return { heredocs, nextLine: next };
}

/** The image and `AS name` of a FROM instruction's arguments (`FROM [--platform=…] image [AS name]`). */
function fromStage(ins: DInstruction, index: number): DStage {
  const [image, as, name] = ins.args;
  const stage: DStage = { index, image: image?.value ?? "", fromStart: ins.start, fromEnd: ins.end };
  if (as?.value.toUpperCase() === "AS" && name) stage.name = name.value;
  return stage;
}

export function parseDockerfile(text: string): DockerfileDoc {
  const lines = physicalLines(text, "all");
  const { directives, escapeChar } = parserDirectives(text, lines);
  const instructions: DInstruction[] = [];
  const stages: DStage[] = [];
  let next = directives.length;
  for (;;) {
    const logical = readLogicalLine(text, lines, next, escapeChar);
    if (!logical) break;
    next = logical.nextLine;
    const parsed = parseInstruction(logical.text, stages.length - 1);
    if (!parsed) continue;
    let instruction: DInstruction = { ...parsed.instruction, end: logical.end };
    const markers = parsed.heredocCapable ? heredocMarkers(logical.text.text) : [];
    if (markers.length > 0) {
      // BuildKit reads the bodies from the lines after the logical line, one heredoc after the other.
      const read = readHeredocs(text, lines, next, logical.text, markers);
      next = read.nextLine;
      const last = read.heredocs[read.heredocs.length - 1];
      instruction = withHeredocs(instruction, read.heredocs, Math.max(instruction.end, last?.terminatorEnd ?? last?.bodyEnd ?? 0));
    }
    if (instruction.keyword === "FROM") {
      const stage = fromStage(instruction, stages.length);
      stages.push(stage);
      instruction = { ...instruction, stage: stage.index };
    }
    instructions.push(instruction);
  }
  return { instructions, stages, escapeChar, directives };
}
