/**
 * The shell regions of an upstart job: every `script … end script` block and every `exec`
 * command, main process and hooks alike.
 */
import { NO_PRECEDING_SCOPES, type Segment, type ShellTextRegion } from "../regions.js";
import type { UpstartDoc, UpstartProcessStanza, UpstartScript } from "./parse.js";

/** The order in which upstart runs a job's processes: pre-start, main, post-start, pre-stop, post-stop. */
const RUN_ORDER: Readonly<Record<UpstartProcessStanza, number>> = {
  "pre-start": 0,
  script: 1,
  exec: 1,
  "post-start": 2,
  "pre-stop": 3,
  "post-stop": 4,
};

/** Every region of one job shares this scope: a guard in `pre-start` protects the main process. */
export const UPSTART_SCOPE = "job";

/**
 * One region per process stanza, in run order (file order within one phase).
 *
 * - A block (`origin: "upstart-script"`) is its body as written, indentation included (the shell
 *   does not care); only the `\r` of CRLF line ends is left out.
 * - An `exec CMD` (`origin: "upstart-exec"`) is the command. Upstart runs it through
 *   `/bin/sh -e -c` when it holds shell metacharacters and directly otherwise; either way, reading
 *   it as shell text is right.
 *
 * Both run under `sh -e`, hence `errexit: true`.
 */
export function upstartShellRegions(doc: UpstartDoc, text: string): ShellTextRegion[] {
  return doc.scripts
    .map((script, index) => ({ script, index }))
    .sort((a, b) => RUN_ORDER[a.script.stanza] - RUN_ORDER[b.script.stanza] || a.index - b.index)
    .map(({ script }) => regionOf(script, text));
}

function regionOf(script: UpstartScript, text: string): ShellTextRegion {
  const { text: body, map } = withoutCarriageReturns(text, script.bodyStart, script.bodyEnd);
  return {
    kind: "shell",
    origin: script.kind === "script" ? "upstart-script" : "upstart-exec",
    scope: UPSTART_SCOPE,
    precededBy: NO_PRECEDING_SCOPES,
    assumptions: { errexit: true },
    label: script.stanza,
    hostStart: script.start,
    hostEnd: script.end,
    text: body,
    map,
  };
}

/** `text[start, end)` without its `\r` characters, with the map of the pieces between them. */
export function withoutCarriageReturns(text: string, start: number, end: number): { text: string; map: Segment[] } {
  const map: Segment[] = [];
  let out = "";
  let pieceStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== 13) continue;
    if (i > pieceStart) {
      map.push({ regionStart: out.length, hostStart: pieceStart, length: i - pieceStart });
      out += text.slice(pieceStart, i);
    }
    pieceStart = i + 1;
  }
  if (map.length === 0) map.push({ regionStart: 0, hostStart: start, length: 0 });
  return { text: out, map };
}
