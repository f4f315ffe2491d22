/**
 * Shared by `docker/run-name-unguarded` and `docker/guard-not-fault-tolerant`: named runs, the
 * removals that may free their name, and which removals run before a given run.
 *
 * "Before" is the engine's execution order: a removal in the run's own scope (the script, the
 * upstart job, the systemd unit, the Makefile recipe, the Dockerfile stage) with a smaller `seq`,
 * or any removal in one of the scopes listed in the run's `region.precededBy` (a Makefile
 * target's prerequisites, a Dockerfile stage's dependencies), which run to completion first.
 */
import { countAtOrBelow } from "../../engine/sorted.js";
import type { RuleContext, ShellCommand } from "../../engine/rule.js";
import type { ShellWord } from "../../languages/shell/commands.js";
import { recipeSettings, type MakeDoc, type RecipeLine } from "../../languages/make/index.js";
import {
  CONTAINER_TOOLS,
  comparableName,
  containerName,
  containerRemoval,
  hasFlag,
  parseDockerRun,
  type ContainerRemoval,
  type DockerRun,
  type RunFlag,
} from "../../languages/shell/docker.js";

/** A `run`/`create` with `--name N` (the last `--name` wins, as in docker). */
export interface NamedRun {
  cmd: ShellCommand;
  run: DockerRun;
  flag: RunFlag;
  /** The name as written after unquoting (`redis_server`, `$NAME`). */
  display: string;
  /** The name in comparable form (see `comparableName`). */
  name: string;
  /** `podman run --replace`: podman removes an existing container of that name itself. */
  replaces: boolean;
}

function namedRun(cmd: ShellCommand): NamedRun | undefined {
  const run = parseDockerRun(cmd);
  if (!run) return undefined;
  const flag = containerName(run);
  if (!flag || flag.valueText === undefined || flag.valueText === "") return undefined;
  return {
    cmd,
    run,
    flag,
    display: flag.valueText,
    name: comparableName(flag.valueText),
    replaces: run.invocation.tool === "podman" && hasFlag(run, "--replace"),
  };
}

/** A `rm`/`stop`/`kill` of named containers. */
export interface Removal {
  cmd: ShellCommand;
  removal: ContainerRemoval;
  /** Its operands in comparable form. */
  names: ReadonlySet<string>;
}

function removalOf(cmd: ShellCommand): Removal | undefined {
  const removal = containerRemoval(cmd);
  if (!removal || (removal.names.length === 0 && !removal.all)) return undefined;
  return { cmd, removal, names: new Set(removal.names.map((w: ShellWord) => comparableName(w.value))) };
}

/** Whether the removal names this container (podman's `--all` names every container). */
export function names(r: Removal, name: string): boolean {
  return r.removal.all || r.names.has(name);
}

/** The file's removals grouped by scope, each group in execution order. */
export type RemovalsByScope = ReadonlyMap<string, readonly Removal[]>;

/** Appends a removal to its scope's group (commands arrive in execution order). */
function record(byScope: Map<string, Removal[]>, r: Removal): void {
  const list = byScope.get(r.cmd.region.scope);
  if (list) list.push(r);
  else byScope.set(r.cmd.region.scope, [r]);
}

/**
 * Registers the walk both rules make: every removal, grouped by scope, and every named run
 * (podman's `--replace` ones included), each in execution order. Both are complete in `onEnd`.
 */
export function collectRunsAndRemovals(ctx: Pick<RuleContext, "onCommand">): { byScope: Map<string, Removal[]>; runs: NamedRun[] } {
  const byScope = new Map<string, Removal[]>();
  const runs: NamedRun[] = [];
  ctx.onCommand(CONTAINER_TOOLS, (cmd) => {
    const r = removalOf(cmd);
    if (r) {
      record(byScope, r);
      return;
    }
    const nr = namedRun(cmd);
    if (nr) runs.push(nr);
  });
  return { byScope, runs };
}

const NONE: readonly Removal[] = [];

/** The removals that run before `cmd`: those of its preceding scopes (in their order), then its own scope's earlier ones. */
export function removalsBefore(byScope: RemovalsByScope, cmd: ShellCommand): Removal[] {
  const out: Removal[] = [];
  // No array per scope: a Makefile target after a chain of n lists n scopes, most without removals.
  if (byScope.size > 0) {
    for (const s of cmd.region.precededBy()) for (const r of byScope.get(s) ?? NONE) out.push(r);
    for (const r of byScope.get(cmd.region.scope) ?? NONE) if (r.cmd.seq < cmd.seq) out.push(r);
  }
  return out;
}

/**
 * The removal that frees `name` before the run, walking `before` in order: a forced `rm`
 * (`rm -f`, `rm --force`, `rm -fv`), or a plain `rm` after a `stop`/`kill` of the same name. A
 * plain `rm` alone is not enough: it refuses a running container (one that upstart or systemd
 * lost track of). Conditional removals count (`inspect N && rm -f N`, `if …; then rm -f N; fi`):
 * they run exactly when there is something to remove.
 */
export function freeingRemoval(before: readonly Removal[], name: string): Removal | undefined {
  let stopped = false;
  for (const r of before) {
    if (!names(r, name)) continue;
    const { action, forced } = r.removal;
    if (action === "rm" && (forced || stopped)) return r;
    if (action === "stop" || action === "kill") stopped = true;
  }
  return undefined;
}

/** The removals (and the stops/kills that prepare them) that take part in freeing some named run's name. */
export function guardsOfRuns(byScope: RemovalsByScope, runs: readonly NamedRun[]): Map<Removal, NamedRun> {
  const out = new Map<Removal, NamedRun>();
  for (const run of runs) {
    for (const r of removalsBefore(byScope, run.cmd)) {
      if (names(r, run.name) && !out.has(r)) out.set(r, run);
    }
  }
  return out;
}

/** Host text of `[start, end)` when it is one physical line (no newline, no continuation backslash). */
export function oneLine(text: string, start: number, end: number): string | undefined {
  if (end <= start) return undefined;
  const s = text.slice(start, end);
  return /[\n\r\\]/.test(s) ? undefined : s;
}

/** Offset of the start of the physical line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/**
 * What the name-guard rules ask of a Makefile, worked out once per file: they ask for each
 * finding, and each answer was a scan of the file's rules (a Makefile of n targets, each with a
 * named run, took n² steps).
 */
export interface MakeFacts {
  /** `.ONESHELL`: every recipe goes to one shell, so recipe-line prefixes matter on the first line only. */
  oneShell: boolean;
  /**
   * make's shell itself runs with `-e` (`.POSIX` in GNU make 4+, or `.SHELLFLAGS` holding `-e`):
   * only then does a failing command that is not the last of a recipe line stop the line.
   */
  shellErrexit: boolean;
  /** The recipe line that holds `offset`. */
  recipeLineAt(offset: number): RecipeLine | undefined;
}

export function makeFacts(doc: MakeDoc): MakeFacts {
  const lines = doc.rules.flatMap((r) => r.recipe).sort((a, b) => a.start - b.start);
  // As the make adapter reads them for the regions.
  const { oneShell, shellErrexit } = recipeSettings(doc);
  return {
    oneShell,
    shellErrexit,
    recipeLineAt(offset) {
      // The last line starting at or before `offset` (recipe lines do not overlap).
      const line = lines[countAtOrBelow(lines, offset, (l) => l.start) - 1];
      return line && offset < line.end ? line : undefined;
    },
  };
}

