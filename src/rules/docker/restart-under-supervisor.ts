import { defineRule } from "../../engine/rule.js";
import { CONTAINER_TOOLS, flagValues, parseDockerRun, restartPolicy } from "../../languages/shell/docker.js";
import { allOrNothing, deleteWords, runLabel, runRange, where } from "./_run-report.js";

/**
 * A `--restart` policy (other than `no`) on a container that a systemd unit or an upstart job
 * starts: the init system and the docker daemon both restart it.
 */

/** Who carries out a restart policy, per tool. */
const ENGINES: Readonly<Record<string, string>> = { docker: "the docker daemon", podman: "podman (conmon and podman-restart.service)", nerdctl: "containerd" };

export default defineRule({
  id: "docker/restart-under-supervisor",
  languages: ["shell"],
  severity: "warning",
  fix: "sometimes",
  tags: ["reliability"],
  precision: "high",
  docs: {
    summary: "`docker run --restart …` inside a systemd unit or an upstart job: two supervisors for one container",
    why: [
      "A restart policy makes the docker daemon a process supervisor: it restarts the container when",
      "it exits and starts it again when the daemon itself starts (at boot). A systemd unit or an",
      "upstart job that runs `docker run` is a supervisor too, and the two do not know about each",
      "other. At boot the daemon brings the old container back before the unit runs, so the unit's",
      "`docker run --name web …` fails on the name conflict (or, unnamed, starts a second copy).",
      "When the container crashes, the daemon restarts it behind the init system's back while the",
      "`docker run` client it was watching has exited, so systemd or upstart restarts *that* too.",
      "`systemctl stop` / `stop web` stops the client, and an `always` policy brings the container",
      "back at the next daemon restart. As the upstart post this tool comes from puts it: let the",
      "init system do everything and configure docker to do no process management (the default,",
      "`--restart=no`).",
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
          "ExecStart=/usr/bin/docker run --rm --name web --restart=always myorg/web:1.4",
          "",
        ].join("\n"),
      },
      {
        file: "web.conf",
        code: ['description "web"', "start on started docker", "respawn", "exec docker run --restart unless-stopped --name web myorg/web:1.4", ""].join(
          "\n",
        ),
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
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run -d --restart unless-stopped --name web myorg/web:1.4\n" },
    ],
    related: ["none"],
    notes: [
      "- Only in systemd units (every `Exec*=` line and the `sh -c` scripts in them) and upstart jobs",
      "  (every `script`/`exec`, main process and hooks): in a plain script or a Makefile the daemon",
      "  is the only supervisor, and a restart policy is how a container is meant to persist.",
      "- `docker run` and `docker create` (a container created with a policy in `ExecStartPre=` and",
      "  started with `docker start -a` in `ExecStart=` has the same two supervisors), for docker,",
      "  podman (whose policy conmon and `podman-restart.service` carry out) and nerdctl.",
      "- The last `--restart` wins, as in docker. A policy that is not written out (`--restart=$POLICY`)",
      "  is not reported.",
      "- The fix deletes every `--restart` flag (with its value and one adjacent blank). It is",
      "  *unsafe*, since it changes who restarts the container; it is offered only when each flag",
      "  and its value stand on one line.",
    ].join("\n"),
  },
  check(ctx) {
    const host = ctx.host?.language;
    if (host !== "systemd" && host !== "upstart") return;
    const supervisor = host;
    ctx.onCommand(CONTAINER_TOOLS, (cmd) => {
      const run = parseDockerRun(cmd);
      const policy = run && restartPolicy(run);
      if (!run || !policy || !policy.words.every((w) => w.static)) return;
      const written = policy.words.map((w) => w.value).join(" ");
      const restarter = supervisor === "systemd" ? "`Restart=` in the unit" : "`respawn` in the job";
      const flags = flagValues(run, "--restart");
      const edits = allOrNothing(flags.map((f) => deleteWords(ctx.source.text, f.words)));
      const unit = supervisor === "systemd" ? "unit" : "job";
      const engine = ENGINES[run.invocation.tool] ?? run.invocation.tool;
      ctx.report({
        at: runRange(cmd, run),
        message:
          `\`${written}\` on a container that a ${supervisor} ${unit} starts (\`${runLabel(run)}\` in ${where(supervisor, cmd.region.label)}): ` +
          `two supervisors for one container — ${engine} restarts it on its own and brings it back at boot before the ${unit} runs, ` +
          `so the ${unit}'s next start conflicts with it or starts a second copy, and stopping the ${unit} does not keep it stopped. ` +
          `Drop \`--restart\` and let ${supervisor} do the restarting (${restarter}).`,
        ...(edits ? { fix: { title: `Remove ${written}`, applicability: "unsafe" as const, edits } } : {}),
      });
    });
  },
});
