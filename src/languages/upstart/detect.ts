/**
 * Whether a `*.conf` file is an upstart job. Most `.conf` files are not (nginx, sysctl,
 * supervisord, logrotate, apache, fontconfig…), so the test is conservative: the file must hold a
 * stanza only upstart has (`start on`, `stop on`, `exec`, a complete `script … end script`, a
 * `pre-start` hook…) plus at least one other upstart stanza, few unknown lines, and no line
 * shaped like another format (an `[section]` header, `key = value`, `{ }` blocks, XML).
 */
import { KNOWN_STANZAS, parseUpstart, type UpstartDoc, type UpstartStanza } from "./parse.js";

/** Stanzas no other `.conf` format has at a line start. */
const DISTINCTIVE: ReadonlySet<string> = new Set([
  "start on",
  "stop on",
  "exec",
  "script",
  "pre-start",
  "post-start",
  "pre-stop",
  "post-stop",
]);

export function isUpstartJob(text: string): boolean {
  return looksLikeUpstart(text, parseUpstart(text));
}

/** The same decision for a job already parsed. */
export function looksLikeUpstart(text: string, doc: UpstartDoc): boolean {
  let known = 0;
  let unknown = 0;
  let distinctive = 0;
  for (const stanza of doc.stanzas) {
    const line = firstLineOf(text, stanza);
    const isKnown = KNOWN_STANZAS.has(stanza.name);
    if (looksForeign(line, isKnown)) return false;
    if (!isKnown) {
      unknown++;
      continue;
    }
    known++;
    if (DISTINCTIVE.has(stanza.name) && isComplete(doc, stanza)) distinctive++;
  }
  return distinctive >= 1 && known >= 2 && unknown * 2 <= known;
}

function firstLineOf(text: string, stanza: UpstartStanza): string {
  const nl = text.indexOf("\n", stanza.start);
  return text.slice(stanza.start, nl === -1 ? text.length : nl).replace(/\r$/, "");
}

/** A process stanza counts when it holds something: a terminated block or a non-empty command. */
function isComplete(doc: UpstartDoc, stanza: UpstartStanza): boolean {
  if (stanza.name === "start on" || stanza.name === "stop on") return stanza.value.trim() !== "";
  const script = doc.scripts.find((s) => s.start === stanza.start);
  return script !== undefined && script.terminated;
}

/**
 * Lines of other formats. `key = value`/`key: value`, `[section]` and `<tag>` never start an
 * upstart line (`env FOO=bar` has a blank before its `=`); `{`/`}`/`;` line ends are only held
 * against lines that are not upstart stanzas (an `exec` command may end in anything).
 */
function looksForeign(line: string, isKnown: boolean): boolean {
  if (/^[^\s=]+\s*=/.test(line) || /^[^\s:]+:(\s|$)/.test(line)) return true;
  if (/^\[[^\]]*\]/.test(line) || line.startsWith("<")) return true;
  if (isKnown) return false;
  const code = line.replace(/\s#.*$/, "").trimEnd();
  return code.endsWith("{") || code.endsWith("}") || code.endsWith(";");
}
