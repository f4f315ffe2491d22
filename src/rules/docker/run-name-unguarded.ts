import { defineRule, type FixDescriptor, type RuleContext, type ShellCommand } from "../../engine/rule.js";
import {
  collectRunsAndRemovals,
  freeingRemoval,
  lineStartOf,
  makeFacts,
  names,
  oneLine,
  removalsBefore,
  type MakeFacts,
  type NamedRun,
  type Removal,
  type RemovalsByScope,
} from "./_name-guards.js";

/**
 * A named `run`/`create` is guarded when a removal of that name runs before it in its scope
 * (see _name-guards.ts for "before" and for what frees a name). Runs and removals are collected
 * while the engine walks the file and judged at the end, because a Makefile target's
 * prerequisites may be defined below it.
 */

/** systemd directives that run before or as the service's start, where an `ExecStartPre=` guard helps. */
const START_DIRECTIVES: ReadonlySet<string> = new Set(["ExecStartPre", "ExecStart", "ExecStartPost"]);

/** Wrappers that the guard must not repeat: `exec` would end the script, the others add nothing. */
const DROPPED_WRAPPERS: ReadonlySet<string> = new Set(["exec", "nohup", "time", "command"]);

/**
 * How the guard is spelled in the host: the same program (and global options, `container`)
 * as the run, behind the same `sudo`/`env`/assignments, and the name as written. Host text is
 * copied, so make's `$(NAME)`, systemd's `%i` and shell quoting keep their meaning.
 */
interface Spelling {
  /** `sudo /usr/bin/docker`, `$(DOCKER)`, `docker -H ssh://h container`. */
  program: string;
  /** `redis_server`, `"$NAME"`, `$(NAME)`. */
  name: string;
}

/** The wrappers and assignments before the program, minus `exec` & co.; undefined when quoting or expansions make that unsure. */
function prefixWords(prefix: string): string | undefined {
  if (/["'`$\\]/.test(prefix)) return undefined;
  const words = prefix.split(/[ \t]+/).filter((w) => w !== "");
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (DROPPED_WRAPPERS.has(w.slice(w.lastIndexOf("/") + 1))) {
      if (words[i + 1]?.startsWith("-")) return undefined;
      continue;
    }
    kept.push(w);
  }
  return kept.map((w) => `${w} `).join("");
}

function spelling(text: string, nr: NamedRun): Spelling | undefined {
  const { cmd, flag, run } = nr;
  const prefix = oneLine(text, cmd.start, cmd.program.start) ?? (cmd.start === cmd.program.start ? "" : undefined);
  const program = oneLine(text, cmd.program.start, run.invocation.subcommandWord.start)?.trimEnd();
  if (prefix === undefined || !program) return undefined;
  // Nothing but the run's own arguments between the program and `run` (not systemd's `@` argv[0]).
  const firstArg = cmd.args[0];
  if (!firstArg || text.slice(cmd.program.end, firstArg.start).trim() !== "") return undefined;
  const kept = prefixWords(prefix);
  if (kept === undefined) return undefined;
  const [first, second] = flag.words;
  // `--name N`: the value word as written; `--name=N`: what follows `=` (not when the flag itself is quoted).
  const raw = second ? oneLine(text, second.start, second.end) : first ? oneLine(text, first.start, first.end) : undefined;
  const name = second ? raw : raw?.startsWith("--name=") ? raw.slice("--name=".length) : undefined;
  if (!name) return undefined;
  return { program: `${kept}${program}`, name };
}

/** Whether the physical line before `lineStart` (skipping blank and comment lines) continues into it. */
function continuesFromAbove(text: string, lineStart: number): boolean {
  let end = lineStart - 1;
  while (end > 0) {
    const start = lineStartOf(text, end);
    const line = text.slice(start, end).replace(/[ \t\r]+$/, "");
    if (line.trim() !== "" && !/^\s*#/.test(line)) return /\\$|\|$|&&$/.test(line);
    end = start - 1;
  }
  return false;
}

/** A new shell line before the run: `GUARD || true` then the run's own indentation. */
function shellInsertion(text: string, cmd: ShellCommand, guard: string, indentOk: RegExp): FixDescriptor["edits"] | undefined {
  const ls = lineStartOf(text, cmd.start);
  const indent = text.slice(ls, cmd.start);
  if (!indentOk.test(indent) || continuesFromAbove(text, ls)) return undefined;
  return [{ start: cmd.start, end: cmd.start, text: `${guard} || true\n${indent}` }];
}

/** `make`: the host Makefile's facts, when the host is one. */
function fixEdits(ctx: RuleContext, nr: NamedRun, s: Spelling, make: MakeFacts | undefined): FixDescriptor["edits"] | undefined {
  const text = ctx.source.text;
  const { cmd } = nr;
  if (cmd.inSubstitution) return undefined;
  const guard = `${s.program} rm -f ${s.name}`;
  switch (cmd.region.origin) {
    case "file":
    case "upstart-script":
      return shellInsertion(text, cmd, guard, /^[ \t]*$/);
    case "systemd-exec": {
      if (!START_DIRECTIVES.has(cmd.region.label)) return undefined;
      const at = cmd.region.hostStart;
      const indent = text.slice(lineStartOf(text, at), at);
      if (!/^[ \t]*$/.test(indent)) return undefined;
      return [{ start: at, end: at, text: `ExecStartPre=-${guard}\n${indent}` }];
    }
    case "make-recipe": {
      if (!make) return undefined;
      const line = make.recipeLineAt(cmd.start);
      if (!line || line.sameLine) return undefined;
      if (make.oneShell) {
        // One shell for the whole recipe: a shell line, repeating the line's recipe prefix and `@-+`.
        const p = line.recipePrefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        return shellInsertion(text, cmd, guard, new RegExp(`^${p}[ \\t@+-]*$`));
      }
      if (text.slice(line.textStart, cmd.start).trim() !== "" || lineStartOf(text, line.start) !== line.start) return undefined;
      return [{ start: line.start, end: line.start, text: `${line.recipePrefix}-${guard}\n` }];
    }
    default:
      // Dockerfile RUN, upstart `exec` stanzas and `sh -c` strings: no line of ours to add.
      return undefined;
  }
}

/** Why an earlier-looking removal does not count, for the message and a related location. */
function nearMiss(byScope: RemovalsByScope, nr: NamedRun, before: readonly Removal[]): { r: Removal; why: string } | undefined {
  const plain = before.find((r) => names(r, nr.name) && r.removal.action === "rm");
  if (plain) return { r: plain, why: "refuses a running container: add `-f`" };
  const stopOnly = before.find((r) => names(r, nr.name));
  if (stopOnly) return { r: stopOnly, why: `only ${stopOnly.removal.action === "kill" ? "kills" : "stops"} it: a stopped container keeps its name` };
  const counted = new Set(before);
  const elsewhereOrLater = [...byScope.values()].flat().filter((r) => !counted.has(r) && names(r, nr.name));
  // The most telling one: a forced rm, else any rm, else a stop or kill.
  const rank = (r: Removal): number => (r.removal.action !== "rm" ? 2 : r.removal.forced ? 0 : 1);
  const r = elsewhereOrLater.sort((a, b) => rank(a) - rank(b) || a.cmd.seq - b.cmd.seq)[0];
  if (!r) return undefined;
  return { r, why: r.cmd.region.scope === nr.cmd.region.scope ? "runs after it, too late" : elsewhere(r.cmd, nr.cmd) };
}

/** Why a removal in another scope does not run before the run. */
function elsewhere(removal: ShellCommand, run: ShellCommand): string {
  if (removal.region.origin === "make-recipe" && run.region.origin === "make-recipe") {
    return `is in target \`${removal.region.label}\`, which \`${run.region.label}\` does not depend on`;
  }
  return "is in a build stage that this one does not depend on";
}

/** The engine's own words for the conflict. */
function conflictText(tool: string, name: string): string {
  return tool === "podman" ? `the container name "${name}" is already in use` : `Conflict. The container name "/${name}" is already in use`;
}

function advice(ctx: RuleContext, nr: NamedRun, s: Spelling | undefined): string {
  const program = s?.program ?? nr.run.invocation.tool;
  const name = s?.name ?? nr.display;
  switch (nr.cmd.region.origin) {
    case "systemd-exec":
    case "sh-c-argument":
      if (ctx.language === "systemd") return `Remove it first: \`ExecStartPre=-${program} rm -f ${name}\`.`;
      break;
    case "make-recipe":
      return `Remove it first, in this recipe or a prerequisite's: \`-${program} rm -f ${name}\`.`;
    default:
      break;
  }
  return `Remove it first: \`${program} rm -f ${name} || true\`.`;
}

export default defineRule({
  id: "docker/run-name-unguarded",
  languages: ["shell"],
  severity: "error",
  fix: "sometimes",
  tags: ["reliability", "docker"],
  precision: "high",
  docs: {
    summary: "`docker run --name N` with no `docker rm -f N` before it: the start fails while an old container holds the name",
    why: [
      "A container name is unique on a host. When a service starts a named container (an upstart",
      "job, a systemd unit, a start script, a `make dev`), the previous container of that name must",
      "be gone first. `--rm` is not enough: when the container is OOM-killed, the server is",
      "power-cycled or the daemon dies, nobody removes it, it stays behind in `Exited` state, and",
      "every restart of the service fails with",
      "`Conflict. The name \"redis_server\" is already in use by container 9ccc57bfbc3c` until",
      "someone removes it by hand. The dependable fix is to make sure it is dead before starting it:",
      "`docker rm -f N || true` (or `docker stop N` then `docker rm N`) in the same script, upstart",
      "job (`pre-start` counts), systemd unit (`ExecStartPre=-…`), Makefile recipe (or a",
      "prerequisite's), or Dockerfile stage, before the run. podman's `run --replace` does the same",
      "on its own.",
    ].join("\n"),
    bad: [
      {
        file: "redis.conf",
        code: [
          "start on filesystem and started docker",
          "stop on runlevel [!2345]",
          "respawn",
          "script",
          "    /usr/bin/docker run \\",
          "    --rm \\",
          "    --name=redis_server \\",
          "    -v /docker/host/dir:/data \\",
          "    redis",
          "end script",
          "",
        ].join("\n"),
      },
      {
        file: "web.service",
        code: ["[Service]", "ExecStart=/usr/bin/docker run --name web myorg/web:1.4", "ExecStop=/usr/bin/docker rm -f web", ""].join("\n"),
      },
    ],
    good: [
      {
        file: "redis.conf",
        code: [
          "start on filesystem and started docker",
          "stop on runlevel [!2345]",
          "respawn",
          "script",
          "    /usr/bin/docker stop redis_server || true",
          "    /usr/bin/docker rm redis_server || true",
          "    /usr/bin/docker run \\",
          "    --rm \\",
          "    --name=redis_server \\",
          "    -v /docker/host/dir:/data \\",
          "    redis",
          "end script",
          "",
        ].join("\n"),
      },
      {
        file: "web.service",
        code: [
          "[Service]",
          "ExecStartPre=-/usr/bin/docker rm -f web",
          "ExecStart=/usr/bin/docker run --name web myorg/web:1.4",
          "ExecStop=/usr/bin/docker stop web",
          "",
        ].join("\n"),
      },
      {
        file: "Makefile",
        code: ["dev: clean", "\tdocker run --name web-dev -p 8000:8000 myorg/web", "", "clean:", "\t-docker rm -f web-dev", ""].join("\n"),
      },
    ],
    related: ["none (ShellCheck and hadolint do not follow container names)"],
    notes: [
      "- Runs: `run` and `create` of docker, podman and nerdctl (also `container run`), behind",
      "  `sudo`, `exec`, `env`, `nohup`, `time`, `command`, absolute paths and variables that hold",
      "  the program (`DOCKER=/usr/bin/docker`).",
      "- Guards: `rm -f N` (`--force`, `-fv`), or `stop N`/`kill N` followed by `rm N`, in the same",
      "  scope before the run or anywhere in a scope that runs before it (a Makefile prerequisite's",
      "  recipe, a Dockerfile stage the stage depends on); podman `run --replace`. A guard inside a",
      "  condition counts (`docker inspect N >/dev/null 2>&1 && docker rm -f N`). A plain `rm N`",
      "  alone does not: it refuses a running container. A removal after the run (`ExecStop=`,",
      "  `post-stop`) does not either: it never runs after a power cycle. A removal inside a",
      "  shell function counts where the function is written, not where it is called.",
      "- Names compare after unquoting, with `$X`, `${X}` and make's `$(X)` taken as the same",
      "  variable. Removals by filter (`docker ps -aq -f name=N | xargs docker rm -f`,",
      "  `docker rm -f $(docker ps -aq …)`) and `docker container prune` are not recognised:",
      "  suppress the finding with a `deploylint-disable-next-line` comment there.",
      "- Whether the guard itself may fail (and abort the start) is `docker/guard-not-fault-tolerant`.",
      "- The fix (unsafe: it removes a container by name, whoever started it) adds a guard line",
      "  before the run, spelled with the run's own program, `sudo` and global options: a shell",
      "  line `docker rm -f N || true` in scripts and upstart blocks, `ExecStartPre=-docker rm -f N`",
      "  in a unit, a `-docker rm -f N` recipe line in a Makefile. It is offered only when the run",
      "  starts its own line; never in a Dockerfile, an upstart `exec` stanza or a `sh -c` string.",
    ].join("\n"),
  },
  check(ctx) {
    const { byScope, runs } = collectRunsAndRemovals(ctx);
    ctx.onEnd(() => {
      const text = ctx.source.text;
      const make = runs.length > 0 && ctx.host?.language === "make" ? makeFacts(ctx.host.doc) : undefined;
      // podman's `run --replace` removes an old container of that name itself.
      for (const nr of runs.filter((r) => !r.replaces)) {
        const before = removalsBefore(byScope, nr.cmd);
        if (freeingRemoval(before, nr.name)) continue;
        const { cmd, run, flag } = nr;
        const s = spelling(text, nr);
        // The name as written in the host (`$(NAME)` in a Makefile), else as the shell sees it.
        const shown = s?.name ?? nr.display;
        const miss = nearMiss(byScope, nr, before);
        const tool = run.invocation.tool;
        const sub = run.invocation.subcommand;
        const hint = miss ? ` (the \`${tool} ${miss.r.removal.action}\` on line ${ctx.source.lineOf(miss.r.cmd.start)} ${miss.why})` : "";
        const start = /\n/.test(text.slice(cmd.start, cmd.program.start)) ? cmd.start : cmd.program.start;
        const last = flag.words[flag.words.length - 1] ?? run.invocation.subcommandWord;
        const edits = s ? fixEdits(ctx, nr, s, make) : undefined;
        ctx.report({
          at: { start, end: last.end },
          message:
            `\`${tool} ${sub} --name ${shown}\` with no earlier \`${tool} rm -f ${shown}\`${hint}: ` +
            "after an OOM kill, a power cycle or a daemon restart the dead container keeps the name, and every " +
            `restart fails with \`${conflictText(tool, nr.display)}\`. ${advice(ctx, nr, s)}`,
          ...(miss ? { related: [{ at: { start: miss.r.cmd.start, end: miss.r.cmd.end }, message: `this \`${tool} ${miss.r.removal.action}\` ${miss.why}` }] } : {}),
          ...(edits
            ? { fix: { title: `Remove any old \`${shown}\` container before the ${sub}`, applicability: "unsafe" as const, edits } }
            : {}),
        });
      }
    });
  },
});
