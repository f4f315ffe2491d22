import { defineRule, type RuleContext, type ShellCommand } from "../../engine/rule.js";
import { daemonOption, dockerInvocation, isRemoteDaemon } from "../../languages/shell/docker.js";
import { unitFacts, type UnitDoc } from "../../languages/systemd/index.js";
import { startOn, startsAfterDocker, type UpstartDoc } from "../../languages/upstart/index.js";

/**
 * A systemd unit or upstart job that runs the docker CLI without waiting for the Docker daemon.
 * systemd needs both halves: a requirement dependency (`Requires=`/`BindsTo=`/`Wants=`) that
 * pulls the daemon in, and `After=` that orders this unit behind it. Upstart needs
 * `started docker` in `start on`.
 */

/** Units that provide the daemon: the service, or its activation socket (a client connecting to it starts the service). */
const DOCKER_UNITS: ReadonlySet<string> = new Set(["docker.service", "docker.socket"]);

/** The CLIs that talk to the Docker daemon (podman is daemonless; nerdctl talks to containerd). */
const DOCKER_CLIS: readonly string[] = ["docker", "docker-compose"];

const CANNOT_CONNECT = "`Cannot connect to the Docker daemon`";

function mentionsDocker(units: readonly string[]): boolean {
  return units.some((u) => DOCKER_UNITS.has(u));
}

/** `docker run`, `docker compose`, `docker-compose up`: how the message names the command. */
function commandLabel(cmd: ShellCommand): string {
  const first = cmd.args[0];
  const sub = cmd.name === "docker" ? dockerInvocation(cmd)?.subcommand : first?.static && !first.value.startsWith("-") ? first.value : undefined;
  return sub === undefined ? cmd.name : `${cmd.name} ${sub}`;
}

/** Whether the call needs the local daemon: not `--version`/`help`, not `-H ssh://other-host`. */
function needsLocalDaemon(cmd: ShellCommand): boolean {
  const first = cmd.args[0]?.value;
  if (first === undefined || first === "--version" || first === "-v" || first === "--help" || first === "help") return false;
  if (cmd.name === "docker" && dockerInvocation(cmd)?.subcommand === "help") return false;
  const daemon = cmd.name === "docker" ? daemonOption(cmd) : undefined;
  return daemon === undefined || !isRemoteDaemon(daemon);
}

/** `Environment=DOCKER_HOST=ssh://…` in [Service]: every docker call of the unit goes to another machine. */
function unitTalksToRemoteDaemon(doc: UnitDoc): boolean {
  return doc.directives.some((d) => {
    if (d.section !== "Service" || d.key !== "Environment") return false;
    const m = /(?:^|\s)"?DOCKER_HOST=([^\s"]+)/.exec(d.value);
    return m !== null && isRemoteDaemon(m[1] as string);
  });
}

/** The line break the file uses. */
function eol(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

type Edit = { start: number; end: number; text: string };

/**
 * Edits that add `docker.service` to the missing directives: appended to the value of the last
 * such directive in [Unit], else as new lines right after the first `[Unit]` header, else in a new
 * `[Unit]` section at the top of the file.
 */
function systemdEdits(doc: UnitDoc, text: string, missing: readonly ("Requires" | "After")[]): Edit[] {
  const nl = eol(text);
  const unit = doc.sections.find((s) => s.name === "Unit");
  if (!unit) return [{ start: 0, end: 0, text: `[Unit]${nl}${missing.map((k) => `${k}=docker.service${nl}`).join("")}${nl}` }];
  const edits: Edit[] = [];
  const newLines: string[] = [];
  for (const key of missing) {
    const last = doc.directives.filter((d) => d.section === "Unit" && d.key === key).at(-1);
    if (last) edits.push({ start: last.valueEnd, end: last.valueEnd, text: last.value === "" ? "docker.service" : " docker.service" });
    else newLines.push(`${key}=docker.service${nl}`);
  }
  if (newLines.length > 0) {
    const lineEnd = text.indexOf("\n", unit.end);
    const at = lineEnd === -1 ? text.length : lineEnd + 1;
    edits.push({ start: at, end: at, text: `${lineEnd === -1 ? nl : ""}${newLines.join("")}` });
  }
  return edits;
}

/** A `Requires=`/`After=`… naming docker in a section other than [Unit], where systemd ignores it. */
function misplaced(doc: UnitDoc): string {
  const d = doc.directives.find(
    (x) =>
      x.section !== "Unit" &&
      ["Requires", "BindsTo", "Wants", "After"].includes(x.key) &&
      x.value.split(/\s+/).some((u) => DOCKER_UNITS.has(u)),
  );
  return d ? ` (the \`${d.key}=${d.value}\` in ${d.section === "" ? "no section" : `[${d.section}]`} does not count: systemd reads it only in [Unit])` : "";
}

function checkSystemd(ctx: RuleContext, doc: UnitDoc, cmd: ShellCommand): void {
  const facts = unitFacts(doc);
  const pulled = mentionsDocker([...facts.requires, ...facts.bindsTo, ...facts.wants]);
  const ordered = mentionsDocker(facts.after);
  if (pulled && ordered) return;
  if (unitTalksToRemoteDaemon(doc)) return;
  const what = `\`${commandLabel(cmd)}\``;
  const note = misplaced(doc);
  let message: string;
  const missing: ("Requires" | "After")[] = [];
  if (!pulled) missing.push("Requires");
  if (!ordered) missing.push("After");
  if (!pulled && !ordered) {
    message =
      `${what} needs the Docker daemon, but this unit has neither \`Requires=docker.service\` nor \`After=docker.service\`${note}: ` +
      `at boot systemd may start it before the daemon is up (or without starting the daemon at all), and ${what} fails with ${CANNOT_CONNECT}. ` +
      "Add `Requires=docker.service` and `After=docker.service` to [Unit].";
  } else if (!ordered) {
    message =
      `\`After=docker.service\` is missing${note}: \`${facts.requires.concat(facts.bindsTo, facts.wants).find((u) => DOCKER_UNITS.has(u)) ?? "docker.service"}\` ` +
      `is pulled in but started in parallel with this unit, so at boot ${what} may run before the Docker daemon is up and fail with ${CANNOT_CONNECT}. ` +
      "Add `After=docker.service` to [Unit].";
  } else {
    message =
      `\`Requires=docker.service\` (or \`Wants=\`/\`BindsTo=\`) is missing${note}: \`After=\` only orders this unit behind the daemon when ` +
      `something else starts it; nothing makes systemd start docker.service for this unit, so where it is not enabled (or was stopped) ` +
      `${what} fails with ${CANNOT_CONNECT}. Add \`Requires=docker.service\` to [Unit].`;
  }
  ctx.report({
    at: { start: cmd.start, end: cmd.end },
    message,
    fix: {
      title: `Add ${missing.map((k) => `\`${k}=docker.service\``).join(" and ")}`,
      applicability: "safe",
      edits: systemdEdits(doc, ctx.source.text, missing),
    },
  });
}

/** `(a or b)`: the whole expression is one parenthesised group (not `(a) or (b)`). */
function fullyParenthesised(expr: string): boolean {
  if (!expr.startsWith("(")) return false;
  let depth = 0;
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === "(") depth++;
    else if (expr[i] === ")" && --depth === 0) return i === expr.length - 1;
  }
  return false;
}

/** ` and started docker` after the `start on` expression (parenthesised when it has an `or`). */
function upstartFix(doc: UpstartDoc): Edit[] | undefined {
  const stanza = doc.stanzas.filter((s) => s.name === "start on").at(-1);
  if (!stanza) return undefined;
  const expr = startOn(doc);
  const wrap = /\bor\b/.test(expr) && !fullyParenthesised(expr);
  return wrap
    ? [
        { start: stanza.valueStart, end: stanza.valueStart, text: "(" },
        { start: stanza.valueEnd, end: stanza.valueEnd, text: ") and started docker" },
      ]
    : [{ start: stanza.valueEnd, end: stanza.valueEnd, text: " and started docker" }];
}

function checkUpstart(ctx: RuleContext, doc: UpstartDoc, cmd: ShellCommand): void {
  // A job without `start on` only starts by hand (`start JOB`): no boot race.
  if (startOn(doc) === "" || startsAfterDocker(doc)) return;
  const what = `\`${commandLabel(cmd)}\``;
  const fix = upstartFix(doc);
  ctx.report({
    at: { start: cmd.start, end: cmd.end },
    message:
      `\`start on ${startOn(doc)}\` does not wait for \`started docker\`: at boot upstart may run this job before the Docker daemon ` +
      `is up, and ${what} fails with ${CANNOT_CONNECT}. Add \`and started docker\` to \`start on\` (and \`stopping docker\` to \`stop on\`).`,
    ...(fix ? { fix: { title: "Add `and started docker` to `start on`", applicability: "unsafe" as const, edits: fix } } : {}),
  });
}

export default defineRule({
  id: "unit/missing-docker-dependency",
  languages: ["systemd", "upstart"],
  severity: "warning",
  fix: "sometimes",
  tags: ["reliability", "containers"],
  precision: "high",
  docs: {
    summary: "A systemd unit or upstart job runs `docker` without depending on and starting after the Docker daemon",
    why: [
      "At boot, init starts everything it can in parallel. A unit whose `ExecStart=` is",
      "`docker run …` but that does not declare its dependency on the daemon can be started before",
      "`dockerd` has opened its socket: `docker run` fails with `Cannot connect to the Docker daemon",
      "at unix:///var/run/docker.sock`, and the service is down after every reboot or power cycle —",
      "or it comes up only after `Restart=` has burnt through its start limit, or only by luck on",
      "one machine and not another.",
      "",
      "systemd needs two separate things, and people often write only one: a *requirement*",
      "(`Requires=docker.service`, or `BindsTo=`/`Wants=`) makes systemd start the daemon together",
      "with the unit, but in parallel; an *ordering* (`After=docker.service`) makes the unit wait for",
      "the daemon, but only if the daemon is being started anyway. With both, the daemon is pulled in",
      "and up before the first `docker` call. Upstart's equivalent is `started docker` in `start on`.",
    ].join("\n"),
    bad: [
      {
        file: "web.service",
        code: [
          "[Unit]",
          "Description=web",
          "After=network-online.target",
          "",
          "[Service]",
          "ExecStartPre=-/usr/bin/docker rm -f web",
          "ExecStart=/usr/bin/docker run --name web myorg/web:1.4",
          "",
        ].join("\n"),
      },
      {
        file: "web.service",
        code: "[Unit]\nRequires=docker.service\n\n[Service]\nExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4\n",
      },
      {
        file: "web.conf",
        code: 'description "web"\nstart on filesystem and started docker-postfix\nstop on runlevel [!2345]\nrespawn\nexec /usr/bin/docker run --rm --name web myorg/web:1.4\n',
      },
    ],
    good: [
      {
        file: "web.service",
        code: [
          "[Unit]",
          "Description=web",
          "Requires=docker.service",
          "After=network-online.target docker.service",
          "",
          "[Service]",
          "ExecStartPre=-/usr/bin/docker rm -f web",
          "ExecStart=/usr/bin/docker run --name web myorg/web:1.4",
          "",
        ].join("\n"),
      },
      {
        file: "web.service",
        code: "[Unit]\nWants=docker.socket\nAfter=docker.socket\n\n[Service]\nExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4\n",
      },
      {
        file: "web.conf",
        code: 'description "web"\nstart on filesystem and started docker\nstop on runlevel [!2345]\nrespawn\nexec /usr/bin/docker run --rm --name web myorg/web:1.4\n',
      },
    ],
    related: ["none (systemd-analyze verify does not know which daemon a command needs)"],
    notes: [
      "- **Which commands.** Every `docker` (and `docker-compose`) call in the unit's `Exec*=` lines",
      "  and in their `sh -c '…'` strings, or in an upstart job's `script`/`exec`; the first whose",
      "  failure matters (not `-`-prefixed, not `|| true`) is reported, else the first. Not podman (daemonless), and not calls to another machine's daemon (`-H ssh://…`,",
      "  `--context prod`, `Environment=DOCKER_HOST=ssh://…`), nor `docker --version`.",
      "- **What counts (systemd).** A requirement — `Requires=`, `BindsTo=` or `Wants=` — naming",
      "  `docker.service` or `docker.socket`, *and* `After=` naming either. Socket activation is",
      "  enough: with `docker.socket` listening, a client's connection waits until the daemon accepts",
      "  it. `Requisite=` does not count (it fails at once when the daemon is not up yet). Only the",
      "  [Unit] section counts (as in systemd); a misplaced directive is mentioned in",
      "  the message. `After=multi-user.target` and other indirect orderings are not followed, nor",
      "  drop-ins in `*.service.d/`.",
      "- **What counts (upstart).** `started docker` (or `started JOB=docker`) anywhere in",
      "  `start on`; `started docker-postfix` is another job. A job without `start on` is only",
      "  started by hand and is not reported.",
      "- **Fix (systemd, safe):** adds `docker.service` to the last `Requires=`/`After=` line of",
      "  [Unit], or adds the missing lines right after the `[Unit]` header, or a new [Unit] section",
      "  at the top. `Requires=` also stops (and restarts) the unit with the daemon, which is what a",
      "  unit wrapping a container wants: the container dies with the daemon anyway.",
      "- **Fix (upstart, unsafe):** appends `and started docker` to `start on` (wrapping an `or`",
      "  expression in parentheses). Unsafe because it changes when the job starts: it now also",
      "  waits for the docker job's `started` event, and a job installed while docker is already",
      "  running will not start on its own until docker restarts.",
    ].join("\n"),
  },
  check(ctx) {
    const host = ctx.host;
    if (host?.language !== "systemd" && host?.language !== "upstart") return;
    if (/(^|\/)docker\.(service|socket)$/.test(ctx.path)) return;
    // The first call whose failure matters (not `-`-prefixed, not `|| true`), else the first call.
    const calls: ShellCommand[] = [];
    ctx.onCommand(DOCKER_CLIS, (cmd) => {
      if (needsLocalDaemon(cmd)) calls.push(cmd);
    });
    ctx.onEnd(() => {
      const cmd = calls.find((c) => !c.tolerated) ?? calls[0];
      if (!cmd) return;
      if (host.language === "systemd") checkSystemd(ctx, host.doc, cmd);
      else checkUpstart(ctx, host.doc, cmd);
    });
  },
});
