/**
 * Shell regions: shell text found inside another file (a Dockerfile `RUN`, an upstart `script`
 * block, a systemd `sh -c` argument, a Makefile recipe line), with a piecewise map back to the
 * host file so that findings keep their real line and column.
 *
 * A region is either `shell` text (parsed with tree-sitter-bash) or an `argv` (a command that no
 * shell interprets: a systemd `Exec*=` line, a Dockerfile exec-form `RUN [...]`): for an argv the
 * adapter has already split the words, and `|`, `&&`, `>` are literal arguments.
 */
import { countAtOrBelow } from "../engine/sorted.js";

export type RegionOrigin =
  | "file"
  | "dockerfile-run"
  | "upstart-script"
  | "upstart-exec"
  | "systemd-exec"
  | "sh-c-argument"
  | "make-recipe";

/** `length` characters at `regionStart` in the region text come from `hostStart` in the host text. */
export interface Segment {
  regionStart: number;
  hostStart: number;
  length: number;
}

/** One word of an argv region: its value (quotes removed) and where its raw text is in the host. */
export interface ArgvWord {
  value: string;
  hostStart: number;
  hostEnd: number;
}

/**
 * The scopes that run to completion before a region's scope starts, in the order they run,
 * listed when first asked for (and then kept). A chain of n make targets or build stages gives
 * its regions n²/2 scopes in all; the name-guard rules ask only in a file with container
 * removals (dockerfile/no-test-step asks for the last stage's alone).
 */
export type PrecedingScopes = () => readonly string[];

const NO_SCOPES: readonly string[] = Object.freeze([]);

/** A region that nothing runs before. */
export const NO_PRECEDING_SCOPES: PrecedingScopes = () => NO_SCOPES;

/** `list` worked out on first use, once. */
export function precedingScopesOnce(list: () => readonly string[]): PrecedingScopes {
  let listed: readonly string[] | undefined;
  return () => (listed ??= list());
}

interface RegionBase {
  origin: RegionOrigin;
  /**
   * What a guard must share with a `docker run`: the file, the upstart job, the systemd unit, or
   * a Makefile recipe (`make:<target>`). Regions of one host file with the same scope run as one
   * sequence, in the order the adapter yields them.
   */
  scope: string;
  /** Scopes that run to completion before this region's scope starts (a Makefile target's prerequisites); shared between regions, never changed. */
  precededBy: PrecedingScopes;
  /** What the host promises about how the text runs. */
  assumptions: {
    /** The shell runs with `-e` (upstart blocks run with `sh -e`; a `set -e` script). */
    errexit?: boolean;
    /** The host ignores this command's failure (systemd `-` prefix, make `-` prefix). */
    failureTolerated?: boolean;
  };
  /** Host-specific detail: the systemd directive (`ExecStartPre`), the upstart stanza (`pre-start`), the make target. */
  label: string;
  /** Host offsets of the whole construct the region came from (the `RUN` instruction, the `ExecStart=` line). */
  hostStart: number;
  hostEnd: number;
}

export interface ShellTextRegion extends RegionBase {
  kind: "shell";
  /** The shell text as the shell will see it (continuations joined, prefixes and indentation removed). */
  text: string;
  /** Sorted, non-overlapping; every character of `text` that came from the host is covered. */
  map: Segment[];
}

export interface ArgvRegion extends RegionBase {
  kind: "argv";
  words: ArgvWord[];
}

export type ShellRegion = ShellTextRegion | ArgvRegion;

/**
 * Finds the first of `regions` (in their order) whose host range holds an offset, as
 * `regions.find` would, without a scan per question: a host with thousands of `ExecStartPre=`
 * lines asks once per finding. Regions sorted by start, with the furthest end reached so far: a
 * question looks back from the last region starting at or before the offset only while an
 * earlier one may still reach it (the enclosing regions, when regions nest).
 */
export function regionLocator(regions: readonly ShellRegion[]): (offset: number) => ShellRegion | undefined {
  const order = regions.map((_, i) => i).sort((a, b) => (regions[a] as ShellRegion).hostStart - (regions[b] as ShellRegion).hostStart || a - b);
  const starts = order.map((i) => (regions[i] as ShellRegion).hostStart);
  const reach: number[] = [];
  for (const i of order) reach.push(Math.max(reach[reach.length - 1] ?? -Infinity, (regions[i] as ShellRegion).hostEnd));
  return (offset) => {
    let best = -1;
    for (let j = countAtOrBelow(starts, offset, (s) => s) - 1; j >= 0 && (reach[j] as number) > offset; j--) {
      const i = order[j] as number;
      if ((regions[i] as ShellRegion).hostEnd > offset && (best === -1 || i < best)) best = i;
    }
    return best === -1 ? undefined : regions[best];
  };
}

/**
 * Maps an offset in a region's text to the host text (binary search over the segments). An
 * offset in a gap (text the extraction inserted, such as a space that replaced a `\`-newline)
 * maps to the end of the segment before it.
 */
export function toHost(map: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = map.length - 1;
  if (hi < 0) return offset;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((map[mid] as Segment).regionStart <= offset) lo = mid;
    else hi = mid - 1;
  }
  const seg = map[lo] as Segment;
  if (offset < seg.regionStart) return seg.hostStart;
  const delta = offset - seg.regionStart;
  return seg.hostStart + Math.min(delta, seg.length);
}

/** The identity map for a region that is the whole host text (a plain shell script). */
export function identityMap(length: number): Segment[] {
  return [{ regionStart: 0, hostStart: 0, length }];
}
