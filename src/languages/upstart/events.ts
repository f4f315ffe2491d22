/**
 * Upstart event expressions (`start on filesystem and started docker`): the normalised text and
 * the one question the docker rules ask of it.
 */
import type { UpstartDoc } from "./parse.js";

/**
 * The job's `start on` expression with comments and line continuations removed and whitespace
 * collapsed to single spaces; `""` when the job has none. When the stanza is repeated, the last
 * one wins, as in upstart.
 */
export function startOn(doc: UpstartDoc): string {
  const stanza = doc.stanzas.filter((s) => s.name === "start on").at(-1);
  return stanza ? normaliseExpression(stanza.value) : "";
}

export function normaliseExpression(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, "$1").replace(/\\$/, " "))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Whether the job waits for the `docker` job: its `start on` names the event `started` for the
 * job `docker` (`started docker` or `started JOB=docker`), anywhere in the expression, inside
 * parentheses or joined with `and`/`or`. `started docker-postfix` is another job.
 */
export function startsAfterDocker(doc: UpstartDoc): boolean {
  const tokens = startOn(doc)
    .split(/[\s()]+/)
    .filter(Boolean)
    .map(unquote);
  return tokens.some((t, i) => t === "started" && isDockerJob(tokens[i + 1]));
}

function isDockerJob(token: string | undefined): boolean {
  return token === "docker" || token === "JOB=docker";
}

function unquote(token: string): string {
  return token.replace(/^(\w+=)?(["'])(.*)\2$/, "$1$3");
}
