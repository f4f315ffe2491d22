/**
 * The upstart adapter: job detection, a stanza parser, the `start on` helpers and the job's
 * shell regions.
 */
export { isUpstartJob, looksLikeUpstart } from "./detect.js";
export { normaliseExpression, startOn, startsAfterDocker } from "./events.js";
export {
  HOOK_STANZAS,
  KNOWN_STANZAS,
  parseUpstart,
  type UpstartDoc,
  type UpstartProcessStanza,
  type UpstartScript,
  type UpstartStanza,
} from "./parse.js";
export { UPSTART_SCOPE, upstartShellRegions } from "./regions.js";
