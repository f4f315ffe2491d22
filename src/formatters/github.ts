/**
 * The `github` format: GitHub Actions workflow commands, one line per finding, which the runner
 * turns into annotations on the run and on the pull request's diff.
 *
 * ```
 * ::warning file=app/src/main.c,line=4,endLine=4,col=3,endColumn=13,title=c/misleading-indentation::app/src/main.c:4:3: statement is indented as if …
 * ```
 *
 * - `error` → `::error`, `warning` → `::warning`, `info` → `::notice`; `title` is the rule id.
 *   Suppressed findings are left out (an annotation cannot say it is suppressed).
 * - `file` is relative to the repository root (as SARIF's `%SRCROOT%` URIs: see paths.ts), which
 *   is what GitHub resolves annotation paths against; a file outside the root keeps its absolute
 *   path. Lines and columns are 1-based; columns (UTF-16 units, `endColumn` exclusive) are given
 *   only when the finding starts and ends on one line, as GitHub accepts them.
 * - The message starts with `file:line:col: `. GitHub shows a limited number of annotations per
 *   step; the log shows every command's message, and with the location it stays useful there.
 * - Notices become annotations too, so that CI logs show a file that was not linted:
 *   `::error` for a rule that failed (internal error), `::warning` for skipped, unreadable or
 *   unparsable files.
 * - Values are escaped exactly as @actions/core's `command.ts` does: in the message `%`, CR and LF
 *   (`%25`, `%0D`, `%0A`); in properties also `:` and `,` (`%3A`, `%2C`).
 */
import type { RuleMeta } from "../engine/rule.js";
import type { Finding, Notice, RunResult, Severity } from "../engine/types.js";
import type { FormatOptions } from "./index.js";
import { runRelative } from "./paths.js";

export type GithubCommand = "error" | "warning" | "notice";

const COMMAND: Readonly<Record<Severity, GithubCommand>> = { error: "error", warning: "warning", info: "notice" };

export function formatGithub(result: RunResult, _rules: readonly RuleMeta[], _options: FormatOptions): string {
  const lines = [
    ...result.findings.filter((f) => !f.suppressed).map((f) => findingCommand(result, f)),
    ...result.notices.map((n) => noticeCommand(result, n)),
  ];
  return lines.map((l) => `${l}\n`).join("");
}

function annotationPath(run: RunResult, file: string): string {
  const { absolute, relative } = runRelative(run, file);
  return relative ?? absolute;
}

function findingCommand(run: RunResult, f: Finding): string {
  const file = annotationPath(run, f.file);
  const { start, end } = f.range;
  const oneLine = start.line === end.line;
  return workflowCommand(
    COMMAND[f.severity],
    [
      ["file", file],
      ["line", String(start.line)],
      ["endLine", String(end.line)],
      ["col", oneLine ? String(start.column) : ""],
      ["endColumn", oneLine ? String(end.column) : ""],
      ["title", f.ruleId],
    ],
    `${file}:${start.line}:${start.column}: ${f.message}`,
  );
}

function noticeCommand(run: RunResult, n: Notice): string {
  const file = n.file === "" ? "" : annotationPath(run, n.file);
  return workflowCommand(
    n.kind === "internal-error" ? "error" : "warning",
    [
      ["file", file],
      ["title", `deploylint ${n.kind}`],
    ],
    file === "" ? n.message : `${file}: ${n.message}`,
  );
}

/**
 * `::command key=value,key=value::message`, as @actions/core's `Command.toString()` builds it:
 * properties with an empty value are left out, and without properties there is no space.
 */
export function workflowCommand(command: string, properties: readonly (readonly [string, string])[], message: string): string {
  const props = properties.filter(([, v]) => v !== "").map(([k, v]) => `${k}=${escapeProperty(v)}`);
  return `::${command}${props.length > 0 ? ` ${props.join(",")}` : ""}::${escapeData(message)}`;
}

/** @actions/core `escapeData`: a command's message. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** @actions/core `escapeProperty`: a property value. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
