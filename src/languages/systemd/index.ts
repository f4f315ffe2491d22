/**
 * The systemd unit adapter: `parseUnit(text)` reads sections and directives as systemd's config
 * parser does (see lines.ts), `execLines(doc)` splits the `Exec*=` command lines (see exec.ts),
 * `unitFacts(doc)` gives the dependency lists, and `unitShellRegions(doc, text)` yields what runs:
 * every command line as an argv (systemd runs no shell: `|`, `&&`, `>` are literal arguments), and
 * the command string of `sh -c '…'` as shell text. All offsets are host offsets.
 */
import { NO_PRECEDING_SCOPES, toHost, type ArgvRegion, type ArgvWord, type Segment, type ShellRegion, type ShellTextRegion } from "../regions.js";
import { MappedTextBuilder, hostSpan, sliceMapped, type MappedText } from "../mapped-text.js";
import { parseShellInvocation } from "../dockerfile/shell-invocation.js";
import { argvWord, splitExecValue, type ExecWord } from "./exec.js";
import { isBlank, physicalLines, readLogicalLine } from "./lines.js";

export interface UnitSection {
  name: string;
  /** Host range of the `[Name]` header. */
  start: number;
  end: number;
}

export interface UnitDirective {
  /** The section the directive is in; "" before the first section header. */
  section: string;
  key: string;
  /** The value as systemd reads it: continuation lines joined (each `\`-newline became a space), comment lines dropped, stripped. */
  value: string;
  /** Maps `value` offsets to host offsets (continuation spaces are unmapped). */
  valueMap: readonly Segment[];
  /** Host range of the whole logical line, continuations included. */
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  /** Host range of the value; both equal just after `=` for an empty assignment. */
  valueStart: number;
  valueEnd: number;
}

export interface UnitDoc {
  sections: UnitSection[];
  directives: UnitDirective[];
}

function strip(text: string, from: number, to: number): { start: number; end: number } {
  let s = from;
  let e = to;
  while (s < e && isBlank(text[s])) s++;
  while (e > s && isBlank(text[e - 1])) e--;
  return { start: s, end: e };
}

export function parseUnit(text: string): UnitDoc {
  const lines = physicalLines(text);
  const sections: UnitSection[] = [];
  const directives: UnitDirective[] = [];
  let section = "";
  let next = 0;
  for (;;) {
    const logical = readLogicalLine(text, lines, next);
    if (!logical) break;
    next = logical.nextLine;
    const line = logical.text;
    const { start, end } = strip(line.text, 0, line.text.length);
    if (start === end) continue;
    const whole = hostSpan(line.map, start, end);
    if (line.text[start] === "[") {
      // A header not closed by `]` makes systemd refuse the file; we keep going without it.
      if (line.text[end - 1] !== "]") continue;
      section = line.text.slice(start + 1, end - 1);
      sections.push({ name: section, ...whole });
      continue;
    }
    const eq = line.text.indexOf("=", start);
    if (eq === -1 || eq >= end) continue;
    const key = strip(line.text, start, eq);
    if (key.start === key.end) continue;
    const val = strip(line.text, eq + 1, end);
    const value = sliceMapped(line, val.start, val.end);
    const keySpan = hostSpan(line.map, key.start, key.end);
    const valueStart = val.start === val.end ? hostSpan(line.map, eq, eq + 1).end : toHost(line.map, val.start);
    directives.push({
      section,
      key: line.text.slice(key.start, key.end),
      value: value.text,
      valueMap: value.map,
      start: whole.start,
      end: whole.end,
      keyStart: keySpan.start,
      keyEnd: keySpan.end,
      valueStart,
      valueEnd: val.start === val.end ? valueStart : hostSpan(line.map, val.start, val.end).end,
    });
  }
  return { sections, directives };
}

export interface UnitFacts {
  /** `Type=`; when unset: `dbus` if `BusName=` is set, `oneshot` if there is no `ExecStart=`, else `simple` (systemd.service(5)). */
  serviceType: string;
  requires: string[];
  bindsTo: string[];
  wants: string[];
  after: string[];
  before: string[];
}

/** The last assignment of a single-valued setting; an empty assignment resets it to unset. */
function lastValue(doc: UnitDoc, section: string, key: string): string | undefined {
  let value: string | undefined;
  for (const d of doc.directives) if (d.section === section && d.key === key) value = d.value === "" ? undefined : d.value;
  return value;
}

/** A list setting: every assignment appends its space-separated items; an empty assignment clears the list. */
function listValue(doc: UnitDoc, section: string, key: string): string[] {
  let items: string[] = [];
  for (const d of doc.directives) {
    if (d.section !== section || d.key !== key) continue;
    items = d.value === "" ? [] : [...items, ...d.value.split(/[ \t]+/).filter((w) => w.length > 0)];
  }
  return items;
}

export function unitFacts(doc: UnitDoc): UnitFacts {
  const explicit = lastValue(doc, "Service", "Type");
  const implied = lastValue(doc, "Service", "BusName") !== undefined ? "dbus" : mappedExecLines(doc).some((e) => e.line.directive === "ExecStart") ? "simple" : "oneshot";
  return {
    serviceType: explicit ?? implied,
    requires: listValue(doc, "Unit", "Requires"),
    bindsTo: listValue(doc, "Unit", "BindsTo"),
    wants: listValue(doc, "Unit", "Wants"),
    after: listValue(doc, "Unit", "After"),
    before: listValue(doc, "Unit", "Before"),
  };
}

/** The command directives in the order systemd runs them (service start, reload, stop; socket hooks). */
export const EXEC_DIRECTIVES = [
  "ExecCondition",
  "ExecStartPre",
  "ExecStart",
  "ExecStartPost",
  "ExecReload",
  "ExecStopPre",
  "ExecStop",
  "ExecStopPost",
] as const;
export type ExecDirective = (typeof EXEC_DIRECTIVES)[number];

/** Sections whose units run command lines (`ExecStopPre=` exists only in sockets). */
const EXEC_SECTIONS: ReadonlySet<string> = new Set(["Service", "Socket"]);

export interface ExecLine {
  directive: ExecDirective;
  /** The directive line the command comes from (one line may hold several `;`-separated commands). */
  source: UnitDirective;
  /** The prefix characters as written: any of `-`, `@`, `:`, `+`, `!`, `!!`, `|` (systemd.service(5), "Command lines"). */
  prefixes: string;
  /**
   * The command as executed: the program (prefixes removed) then its arguments, each with its value
   * after systemd's unquoting and unescaping (`$VAR`, `${VAR}` and `%` specifiers stay literal) and
   * the host range of its raw text. With `@`, the argv[0] override is `argv0`, not in here. With `|`,
   * these are the words of the command line that the user's shell runs.
   */
  argv: ArgvWord[];
  /** `@`: the second word, which the program receives as argv[0]. */
  argv0?: ArgvWord;
  /** Host offset of the first word's first character after the prefixes. */
  programStart: number;
  /** Host range of this command within the line. */
  start: number;
  end: number;
}

/** A command line with the mapped values of its `argv` words (index-aligned), for building shell regions. */
interface MappedExecLine {
  line: ExecLine;
  values: MappedText[];
}

/** Whether a directive of this key in this section is one of the command lines we know. */
function execDirective(d: UnitDirective): ExecDirective | undefined {
  if (!EXEC_SECTIONS.has(d.section)) return undefined;
  return (EXEC_DIRECTIVES as readonly string[]).includes(d.key) ? (d.key as ExecDirective) : undefined;
}

function execLinesOf(d: UnitDirective, directive: ExecDirective): MappedExecLine[] {
  const value: MappedText = { text: d.value, map: d.valueMap };
  return splitExecValue(value).flatMap((cmd) => {
    const [first, ...rest] = cmd.words;
    if (!first || first.value.text === "") return [];
    const programStart = toHost(first.value.map, 0);
    const executed: ExecWord[] = [first];
    let argv0: ArgvWord | undefined;
    rest.forEach((w, i) => {
      if (i === 0 && cmd.prefixes.includes("@") && !cmd.prefixes.includes("|")) argv0 = argvWord(value, w);
      else executed.push(w);
    });
    const span = hostSpan(d.valueMap, cmd.start, cmd.end);
    const line: ExecLine = {
      directive,
      source: d,
      prefixes: cmd.prefixes,
      argv: executed.map((w, i) => argvWord(value, w, i === 0 ? programStart : undefined)),
      programStart,
      start: span.start,
      end: span.end,
    };
    if (argv0) line.argv0 = argv0;
    return [{ line, values: executed.map((w) => w.value) }];
  });
}

/**
 * The command lines of the unit in execution order — ExecCondition, ExecStartPre, ExecStart,
 * ExecStartPost, ExecReload, ExecStopPre, ExecStop, ExecStopPost — and in file order within one
 * directive. An empty assignment (`ExecStartPre=`) discards the earlier commands of that directive,
 * as systemd does.
 */
export function execLines(doc: UnitDoc): ExecLine[] {
  return mappedExecLines(doc).map((m) => m.line);
}

function mappedExecLines(doc: UnitDoc): MappedExecLine[] {
  const byDirective = new Map<ExecDirective, MappedExecLine[]>();
  for (const d of doc.directives) {
    const directive = execDirective(d);
    if (!directive) continue;
    // An empty assignment resets the directive's list (systemd.service(5)); the others append.
    const list = d.value === "" ? undefined : byDirective.get(directive);
    if (list) list.push(...execLinesOf(d, directive));
    else byDirective.set(directive, d.value === "" ? [] : execLinesOf(d, directive));
  }
  return EXEC_DIRECTIVES.flatMap((name) => byDirective.get(name) ?? []);
}

function regionBase(line: ExecLine): Omit<ArgvRegion, "kind" | "words" | "origin"> {
  return {
    scope: "unit",
    precededBy: NO_PRECEDING_SCOPES,
    assumptions: line.prefixes.includes("-") ? { failureTolerated: true } : {},
    label: line.directive,
    hostStart: line.source.start,
    hostEnd: line.source.end,
  };
}

function shellRegion(line: ExecLine, script: MappedText, errexit: boolean | undefined): ShellTextRegion {
  const base = regionBase(line);
  return {
    ...base,
    kind: "shell",
    origin: "sh-c-argument",
    assumptions: errexit === true ? { ...base.assumptions, errexit: true } : base.assumptions,
    text: script.text,
    map: script.map.map((s) => ({ ...s })),
  };
}

/** `|` (systemd ≥ 258): the user's shell runs the command line; our reading is its words joined by spaces. */
function viaShellText(values: readonly MappedText[]): MappedText {
  const out = new MappedTextBuilder();
  values.forEach((v, i) => {
    if (i > 0) out.appendSynthetic(" ");
    out.appendMapped(v);
  });
  return out.build();
}

function commandRegions({ line, values }: MappedExecLine): ShellRegion[] {
  if (line.prefixes.includes("|")) return [shellRegion(line, viaShellText(values), undefined)];
  const argv: ArgvRegion = { ...regionBase(line), kind: "argv", origin: "systemd-exec", words: line.argv.map((w) => ({ ...w })) };
  const inv = parseShellInvocation(values.map((v) => v.text));
  const script = inv?.commandIndex === undefined ? undefined : values[inv.commandIndex];
  return script ? [argv, shellRegion(line, script, inv?.errexit)] : [argv];
}

/**
 * What the unit runs, in execution order: for each command line an argv region (origin
 * `systemd-exec`, label = directive, scope `unit`, `failureTolerated` with the `-` prefix), followed
 * by a shell region (origin `sh-c-argument`) for the command string of `sh -c …` / `bash -ec …` /
 * `/usr/bin/env bash -c …`. A `|` line yields only the shell region. (`_text`, the host text the doc
 * was parsed from, is not needed — the doc carries the maps — but keeps the adapters' signature uniform.)
 */
export function unitShellRegions(doc: UnitDoc, _text: string): ShellRegion[] {
  return mappedExecLines(doc).flatMap(commandRegions);
}
