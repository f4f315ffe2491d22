import { defineRule, type HostDocument, type ShellCommand } from "../../engine/rule.js";
import { CONTAINER_TOOLS, dockerInvocation, flagValues, parseDockerRun, switchState, type DockerRun } from "../../languages/shell/docker.js";
import { unitFacts, type UnitDoc } from "../../languages/systemd/index.js";
import { allOrNothing, removeSwitch, runLabel, runRange, where } from "./_run-report.js";

/**
 * `docker run -d` as the main process of an upstart job or of a systemd service whose main
 * process is expected to stay: the client returns at once and the init system loses the container.
 */

/** Service types whose main process is the `ExecStart=` process itself, expected to keep running. */
const FOREGROUND_TYPES: ReadonlySet<string> = new Set(["simple", "exec", "idle"]);

/** `Restart=` values that restart a service whose main process exited with status 0. */
const RESTARTS_ON_SUCCESS: ReadonlySet<string> = new Set(["always", "on-success"]);

/** Upstart stanzas that hold the job's main process. */
const MAIN_STANZAS: ReadonlySet<string> = new Set(["script", "exec"]);

/** systemd's boolean parser (`parse_boolean`). */
function systemdTrue(v: string | undefined): boolean {
  return v !== undefined && /^(1|yes|y|true|t|on)$/i.test(v);
}

/** The last non-empty value of a `[Service]` setting. */
function serviceSetting(doc: UnitDoc, key: string): string | undefined {
  let value: string | undefined;
  for (const d of doc.directives) if (d.section === "Service" && d.key === key) value = d.value === "" ? undefined : d.value;
  return value;
}

/** What the supervisor does when the main process ends, for the message; undefined when the run is not its main process. */
function mainProcess(host: HostDocument | undefined, cmd: ShellCommand): { supervisor: "systemd" | "upstart"; consequence: string } | undefined {
  if (host?.language === "upstart") {
    if (!MAIN_STANZAS.has(cmd.region.label)) return undefined;
    const respawn = host.doc.stanzas.some((s) => s.name === "respawn");
    return {
      supervisor: "upstart",
      consequence: respawn
        ? "so upstart respawns the job in a loop (until `respawn limit` gives up), starting a new container or failing on the name each time"
        : "so upstart marks the job stopped while the container runs on unsupervised: `stop` no longer stops it and nothing restarts it when it dies",
    };
  }
  if (host?.language === "systemd") {
    if (cmd.region.label !== "ExecStart") return undefined;
    const type = unitFacts(host.doc).serviceType;
    if (!FOREGROUND_TYPES.has(type) || systemdTrue(serviceSetting(host.doc, "RemainAfterExit"))) return undefined;
    const restart = serviceSetting(host.doc, "Restart") ?? "no";
    const stops = host.doc.directives.some((d) => d.section === "Service" && (d.key === "ExecStop" || d.key === "ExecStopPost") && d.value !== "");
    return {
      supervisor: "systemd",
      consequence: RESTARTS_ON_SUCCESS.has(restart)
        ? `so systemd (\`Restart=${restart}\`) starts the \`Type=${type}\` service again and again — a new container or a name conflict each time — and never watches the container itself`
        : `so systemd considers the \`Type=${type}\` service finished${stops ? " (running its `ExecStop=` commands against the container it just started)" : ""} and never notices when the container dies`,
    };
  }
  return undefined;
}

/** `docker wait|attach`, `docker logs -f`, `docker start -a`: a later command that keeps the main process alive with the container. */
function blocksOnContainer(cmd: ShellCommand): boolean {
  const inv = dockerInvocation(cmd);
  if (!inv) return false;
  const has = (long: string, letter: string): boolean =>
    inv.args.some((w) => w.value === long || (/^-[a-zA-Z]+$/.test(w.value) && w.value.includes(letter)));
  switch (inv.subcommand) {
    case "wait":
    case "attach":
      return true;
    case "logs":
      return has("--follow", "f");
    case "start":
      return has("--attach", "a");
    default:
      return false;
  }
}

interface Detached {
  cmd: ShellCommand;
  run: DockerRun;
  supervisor: "systemd" | "upstart";
  consequence: string;
}

export default defineRule({
  id: "docker/detached-under-supervisor",
  languages: ["shell"],
  severity: "error",
  fix: "sometimes",
  tags: ["correctness", "reliability"],
  precision: "high",
  docs: {
    summary: "`docker run -d` as the main process of an upstart job or a `Type=simple` systemd service",
    why: [
      "An init system supervises a process: it starts it, watches it, and acts when it exits.",
      "`docker run -d` does not stay: the client asks the daemon to start the container, prints its",
      "id and exits with status 0. Under upstart's `script`/`exec` or systemd's `ExecStart=` of a",
      "`Type=simple`/`exec`/`idle` service, that exit *is* the service ending. With `respawn` or",
      "`Restart=always` the init system runs it again at once, in a loop, piling up containers or",
      "failing on the name conflict until the restart limit gives up; without it, the service is",
      "marked stopped (systemd even runs `ExecStop=`, stopping the container it just started)",
      "while the container runs unsupervised, and `stop`/`systemctl stop` no longer reach it.",
      "",
      "Run the container in the foreground (no `-d`): the client stays attached, relays its output",
      "to the journal or the job's log, and exits when the container does, which is what the init",
      "system needs to see.",
    ].join("\n"),
    bad: [
      {
        file: "web.service",
        code: [
          "[Unit]",
          "Requires=docker.service",
          "After=docker.service",
          "[Service]",
          "Restart=always",
          "ExecStart=/usr/bin/docker run --rm -d --name web myorg/web:1.4",
          "",
        ].join("\n"),
      },
      {
        file: "web.conf",
        code: ['description "web"', "start on started docker", "respawn", "script", "  exec docker run --rm -dit --name web myorg/web:1.4", "end script", ""].join("\n"),
      },
    ],
    good: [
      {
        file: "web.service",
        code: [
          "[Unit]",
          "Requires=docker.service",
          "After=docker.service",
          "[Service]",
          "Restart=always",
          "ExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4",
          "",
        ].join("\n"),
      },
      {
        file: "web-launcher.service",
        code: [
          "[Service]",
          "Type=oneshot",
          "RemainAfterExit=yes",
          "ExecStart=/usr/bin/docker run -d --name web myorg/web:1.4",
          "ExecStop=/usr/bin/docker rm -f web",
          "",
        ].join("\n"),
      },
    ],
    related: ["none"],
    notes: [
      "- `-d`, `--detach`, `--detach=true`, and `d` inside a short cluster (`-dit`); docker, podman",
      "  and nerdctl, `run` and `container run`.",
      "- upstart: only the job's main process (`script` … `end script` or `exec`). A detached helper",
      "  container started from `pre-start` or `post-start` is not the job's process and may well be",
      "  meant to outlive the hook.",
      "- systemd: only `ExecStart=` (its argv and the `sh -c` script in it) of a service whose type is",
      "  `simple` (also the default), `exec` or `idle`. `Type=oneshot` (with `RemainAfterExit=yes`) is",
      "  the right way to write a unit that only launches a detached container; `Type=forking` expects",
      "  the start command to return; `Type=notify` is what podman's generated units use with",
      "  `-d --sdnotify=conmon`. `RemainAfterExit=yes` on a `simple` service is read as a launcher too.",
      "- Not reported when a later command of the same script keeps the main process attached to the",
      "  container: `docker wait`, `docker attach`, `docker logs -f` or `docker start -a`",
      "  (`ExecStart=/bin/sh -c 'docker run -d --name web …; exec docker wait web'`).",
      "- The fix removes the `-d`/`--detach` word (or the `d` of a cluster: `-dp 80:80` → `-p 80:80`). It is",
      "  not offered when the run also has `-i` and `-t` (`-dit`): attached, `docker run -it` fails",
      "  under an init system with \"the input device is not a TTY\", so `-it` has to go as well — a",
      "  choice left to you. The fix is",
      "  *unsafe*: the container's output now goes to the init system's log, and a script that went",
      "  on after the run now waits for the container.",
    ].join("\n"),
  },
  check(ctx) {
    const host = ctx.host;
    if (host?.language !== "systemd" && host?.language !== "upstart") return;
    const found: Detached[] = [];
    const blockers: ShellCommand[] = [];
    ctx.onCommand(CONTAINER_TOOLS, (cmd) => {
      if (blocksOnContainer(cmd)) blockers.push(cmd);
      const run = parseDockerRun(cmd);
      if (!run || run.invocation.subcommand !== "run" || switchState(run, "-d", "--detach") !== "on") return;
      const main = mainProcess(host, cmd);
      if (main) found.push({ cmd, run, ...main });
    });
    ctx.onEnd(() => {
      for (const { cmd, run, supervisor, consequence } of found) {
        if (blockers.some((b) => b.region.index === cmd.region.index && b.seq > cmd.seq)) continue;
        // Attached, `-it` needs a terminal on stdin, which an init system does not give: without `-d` the run would fail.
        const interactive = switchState(run, "-i", "--interactive") === "on" && switchState(run, "-t", "--tty") === "on";
        const flags = flagValues(run, "-d", "--detach");
        const edits = interactive ? undefined : allOrNothing(flags.map((f) => removeSwitch(ctx.source.text, f, f.flag === "-d" ? "d" : undefined)));
        ctx.report({
          at: runRange(cmd, run),
          message:
            `\`${runLabel(run)} -d\` in ${where(supervisor, cmd.region.label)}: the client exits as soon as the container has started, ${consequence}. ` +
            (interactive
              ? "Run the container in the foreground: drop `-d` and `-i`/`-t` too (attached, `-it` fails without a terminal: \"the input device is not a TTY\")."
              : "Run the container in the foreground: drop `-d`/`--detach`."),
          ...(edits ? { fix: { title: "Remove -d", applicability: "unsafe" as const, edits } } : {}),
        });
      }
    });
  },
});
