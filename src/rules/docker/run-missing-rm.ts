import { defineRule, type ShellCommand } from "../../engine/rule.js";
import {
  CONTAINER_TOOLS,
  comparableName,
  containerName,
  containerRemoval,
  flagValues,
  hasFlag,
  mayHideOptions,
  parseDockerRun,
  restartPolicy,
  switchState,
  type DockerRun,
} from "../../languages/shell/docker.js";
import { insertOption, runLabel, runRange, shown } from "./_run-report.js";

/**
 * `docker run` (podman, nerdctl; `container run`) without `--rm` and without a restart policy: the
 * stopped container stays behind. Runs are judged at the end of the file, so that a `docker rm`
 * of the same name anywhere in it (the "first make sure it's dead" guard, a post-stop cleanup, a
 * `docker cp` then `docker rm` recipe) counts as the container's cleanup.
 */

interface Run {
  cmd: ShellCommand;
  run: DockerRun;
}

/** Whether the run's `--rm` or `--restart` cannot be known: an expanding `$OPTS`/`"$@"` where options go. */
function optionsUnknown(run: DockerRun, text: string): boolean {
  return run.image === undefined || mayHideOptions(run.image, text);
}

/** The container can be referred to after it exits (by name, by its cidfile, by the id a `$(…)` captured): removing it automatically may break a later step. */
function referredToLater(cmd: ShellCommand, run: DockerRun): boolean {
  return containerName(run) !== undefined || hasFlag(run, "--cidfile") || cmd.inSubstitution;
}

function message(run: DockerRun, text: string): string {
  const label = runLabel(run);
  const flag = containerName(run);
  const name = flag?.value && flag.words.length === 2 ? shown(text, flag.value) : flag?.valueText;
  if (name !== undefined) {
    const held = `when the container stops (or is OOM-killed, or the host reboots) it stays behind holding the name \`${name}\``;
    if (hasFlag(run, "--replace")) {
      return `\`${label} --replace --name ${name}\` without \`--rm\`: ${held} until the next run replaces it. Add \`--rm\` so that it goes when it exits.`;
    }
    return (
      `\`${label} --name ${name}\` without \`--rm\`: ${held}, and the next \`${label} --name ${name}\` fails with a name conflict. ` +
      `Add \`--rm\`, or remove the old container first (\`${run.invocation.tool} rm -f ${name}\`).`
    );
  }
  const image = run.image ? shown(text, run.image) : "";
  return (
    `\`${label} ${image}\` without \`--rm\`: every run leaves a stopped container behind, and they pile up until someone prunes them. ` +
    "Add `--rm` (or a `--restart` policy if the container is meant to persist)."
  );
}

export default defineRule({
  id: "docker/run-missing-rm",
  languages: ["shell"],
  severity: "warning",
  fix: "always",
  tags: ["reliability", "maintainability"],
  precision: "high",
  docs: {
    summary: "`docker run` without `--rm` (or a restart policy) leaves a stopped container behind",
    why: [
      "A container that exits is not deleted: it stays on the host, stopped, with its writable layer,",
      "its logs and its name, until someone runs `docker rm`. A one-off task such as",
      "`docker run myorg/web:1.4 migrate`, run by every deploy, adds one more dead container each time;",
      "on a busy CI runner or a small VPS they fill the disk. A *named* container is worse: the second",
      "`docker run --name web …` fails with `Conflict. The container name \"/web\" is already in use`.",
      "Under upstart or systemd that second run is the service's next start — after a `stop`, an",
      "OOM kill or a power cycle — and the service does not come back until someone removes the",
      "old container by hand.",
      "",
      "`--rm` makes the daemon delete the container when it exits. A container that is meant to",
      "persist says so with a `--restart` policy (`always`, `unless-stopped`, `on-failure`), and this",
      "rule leaves it alone.",
    ].join("\n"),
    bad: [
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run -e DATABASE_URL myorg/web:1.4 manage.py migrate\n" },
      { file: "Makefile", code: "dev:\n\tdocker run --name web-dev -p 8000:8000 myorg/web:1.4\n" },
      {
        file: "redis.conf",
        code: [
          'description "redis container"',
          "start on started docker",
          "respawn",
          "script",
          "    exec /usr/bin/docker run \\",
          "        --name=redis_server \\",
          "        redis:7",
          "end script",
          "",
        ].join("\n"),
      },
    ],
    good: [
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run --rm -e DATABASE_URL myorg/web:1.4 manage.py migrate\n" },
      { file: "deploy.sh", code: "#!/bin/sh\ndocker run -d --restart unless-stopped --name web myorg/web:1.4\n" },
      {
        file: "redis.conf",
        code: [
          'description "redis container"',
          "start on started docker",
          "respawn",
          "script",
          "    /usr/bin/docker rm -f redis_server || true",
          "    exec /usr/bin/docker run --name=redis_server redis:7",
          "end script",
          "",
        ].join("\n"),
      },
    ],
    related: ["none (hadolint and ShellCheck have no such check)"],
    notes: [
      "- Counts `docker`, `podman` and `nerdctl`, `run` and `container run`, behind `sudo`, `exec`,",
      "  `env` and other wrappers and absolute paths. `docker create` is not reported: a created",
      "  container is meant to persist until it is started and removed. `docker-compose run` is not",
      "  the docker CLI and is not reported.",
      "- Silent when the run has a `--restart` policy other than `no` (docker refuses `--rm` with",
      "  one), when `--rm`'s value is not known (`--rm=$X`), and when an expanding word such as",
      "  `$OPTS`, `$DOCKER_ARGS` or `\"$@\"` stands where the options go: the blog's",
      "  `docker run $OPTS $EXTRA $IMAGE:$TAG` takes `--rm` from `/etc/default/$APP`.",
      "- `--rm` after the image is an argument of the container's command, not docker's flag: still",
      "  reported. podman's `--replace` removes the *previous* container of that name, not this one",
      "  when it exits: still reported.",
      "- A named container is not reported when the same file removes that name with `docker rm`",
      "  (before the run, as the \"first make sure it's dead\" guard, or after it, as in",
      "  `docker run --name build …; docker cp build:/out .; docker rm build`): the file manages",
      "  the container's lifetime itself. Names are compared as written (`$APP` and `${APP}` match).",
      "- The fix inserts ` --rm` after `run` (after the last `--rm=false`, which it then overrides;",
      "  as `, \"--rm\"` in a Dockerfile's JSON exec form). It is *safe* when nothing can refer to the container",
      "  once it has exited; when it has a `--name`, a `--cidfile`, or its id is captured by `$(…)`,",
      "  a later `docker start`, `docker logs` or `docker cp` may need the stopped container, so the",
      "  fix is *unsafe* there.",
    ].join("\n"),
  },
  check(ctx) {
    const runs: Run[] = [];
    const removed = new Set<string>();
    ctx.onCommand(CONTAINER_TOOLS, (cmd) => {
      const run = parseDockerRun(cmd);
      if (run) {
        if (run.invocation.subcommand === "run") runs.push({ cmd, run });
        return;
      }
      const removal = containerRemoval(cmd);
      if (removal?.action === "rm") for (const n of removal.names) removed.add(comparableName(n.value));
    });
    ctx.onEnd(() => {
      const text = ctx.source.text;
      for (const { cmd, run } of runs) {
        if (optionsUnknown(run, text) || switchState(run, "--rm") !== "off" || restartPolicy(run)) continue;
        const name = containerName(run);
        if (name?.valueText !== undefined && removed.has(comparableName(name.valueText))) continue;
        ctx.report({
          at: runRange(cmd, run),
          message: message(run, text),
          fix: {
            title: "Add --rm",
            applicability: referredToLater(cmd, run) ? "unsafe" : "safe",
            // After the last `--rm=false` if there is one (the last occurrence wins), else after `run`.
            edits: [insertOption(cmd, flagValues(run, "--rm").at(-1)?.words.at(-1) ?? run.insertAfter, "--rm")],
          },
        });
      }
    });
  },
});
