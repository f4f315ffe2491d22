import { defineRule, type FixDescriptor, type RuleContext, type ShellCommand } from "../../engine/rule.js";
import { execLines, type ExecLine } from "../../languages/systemd/index.js";
import { collectRunsAndRemovals, guardsOfRuns, makeFacts, type MakeFacts, type Removal } from "./_name-guards.js";

type Options = { rmForceIgnoresMissing: boolean };

/**
 * A removal is judged when it guards a named run (it runs before a `run --name N` of a name it
 * removes, see _name-guards.ts), or when it runs while a service starts: a systemd unit's
 * `ExecStartPre=`/`ExecStart=`/`ExecStartPost=`, an upstart job's `pre-start`, main process or
 * `post-start`. There, a failure stops the service from starting, whatever the removal is for.
 */
const START_PHASES: Readonly<Record<string, ReadonlySet<string>>> = {
  systemd: new Set(["ExecStartPre", "ExecStart", "ExecStartPost"]),
  upstart: new Set(["pre-start", "script", "exec", "post-start"]),
};

/** Regions whose exit status is the last command's, and whose failure stops the host: `sh -c` strings, RUN, `.ONESHELL` recipes. */
const STATUS_FROM_TAIL: ReadonlySet<string> = new Set(["sh-c-argument", "dockerfile-run", "make-recipe"]);

function inStartPhase(ctx: RuleContext<Options>, cmd: ShellCommand): boolean {
  return START_PHASES[ctx.language]?.has(cmd.region.label) === true;
}

/** What the rule asks of the host file, worked out once per file (not once per removal). */
interface HostFacts {
  make?: MakeFacts;
  /** A systemd unit's command lines by where their program starts. */
  execLineAt?: ReadonlyMap<number, ExecLine>;
}

function hostFacts(ctx: RuleContext<Options>): HostFacts {
  const host = ctx.host;
  if (host?.language === "make") return { make: makeFacts(host.doc) };
  if (host?.language === "systemd") return { execLineAt: new Map(execLines(host.doc).map((l) => [l.programStart, l])) };
  return {};
}

/**
 * Whether a failure of the command stops what it runs in: errexit, or its status is the region's
 * and the region's failure counts. A make recipe line is run by `sh -c` without `-e` (unless
 * `.POSIX` or `.SHELLFLAGS` say otherwise), so there only the line's last command decides; the
 * make adapter's `errexit` on every line is the coarser reading that suits other rules.
 */
function failureIsFatal(ctx: RuleContext<Options>, cmd: ShellCommand, host: HostFacts): boolean {
  if (cmd.tolerated || cmd.background || cmd.region.assumptions.failureTolerated === true) return false;
  // Right of `&&`/`||`, in an `if`/`case` branch: the condition normally checked that the container
  // exists (`docker inspect N >/dev/null 2>&1 && docker rm -f N`), so "nothing to remove" does not happen.
  if (cmd.conditional) return false;
  const tail = cmd.tail !== undefined && STATUS_FROM_TAIL.has(cmd.region.origin);
  if (cmd.region.origin === "make-recipe" && host.make) {
    return tail || (host.make.oneShell ? cmd.errexit : host.make.shellErrexit);
  }
  return tail || cmd.errexit;
}

/** Why the removal fails when there is nothing to remove, or undefined if it does not. */
function failsWhenMissing(r: Removal, options: Options): string | undefined {
  const { action, forced, ignoresMissing, invocation, all } = r.removal;
  // `--all` with nothing to act on succeeds.
  if (ignoresMissing || all) return undefined;
  const what = r.removal.names.map((w) => w.value).join(" ");
  const shown = `\`${invocation.tool} ${action}${forced ? " -f" : ""} ${what}\``;
  if (action === "rm" && forced) {
    if (options.rmForceIgnoresMissing) return undefined;
    return `${shown} exits 1 when there is no such container (on docker before 20.10, podman before 4.2, nerdctl before 0.22)`;
  }
  if (action === "rm") return `${shown} exits 1 when there is no such container (on the first start, and after every clean stop of a \`--rm\` container)`;
  if (action === "stop") return `${shown} exits 1 when there is no such container`;
  return `${shown} exits 1 when the container is missing or not running`;
}

/** What stops, in the words of the host. */
function consequence(ctx: RuleContext<Options>, cmd: ShellCommand): string {
  const { origin, label } = cmd.region;
  switch (origin) {
    case "systemd-exec":
      return `\`${label}=\` without the \`-\` prefix fails the unit's start`;
    case "sh-c-argument":
      return ctx.language === "systemd"
        ? `its status is the \`sh -c\`'s, and \`${label}=\` without the \`-\` prefix fails the unit's start`
        : "its status is the `sh -c`'s, which fails the RUN";
    case "upstart-script":
    case "upstart-exec":
      return `upstart runs the job's \`${label}\` with \`sh -e\``;
    case "make-recipe":
      return `make stops the recipe of \`${label}\` at a failing line`;
    case "dockerfile-run":
      return "its status is the RUN's, which fails the build";
    default:
      return "the script runs under `set -e`";
  }
}

/** One redirection with a plain target (`>/dev/null`, `2>&1`, `&> log`), at the start of the text. */
const REDIRECT = /^[ \t]+(?:\d*|&)(?:>>|>&|<&|&>>|&>|>\||<>|>|<)[ \t]*[^\s;&|<>()#'"`\\]+/;

/** Where ` || true` can go after the command (past its redirections), if what follows ends the command. */
function orTrueOffset(text: string, cmd: ShellCommand): number | undefined {
  let i = cmd.end;
  for (let m = REDIRECT.exec(text.slice(i, cmd.region.hostEnd)); m; m = REDIRECT.exec(text.slice(i, cmd.region.hostEnd))) {
    i += m[0].length;
  }
  let j = i;
  while (text[j] === " " || text[j] === "\t") j++;
  const c = text[j];
  if (j >= cmd.region.hostEnd || c === undefined || "\n\r;#)".includes(c)) return i;
  // The end of a `sh -c '…'` string.
  if (cmd.region.origin === "sh-c-argument" && (c === "'" || c === '"')) return i;
  return undefined;
}

type Edits = FixDescriptor["edits"];

function orTrue(text: string, cmd: ShellCommand): Edits | undefined {
  const at = orTrueOffset(text, cmd);
  return at === undefined ? undefined : [{ start: at, end: at, text: " || true" }];
}

/** The fix and how to describe it: `-` for a systemd command line or a whole make line, else ` || true`. */
function fixFor(ctx: RuleContext<Options>, cmd: ShellCommand, host: HostFacts): { edits: Edits; how: string } | undefined {
  const text = ctx.source.text;
  if (cmd.region.kind === "argv") {
    const line = host.execLineAt?.get(cmd.start);
    return line ? { edits: [{ start: line.start, end: line.start, text: "-" }], how: `prefix the command with \`-\` (\`${cmd.region.label}=-…\`)` } : undefined;
  }
  if (cmd.region.origin === "make-recipe" && host.make && !host.make.oneShell) {
    const line = host.make.recipeLineAt(cmd.start);
    const after = orTrueOffset(text, cmd);
    if (line && after !== undefined && text.slice(line.textStart, cmd.start).trim() === "" && text.slice(after, line.end).trim() === "") {
      return { edits: [{ start: line.textStart, end: line.textStart, text: "-" }], how: "prefix the recipe line with `-`" };
    }
  }
  const edits = orTrue(text, cmd);
  return edits ? { edits, how: "append `|| true`" } : undefined;
}

export default defineRule<Options>({
  id: "docker/guard-not-fault-tolerant",
  languages: ["shell"],
  severity: "warning",
  fix: "sometimes",
  tags: ["reliability", "docker"],
  precision: "high",
  options: {
    rmForceIgnoresMissing: {
      type: "boolean",
      default: false,
      description:
        "Treat `rm -f` of a missing container as success, as docker ≥ 20.10, podman ≥ 4.2 and nerdctl ≥ 0.22 do. Leave it off when any host may run an older engine.",
    },
  },
  docs: {
    summary: "A `docker rm`/`stop`/`kill` guard whose failure, when there is nothing to remove, aborts the start",
    why: [
      "The guard in front of a named `docker run` (`docker stop web`, `docker rm web`) exists for",
      "the bad day: the old container survived an OOM kill or a power cycle. On every other day",
      "there is nothing to stop or remove, and the guard fails: `docker rm web` and `docker stop",
      "web` exit 1 with `No such container` (always after a clean stop of a `--rm` container),",
      "`docker kill web` also when it is not running, and `docker rm -f web` too on docker before",
      "20.10 and podman before 4.2. Where a failure stops the start, the service then never",
      "starts: upstart runs `script` and `pre-start` with `sh -e`, systemd fails the unit when an",
      "`ExecStartPre=` without the `-` prefix fails, make stops at a failing recipe line, and a",
      "`set -e` script exits. The guard must tolerate failure: `docker rm -f web || true`,",
      "`ExecStartPre=-/usr/bin/docker rm -f web`, or a `-` recipe line.",
    ].join("\n"),
    bad: [
      {
        file: "antisocial.conf",
        code: [
          "start on filesystem and started docker",
          "respawn",
          "script",
          "  /usr/bin/docker stop antisocial || true",
          "  /usr/bin/docker rm antisocial",
          "  exec /usr/bin/docker run --rm --name antisocial thraxil/antisocial",
          "end script",
          "",
        ].join("\n"),
      },
      {
        file: "worker.service",
        code: [
          "[Service]",
          "ExecStartPre=/usr/bin/docker rm -f worker",
          "ExecStart=/usr/bin/docker run --name worker thraxil/antisocial worker",
          "",
        ].join("\n"),
      },
    ],
    good: [
      {
        file: "antisocial.conf",
        code: [
          "start on filesystem and started docker",
          "respawn",
          "script",
          "  /usr/bin/docker stop antisocial || true",
          "  /usr/bin/docker rm antisocial || true",
          "  exec /usr/bin/docker run --rm --name antisocial thraxil/antisocial",
          "end script",
          "",
        ].join("\n"),
      },
      {
        file: "worker.service",
        code: [
          "[Service]",
          "ExecStartPre=-/usr/bin/docker rm -f worker",
          "ExecStart=/usr/bin/docker run --name worker thraxil/antisocial worker",
          "",
        ].join("\n"),
      },
    ],
    related: ["none (ShellCheck and hadolint do not follow container names)"],
    notes: [
      "- Judged: every `rm`, `stop` and `kill` (docker, podman, nerdctl; also `container rm`) that",
      "  runs before a `run`/`create --name N` of a name it removes, in the same scope or a scope",
      "  that runs first (see `docker/run-name-unguarded`), and every one that runs while a service",
      "  starts (systemd `ExecStartPre=`/`ExecStart=`/`ExecStartPost=`, upstart `pre-start`, main",
      "  process, `post-start`), whatever it removes. Elsewhere (a teardown script, `ExecStop=`,",
      "  a `clean` target nobody depends on) a failing removal may be what the author wants.",
      "- Fatal means: under errexit (upstart's `sh -e`, `set -e`, a `-e` shebang, a make recipe",
      "  line, a systemd command line), or as the last command of a `sh -c` string, a RUN or a",
      "  `.ONESHELL` recipe, whose status is the whole's (a plain make recipe line is `sh -c`",
      "  without `-e`: only its last command counts, unless `.POSIX` or `.SHELLFLAGS` add `-e`).",
      "  Not fatal: `|| true`, an `if`/`while` condition, the left of `&&`/`||`, `!`, not the last",
      "  of a pipeline, `&`, a systemd `-` or make `-` prefix, `.IGNORE`.",
      "- Not judged either: a removal that runs only under a condition (right of `&&`/`||`, in an",
      "  `if` or `case` branch). The condition normally checks that the container exists",
      "  (`docker inspect N >/dev/null 2>&1 && docker rm -f N`), so \"nothing to remove\" does",
      "  not arise; a condition that checks something else is a miss.",
      "- `docker rm -f` of a missing container exits 0 on docker ≥ 20.10 (docker/cli#2678),",
      "  podman ≥ 4.2 (containers/podman#14959) and nerdctl ≥ 0.22 (containerd/nerdctl#1236), and",
      "  1 before. It is reported by default, because the hosts that run these jobs often run old",
      "  engines and `|| true` or `-` says the intent on every version; set `rmForceIgnoresMissing`",
      "  to stop reporting it. podman's `rm --ignore`/`stop --ignore` (`-i`) always tolerate a",
      "  missing container.",
      "- The fix (safe) adds `-` after `ExecStartPre=` (before any other prefix), `-` before the",
      "  command of a make recipe line that holds only the removal, and ` || true` after the",
      "  command (after its redirections) elsewhere — only when the command ends there (a line",
      "  end, `;`, `)`, a comment, or the end of a `sh -c` string). No fix for a Dockerfile",
      "  exec-form RUN.",
    ].join("\n"),
  },
  check(ctx) {
    const { byScope, runs } = collectRunsAndRemovals(ctx);
    ctx.onEnd(() => {
      if (byScope.size === 0) return;
      const host = hostFacts(ctx);
      const guards = guardsOfRuns(byScope, runs);
      for (const list of byScope.values()) {
        for (const r of list) {
          const run = guards.get(r);
          if (!run && !inStartPhase(ctx, r.cmd)) continue;
          if (!failureIsFatal(ctx, r.cmd, host)) continue;
          const why = failsWhenMissing(r, ctx.options);
          if (!why) continue;
          const fix = fixFor(ctx, r.cmd, host);
          const outcome = run
            ? `the guard of \`${run.run.invocation.tool} ${run.run.invocation.subcommand} --name ${run.display}\` then stops the very start it protects`
            : "the service fails to start whenever there is nothing to remove";
          ctx.report({
            at: { start: r.cmd.start, end: r.cmd.end },
            message: `${why}, and ${consequence(ctx, r.cmd)}: ${outcome}. Let it fail: ${fix?.how ?? "append `|| true`"}.`,
            ...(run ? { related: [{ at: { start: run.cmd.start, end: run.cmd.end }, message: `the run this guards` }] } : {}),
            ...(fix ? { fix: { title: "Tolerate a missing container", applicability: "safe" as const, edits: fix.edits } } : {}),
          });
        }
      }
    });
  },
});
