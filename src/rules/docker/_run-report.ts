/**
 * Helpers shared by the rules about `docker run` flags (run-missing-rm, restart-under-supervisor,
 * detached-under-supervisor): where a finding about the run goes, and edits that remove flag words.
 */
import type { ShellCommand } from "../../engine/rule.js";
import type { ShellWord } from "../../languages/shell/commands.js";
import { shortSwitchIndex, type DockerRun, type RunFlag } from "../../languages/shell/docker.js";

/** The run's report range: from the program word to the `run` word (`/usr/bin/docker container run`), so it starts on the run's line. */
export function runRange(cmd: ShellCommand, run: DockerRun): { start: number; end: number } {
  return { start: cmd.program.start, end: Math.max(cmd.program.end, run.insertAfter.end) };
}

/** `docker`, `podman`, `nerdctl`, as written in messages: the tool and the subcommand (`docker run`). */
export function runLabel(run: DockerRun): string {
  return `${run.invocation.tool} ${run.invocation.subcommand}`;
}

/** Where in a supervisor's file the run is, for messages: `ExecStart=`, the `pre-start` stanza. */
export function where(host: "systemd" | "upstart", label: string): string {
  return host === "systemd" ? `\`${label}=\`` : `the \`${label}\` stanza`;
}

/** A word as written in the host file, for messages: make's `$(IMAGE)` rather than the shell reading `${IMAGE}`; outer quotes dropped. */
export function shown(text: string, w: ShellWord): string {
  const raw = text.slice(w.start, w.end);
  const m = /^(["'])(.*)\1$/s.exec(raw);
  return m ? (m[2] as string) : raw;
}

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Whether the host text of a word is the word itself, maybe in one pair of quotes (not a variable's expansion, not escaped). */
function literalWord(text: string, w: ShellWord): boolean {
  const raw = text.slice(w.start, w.end);
  return raw === w.value || raw === `"${w.value}"` || raw === `'${w.value}'`;
}

/**
 * Deletes a run of words (a flag and its separate value) with one adjacent blank: the one before
 * them, else the one after; when they are alone on a `\`-continued line, that whole line. Undefined when the words are not written literally, or are not on one
 * line separated by blanks only (a `\`-newline between them), or have no blank next to them.
 */
export function deleteWords(text: string, words: readonly ShellWord[]): Edit | undefined {
  // (Not for a Dockerfile's JSON exec form: its words are separated by commas; callers check isJsonArgv.)
  const first = words[0];
  const last = words.at(-1);
  if (!first || !last || !words.every((w) => literalWord(text, w))) return undefined;
  for (let i = 1; i < words.length; i++) {
    if (!/^[ \t]+$/.test(text.slice((words[i - 1] as ShellWord).end, (words[i] as ShellWord).start))) return undefined;
  }
  const blank = (c: string | undefined): boolean => c === " " || c === "\t";
  // Alone on a continuation line (`    --restart=always \`): the whole line goes.
  const lineStart = text.lastIndexOf("\n", first.start - 1) + 1;
  const continued = /[ \t]*\\\r?\n/y;
  continued.lastIndex = last.end;
  const rest = continued.exec(text);
  if (rest && lineStart > 0 && /^[ \t]*$/.test(text.slice(lineStart, first.start))) return { start: lineStart, end: last.end + rest[0].length, text: "" };
  if (blank(text[first.start - 1])) return { start: first.start - 1, end: last.end, text: "" };
  if (blank(text[last.end])) return { start: first.start, end: last.end + 1, text: "" };
  return undefined;
}

/**
 * Removes a switch: the whole word for `-d`/`-d=true`/`--detach`/`--detach=true`, just the letter in a short
 * cluster (`-dit` → `-it`). Undefined when that cannot be done as a plain host edit.
 */
export function removeSwitch(text: string, flag: RunFlag, letter: string | undefined): Edit | undefined {
  const word = flag.words[0];
  if (!word) return undefined;
  const isCluster = letter !== undefined && !word.value.startsWith("--") && word.value.length > 2 && !word.value.startsWith(`-${letter}=`);
  if (!isCluster) return deleteWords(text, flag.words);
  if (word.value.includes("=")) return undefined;
  const k = shortSwitchIndex(word, letter);
  if (k === undefined || text.slice(word.start, word.end) !== word.value) return undefined;
  return { start: word.start + k, end: word.start + k + 1, text: "" };
}

/** A Dockerfile exec-form `RUN ["docker", "run", …]`: JSON, where words are inserted and removed with their commas. */
export function isJsonArgv(cmd: ShellCommand): boolean {
  return cmd.region.kind === "argv" && cmd.region.origin === "dockerfile-run";
}

/** Inserts an option after a word of the command: ` --rm`, or `, "--rm"` in a Dockerfile's JSON exec form. */
export function insertOption(cmd: ShellCommand, after: ShellWord, option: string): Edit {
  return { start: after.end, end: after.end, text: isJsonArgv(cmd) ? `, ${JSON.stringify(option)}` : ` ${option}` };
}

/** All edits, or undefined if any is missing or two touch the same text. */
export function allOrNothing(edits: readonly (Edit | undefined)[]): Edit[] | undefined {
  if (edits.length === 0 || edits.some((e) => e === undefined)) return undefined;
  const sorted = [...(edits as Edit[])].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) if ((sorted[i] as Edit).start < (sorted[i - 1] as Edit).end) return undefined;
  return sorted;
}
