/**
 * Host files that carry shell: a plain script, a Dockerfile, an upstart job, a systemd unit, a
 * Makefile. `parseHost` parses one with its adapter and returns the document (for rules about the
 * host itself) and its shell regions (for every shell rule), in execution order.
 */
import type { LanguageId } from "../engine/types.js";
import { dockerfileShellRegions, parseDockerfile, type DockerfileDoc } from "./dockerfile/index.js";
import { makeShellRegions, parseMakefile, type MakeDoc } from "./make/index.js";
import { identityMap, NO_PRECEDING_SCOPES, type ShellRegion } from "./regions.js";
import { shebangInterpreter } from "../engine/detect.js";
import { parseUnit, unitShellRegions, type UnitDoc } from "./systemd/index.js";
import { parseUpstart, upstartShellRegions, type UpstartDoc } from "./upstart/index.js";

export type HostDocument =
  | { language: "shell"; regions: ShellRegion[] }
  | { language: "dockerfile"; doc: DockerfileDoc; regions: ShellRegion[] }
  | { language: "systemd"; doc: UnitDoc; regions: ShellRegion[] }
  | { language: "upstart"; doc: UpstartDoc; regions: ShellRegion[] }
  | { language: "make"; doc: MakeDoc; regions: ShellRegion[] };

export type HostLanguage = HostDocument["language"];

const HOSTS: ReadonlySet<LanguageId> = new Set(["shell", "dockerfile", "systemd", "upstart", "make"]);

export function isHostLanguage(l: LanguageId): l is HostLanguage {
  return HOSTS.has(l);
}

/** A whole shell script as one region; `#!/bin/sh -e` turns errexit on from the start. */
export function scriptRegion(text: string): ShellRegion {
  const first = text.slice(0, text.indexOf("\n") === -1 ? text.length : text.indexOf("\n"));
  const interp = first.startsWith("#!") ? shebangInterpreter(first) : undefined;
  const errexit = interp !== undefined && /^#!\S*(\s+\S+)*?\s+-[a-zA-Z]*e/.test(first.replace(/\r$/, ""));
  return {
    kind: "shell",
    origin: "file",
    scope: "file",
    precededBy: NO_PRECEDING_SCOPES,
    assumptions: errexit ? { errexit: true } : {},
    label: "script",
    hostStart: 0,
    hostEnd: text.length,
    text,
    map: identityMap(text.length),
  };
}

export function parseHost(language: HostLanguage, text: string): HostDocument {
  switch (language) {
    case "shell":
      return { language, regions: [scriptRegion(text)] };
    case "dockerfile": {
      const doc = parseDockerfile(text);
      return { language, doc, regions: dockerfileShellRegions(doc, text) };
    }
    case "systemd": {
      const doc = parseUnit(text);
      return { language, doc, regions: unitShellRegions(doc, text) };
    }
    case "upstart": {
      const doc = parseUpstart(text);
      return { language, doc, regions: upstartShellRegions(doc, text) };
    }
    case "make": {
      const doc = parseMakefile(text);
      return { language, doc, regions: makeShellRegions(doc, text) };
    }
  }
}
