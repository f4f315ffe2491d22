/**
 * Knowledge of the docker CLI (and podman's, nerdctl's): which global and `run` flags take a
 * value, so that the container name, the image and the command after the image are found exactly.
 * Pure helpers over ShellCommand, shared by the docker rules.
 */
import type { ShellCommand, ShellWord } from "./commands.js";

export const CONTAINER_TOOLS: readonly string[] = ["docker", "podman", "nerdctl"];

/** Global options (before the subcommand) that take a value. */
const GLOBAL_VALUED = new Set([
  "-H", "--host", "-c", "--context", "--config", "-l", "--log-level", "--tlscacert", "--tlscert", "--tlskey",
  // podman
  "--url", "--connection", "--identity", "--root", "--runroot", "--cgroup-manager", "--storage-driver",
  "--storage-opt", "--events-backend", "--network-cmd-path", "--tmpdir", "--module", "--ssh",
  // nerdctl
  "-n", "--namespace", "-a", "--address", "--snapshotter", "--cni-path", "--data-root", "--host-gateway-ip",
]);

/** `run`/`create` options that take a value (docker 27, podman 5, nerdctl 2). Others are switches. */
const RUN_VALUED = new Set([
  "-a", "--attach", "--add-host", "--annotation", "--blkio-weight", "--blkio-weight-device", "--cap-add",
  "--cap-drop", "--cgroup-parent", "--cgroupns", "--cidfile", "--cpu-period", "--cpu-quota", "--cpu-rt-period",
  "--cpu-rt-runtime", "-c", "--cpu-shares", "--cpus", "--cpuset-cpus", "--cpuset-mems", "--detach-keys", "--device",
  "--device-cgroup-rule", "--device-read-bps", "--device-read-iops", "--device-write-bps", "--device-write-iops",
  "--dns", "--dns-option", "--dns-opt", "--dns-search", "--domainname", "--entrypoint", "-e", "--env", "--env-file",
  "--expose", "--gpus", "--group-add", "--health-cmd", "--health-interval", "--health-retries",
  "--health-start-interval", "--health-start-period", "--health-timeout", "-h", "--hostname", "--ip", "--ip6",
  "--ipc", "--isolation", "--kernel-memory", "-l", "--label", "--label-file", "--link", "--link-local-ip",
  "--log-driver", "--log-opt", "--mac-address", "-m", "--memory", "--memory-reservation", "--memory-swap",
  "--memory-swappiness", "--mount", "--name", "--network", "--net", "--network-alias", "--net-alias",
  "--oom-score-adj", "--pid", "--pids-limit", "--platform", "-p", "--publish", "--pull", "--restart", "--runtime",
  "--security-opt", "--shm-size", "--stop-signal", "--stop-timeout", "--storage-opt", "--sysctl", "--tmpfs",
  "--ulimit", "-u", "--user", "--userns", "--uts", "-v", "--volume", "--volume-driver", "--volumes-from", "-w",
  "--workdir", "--cgroups", "--cgroup-conf", "--chrootdirs", "--conmon-pidfile", "--decryption-key",
  "--env-merge", "--gidmap", "--hostuser", "--image-volume", "--init-path", "--label-file", "--log-opt",
  "--passwd-entry", "--personality", "--pidfile", "--pod", "--pod-id-file", "--preserve-fd", "--requires",
  "--retry", "--retry-delay", "--sdnotify", "--seccomp-policy", "--secret", "--subgidname", "--subuidname",
  "--systemd", "--timeout", "--tz", "--uidmap", "--umask", "--unsetenv", "--variant", "--arch", "--os",
  "--chroot-dirs",
]);

export interface DockerInvocation {
  tool: string;
  /** `run`, `rm`, `stop`… (for `docker container run`, `run`). */
  subcommand: string;
  /** The word(s) naming the subcommand: for `container run`, the `run` word. */
  subcommandWord: ShellWord;
  /** Words after the subcommand. */
  args: ShellWord[];
}

/** `docker [global options] [container] SUBCOMMAND args…`, or undefined if not a container tool call. */
export function dockerInvocation(cmd: ShellCommand): DockerInvocation | undefined {
  if (!CONTAINER_TOOLS.includes(cmd.name)) return undefined;
  const a = cmd.args;
  let i = 0;
  while (i < a.length) {
    const v = (a[i] as ShellWord).value;
    if (!v.startsWith("-") || v === "-") break;
    i += GLOBAL_VALUED.has(v) ? 2 : 1;
  }
  let sub = a[i];
  if (sub && sub.value === "container" && a[i + 1]) {
    i++;
    sub = a[i];
  }
  if (!sub || !sub.static) return undefined;
  return { tool: cmd.name, subcommand: sub.value, subcommandWord: sub, args: a.slice(i + 1) };
}

export interface RunFlag {
  /** The flag as written (`--name`, `-e`, `--name=x` gives `--name`). */
  flag: string;
  value: ShellWord | undefined;
  /** The value's text when it was attached (`--name=x`, `-p80:80`); else the value word's. */
  valueText: string | undefined;
  /** The word(s) of the flag: the flag word, and the value word when separate. */
  words: ShellWord[];
}

export interface DockerRun {
  invocation: DockerInvocation;
  flags: RunFlag[];
  /** The image word (the first operand), if any. */
  image: ShellWord | undefined;
  /** The container's command: operands after the image. */
  command: ShellWord[];
  /** Word after which a flag can be inserted (the `run` word). */
  insertAfter: ShellWord;
}

/** Parses `run`/`create` arguments with knowledge of which flags take a value. */
export function parseDockerRun(cmd: ShellCommand): DockerRun | undefined {
  const inv = dockerInvocation(cmd);
  if (!inv || (inv.subcommand !== "run" && inv.subcommand !== "create")) return undefined;
  const flags: RunFlag[] = [];
  const a = inv.args;
  let i = 0;
  while (i < a.length) {
    const w = a[i] as ShellWord;
    const v = w.value;
    if (v === "--") {
      i++;
      break;
    }
    if (!v.startsWith("-") || v === "-") break;
    if (v.startsWith("--")) {
      const eq = v.indexOf("=");
      if (eq !== -1) {
        flags.push({ flag: v.slice(0, eq), value: w, valueText: v.slice(eq + 1), words: [w] });
        i++;
      } else if (RUN_VALUED.has(v)) {
        const val = a[i + 1];
        flags.push({ flag: v, value: val, valueText: val?.value, words: val ? [w, val] : [w] });
        i += 2;
      } else {
        flags.push({ flag: v, value: undefined, valueText: undefined, words: [w] });
        i++;
      }
      continue;
    }
    // A short cluster: switches, possibly ending in one valued flag (`-dp 80:80`, `-p80:80`, `-eK=V`).
    i++;
    const letters = v.slice(1);
    for (let k = 0; k < letters.length; k++) {
      const f = `-${letters[k] as string}`;
      if (RUN_VALUED.has(f)) {
        const attached = letters.slice(k + 1).replace(/^=/, "");
        if (attached) {
          flags.push({ flag: f, value: w, valueText: attached, words: [w] });
        } else {
          const val = a[i];
          flags.push({ flag: f, value: val, valueText: val?.value, words: val ? [w, val] : [w] });
          i++;
        }
        break;
      }
      flags.push({ flag: f, value: undefined, valueText: undefined, words: [w] });
    }
  }
  const image = a[i];
  return {
    invocation: inv,
    flags,
    image,
    command: a.slice(i + 1),
    insertAfter: inv.subcommandWord,
  };
}

export function hasFlag(run: DockerRun, ...names: string[]): boolean {
  return run.flags.some((f) => names.includes(f.flag));
}

export function flagValues(run: DockerRun, ...names: string[]): RunFlag[] {
  return run.flags.filter((f) => names.includes(f.flag));
}

/** `--restart` policy other than `no` (the last one wins), or undefined. */
export function restartPolicy(run: DockerRun): RunFlag | undefined {
  const last = flagValues(run, "--restart").at(-1);
  if (!last || last.valueText === undefined) return undefined;
  return /^no$/i.test(last.valueText) ? undefined : last;
}

/** The container name given with `--name N` / `--name=N`, as written. */
export function containerName(run: DockerRun): RunFlag | undefined {
  return flagValues(run, "--name").at(-1);
}

/**
 * A name in comparable form: quotes already removed by the word parser; `${X}`, `$(X)` and `$X`
 * unified to `$X` (make's `$(X)` and the shell's `${X}` denote the same value here).
 */
export function normalizeName(name: string): string {
  return name.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_m, a: string, b: string) => `$${a ?? b}`);
}

/** Positional operands of a non-run subcommand (`rm -f a b` → a, b), skipping its flags. */
export function operands(inv: DockerInvocation, valued: ReadonlySet<string> = new Set(["-t", "--time", "-s", "--signal", "--format", "-f", "--filter"])): ShellWord[] {
  const out: ShellWord[] = [];
  const a = inv.args;
  for (let i = 0; i < a.length; i++) {
    const v = (a[i] as ShellWord).value;
    if (v.startsWith("-") && v !== "-") {
      if (!v.includes("=") && valued.has(v) && !(inv.subcommand === "rm" && (v === "-f" || v === "--force"))) i++;
      continue;
    }
    out.push(a[i] as ShellWord);
  }
  return out;
}

/** Whether `rm` is forced (`-f`, `--force`, `-fv`…). */
export function isForced(inv: DockerInvocation): boolean {
  return inv.args.some((w) => w.value === "--force" || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(w.value));
}

/** Options of `rm`/`stop`/`kill` that take a value (docker 27, podman 5, nerdctl 2). */
const REMOVAL_VALUED: ReadonlySet<string> = new Set(["-t", "--time", "-s", "--signal", "--cidfile", "--filter"]);

/** A short option cluster (`-fv`) or long option (`--force`) among the arguments. */
function hasSwitch(inv: DockerInvocation, long: string, letter: string): boolean {
  const cluster = new RegExp(`^-[a-zA-Z]*${letter}[a-zA-Z]*$`);
  return inv.args.some((w) => w.value === long || w.value === `${long}=true` || cluster.test(w.value));
}

/** What `rm`/`stop`/`kill` (also `container rm|remove|stop|kill`) does to the containers it names. */
export interface ContainerRemoval {
  invocation: DockerInvocation;
  action: "rm" | "stop" | "kill";
  /** The container operands, as the command sees them. */
  names: ShellWord[];
  /** `rm -f` / `--force` (also `-fv`…): removes a running container too. */
  forced: boolean;
  /**
   * podman's `--ignore` / `-i` (`rm`, `stop`): a container that does not exist is not an error.
   * Docker and nerdctl have no such option.
   */
  ignoresMissing: boolean;
  /** podman's `--all` / `-a`: every container, whatever its name. */
  all: boolean;
}

/** `docker rm|stop|kill …` (and `container rm|remove|stop|kill`), or undefined. */
export function containerRemoval(cmd: ShellCommand): ContainerRemoval | undefined {
  const inv = dockerInvocation(cmd);
  if (!inv) return undefined;
  const sub = inv.subcommand === "remove" ? "rm" : inv.subcommand;
  if (sub !== "rm" && sub !== "stop" && sub !== "kill") return undefined;
  const podman = inv.tool === "podman";
  return {
    invocation: inv,
    action: sub,
    names: operands(inv, REMOVAL_VALUED),
    forced: sub === "rm" && hasSwitch(inv, "--force", "f"),
    ignoresMissing: podman && sub !== "kill" && hasSwitch(inv, "--ignore", "i"),
    all: podman && hasSwitch(inv, "--all", "a"),
  };
}

/**
 * A container name in comparable form for matching a removal with a run: `normalizeName`, and
 * without the leading `/` that the engine's own names carry (`docker rm -f /web` removes `web`).
 */
export function comparableName(name: string): string {
  return normalizeName(name).replace(/^\/+/, "");
}

/* ---- switches, clusters, env settings (docker/run-missing-rm, restart-/detached-under-supervisor, secret-in-env-flag) */

/**
 * The state of a boolean switch from its last occurrence (`--rm`, `-d`, `--detach=false`), as the
 * docker CLI's flag parser reads it: absent or `=false`/`=0`/`=f` → "off"; bare or `=true`… → "on";
 * a value that expands (`--rm=$X`) → "unknown".
 */
export function switchState(run: DockerRun, ...names: string[]): "on" | "off" | "unknown" {
  const last = flagValues(run, ...names).at(-1);
  if (!last) return "off";
  if (last.valueText === undefined) return "on";
  if (last.value && !last.value.static) return "unknown";
  return /^(0|f|false)$/i.test(last.valueText) ? "off" : "on";
}

/**
 * Where `letter` sits as a switch in a short cluster word (`-dit`: `d` at 1), counting only the
 * letters before the first one that takes a value (in `-ed=1`, `d` is part of `-e`'s value), or
 * undefined. The index is into `word.value`.
 */
export function shortSwitchIndex(word: ShellWord, letter: string): number | undefined {
  const v = word.value;
  if (!v.startsWith("-") || v.startsWith("--")) return undefined;
  for (let k = 1; k < v.length; k++) {
    const ch = v[k] as string;
    if (ch === letter) return k;
    if (RUN_VALUED.has(`-${ch}`)) return undefined;
  }
  return undefined;
}

/**
 * Whether a word may expand to several words, options among them, so that the flags of a
 * `docker run` cannot be known: `"$@"`, `${ARGS[@]}`, `$*`, or an unquoted `$OPTS`/`${DOCKER_ARGS}`
 * whose name says it holds options (OPTS, OPTIONS, ARGS, FLAGS, EXTRA, PARAMS). `hostText` is the
 * text the word's offsets point into (to see whether it was quoted).
 */
export function mayHideOptions(word: ShellWord, hostText: string): boolean {
  if (word.static) return false;
  if (/\$(?:\{)?[@*]|\[[@*]\]\}/.test(word.value)) return true;
  const raw = hostText.slice(word.start, word.end);
  if (raw.startsWith('"') || raw.startsWith("'")) return false;
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(word.value);
  return m !== null && /(^|_)(OPTS?|OPTIONS?|ARGS?|ARGUMENTS|FLAGS|EXTRA|PARAMS?)(_|$)/i.test(m[1] as string);
}

/** `exec` options that take a value (docker 27, podman 5, nerdctl 2). */
const EXEC_VALUED: ReadonlySet<string> = new Set([
  "-e", "--env", "--env-file", "-u", "--user", "-w", "--workdir", "--detach-keys", "--preserve-fds", "--preserve-fd",
]);

/** `service create` / `service update` options that take a value (docker 27). */
const SERVICE_VALUED: ReadonlySet<string> = new Set([
  "--cap-add", "--cap-drop", "--config", "--constraint", "--container-label", "--credential-spec", "--dns",
  "--dns-option", "--dns-search", "--endpoint-mode", "--entrypoint", "-e", "--env", "--env-file",
  "--generic-resource", "--group", "--health-cmd", "--health-interval", "--health-retries",
  "--health-start-interval", "--health-start-period", "--health-timeout", "--host", "--hostname", "--isolation",
  "-l", "--label", "--limit-cpu", "--limit-memory", "--limit-pids", "--log-driver", "--log-opt",
  "--max-concurrent", "--mode", "--mount", "--name", "--network", "--placement-pref", "-p", "--publish",
  "--replicas", "--replicas-max-per-node", "--reserve-cpu", "--reserve-memory", "--restart-condition",
  "--restart-delay", "--restart-max-attempts", "--restart-window", "--rollback-delay",
  "--rollback-failure-action", "--rollback-max-failure-ratio", "--rollback-monitor", "--rollback-order",
  "--rollback-parallelism", "--secret", "--stop-grace-period", "--stop-signal", "--sysctl", "-u", "--user",
  "--ulimit", "--update-delay", "--update-failure-action", "--update-max-failure-ratio", "--update-monitor",
  "--update-order", "--update-parallelism", "-w", "--workdir", "--args", "--image", "--env-add", "--env-rm",
  "--config-add", "--config-rm", "--constraint-add", "--constraint-rm", "--container-label-add",
  "--container-label-rm", "--dns-add", "--dns-rm", "--dns-option-add", "--dns-option-rm", "--dns-search-add",
  "--dns-search-rm", "--generic-resource-add", "--generic-resource-rm", "--group-add", "--group-rm",
  "--host-add", "--host-rm", "--label-add", "--label-rm", "--mount-add", "--mount-rm", "--placement-pref-add",
  "--placement-pref-rm", "--publish-add", "--publish-rm", "--secret-add", "--secret-rm", "--sysctl-add",
  "--sysctl-rm", "--ulimit-add", "--ulimit-rm",
]);

/** `build` options that take a value (docker/buildx 27, podman 5, nerdctl 2). */
const BUILD_VALUED: ReadonlySet<string> = new Set([
  "--add-host", "--allow", "--annotation", "--attest", "--build-arg", "--build-context", "--builder",
  "--cache-from", "--cache-to", "--call", "--cgroup-parent", "--cpu-period", "--cpu-quota", "-c", "--cpu-shares",
  "--cpuset-cpus", "--cpuset-mems", "-f", "--file", "--iidfile", "--isolation", "--label", "-m", "--memory",
  "--memory-swap", "--metadata-file", "--network", "-o", "--output", "--platform", "--progress", "--provenance",
  "--sbom", "--secret", "--shm-size", "--ssh", "-t", "--tag", "--target", "--ulimit", "--build-arg-file",
  "--layers", "--format", "--jobs", "--os", "--arch", "--variant", "--volume", "-v", "--env", "--from",
  "--manifest", "--pull", "--retry", "--retry-delay", "--sign-by", "--timestamp", "--unsetenv", "--userns",
]);

/**
 * The options at the head of `args` (or, when `interspersed`, among all of them: `build` and
 * `service update` accept options after their operand), read as parseDockerRun reads `run`'s:
 * `--flag=value`, `--flag value` for the `valued` ones, short clusters ending in a valued letter.
 */
export function parseOptions(args: readonly ShellWord[], valued: ReadonlySet<string>, interspersed = false): { flags: RunFlag[]; operands: ShellWord[] } {
  const flags: RunFlag[] = [];
  const rest: ShellWord[] = [];
  let i = 0;
  while (i < args.length) {
    const w = args[i] as ShellWord;
    const v = w.value;
    if (v === "--") {
      rest.push(...args.slice(i + 1));
      break;
    }
    if (!v.startsWith("-") || v === "-") {
      if (!interspersed) {
        rest.push(...args.slice(i));
        break;
      }
      rest.push(w);
      i++;
      continue;
    }
    i++;
    if (v.startsWith("--")) {
      const eq = v.indexOf("=");
      if (eq !== -1) flags.push({ flag: v.slice(0, eq), value: w, valueText: v.slice(eq + 1), words: [w] });
      else if (valued.has(v)) {
        const val = args[i];
        flags.push({ flag: v, value: val, valueText: val?.value, words: val ? [w, val] : [w] });
        i++;
      } else flags.push({ flag: v, value: undefined, valueText: undefined, words: [w] });
      continue;
    }
    const letters = v.slice(1);
    for (let k = 0; k < letters.length; k++) {
      const f = `-${letters[k] as string}`;
      if (valued.has(f)) {
        const attached = letters.slice(k + 1).replace(/^=/, "");
        if (attached) flags.push({ flag: f, value: w, valueText: attached, words: [w] });
        else {
          const val = args[i];
          flags.push({ flag: f, value: val, valueText: val?.value, words: val ? [w, val] : [w] });
          i++;
        }
        break;
      }
      flags.push({ flag: f, value: undefined, valueText: undefined, words: [w] });
    }
  }
  return { flags, operands: rest };
}

/** One `-e K=V`-style setting of a container's environment or a build argument. */
export interface EnvSetting {
  /** `env`: `-e`/`--env` of run/create/exec/service create, `--env-add` of service update; `build-arg`: `--build-arg` of build. */
  kind: "env" | "build-arg";
  flag: RunFlag;
  /** The variable's name (the text before the first `=`, or all of it for a pass-through `-e K`). */
  name: string;
  /** The value after `=`; undefined for a pass-through (`-e K`: the value comes from the caller's environment). */
  value: string | undefined;
  /** The subcommand: `run`, `create`, `exec`, `service create`, `service update`, `build`. */
  subcommand: string;
}

const ENV_FLAGS = ["-e", "--env"];

/**
 * The environment settings and build arguments given on a container tool's command line:
 * `run`/`create` (with parseDockerRun's flag knowledge), `exec`, `service create`, `service update`
 * (`--env-add`), and `build` / `image build` / `buildx [--builder B] build` (`--build-arg`). Only the
 * tool's own options count: `-e` after the image or the container is the container command's.
 */
export function envSettings(cmd: ShellCommand): EnvSetting[] {
  const inv = dockerInvocation(cmd);
  if (!inv) return [];
  const pick = (flags: RunFlag[], names: string[], kind: EnvSetting["kind"], subcommand: string): EnvSetting[] =>
    flags
      .filter((f) => names.includes(f.flag) && f.valueText !== undefined)
      .map((f) => {
        const text = f.valueText as string;
        const eq = text.indexOf("=");
        return { kind, flag: f, name: eq === -1 ? text : text.slice(0, eq), value: eq === -1 ? undefined : text.slice(eq + 1), subcommand };
      });
  const sub = inv.subcommand;
  const a = inv.args;
  if (sub === "run" || sub === "create") return pick(parseDockerRun(cmd)?.flags ?? [], ENV_FLAGS, "env", sub);
  if (sub === "exec") return pick(parseOptions(a, EXEC_VALUED).flags, ENV_FLAGS, "env", sub);
  if (sub === "service" && a[0]?.value === "create") return pick(parseOptions(a.slice(1), SERVICE_VALUED).flags, ENV_FLAGS, "env", "service create");
  if (sub === "service" && a[0]?.value === "update") return pick(parseOptions(a.slice(1), SERVICE_VALUED, true).flags, ["--env-add"], "env", "service update");
  let build: ShellWord[] | undefined;
  if (sub === "build") build = a;
  else if (sub === "image" && a[0]?.value === "build") build = a.slice(1);
  else if (sub === "buildx") {
    const head = parseOptions(a, new Set(["--builder"]));
    if (head.operands[0]?.value === "build") build = head.operands.slice(1);
  }
  return build ? pick(parseOptions(build, BUILD_VALUED, true).flags, ["--build-arg"], "build-arg", "build") : [];
}

/* ---- the daemon a call talks to (unit/missing-docker-dependency) */

/**
 * The daemon a docker CLI call names with its global options (before the subcommand), the last
 * one winning: the `-H`/`--host` address (`ssh://deploy@db1`, `tcp://10.0.0.5:2376`,
 * `unix:///var/run/docker.sock`), or `context:NAME` for `-c`/`--context`. Undefined when none is
 * given: the local daemon, unless `DOCKER_HOST`/`DOCKER_CONTEXT` say otherwise.
 */
export function daemonOption(cmd: ShellCommand): string | undefined {
  let found: string | undefined;
  const a = cmd.args;
  for (let i = 0; i < a.length; i++) {
    const v = (a[i] as ShellWord).value;
    if (!v.startsWith("-") || v === "-") break;
    const eq = v.indexOf("=");
    const flag = v.startsWith("--") && eq !== -1 ? v.slice(0, eq) : v;
    const value = v.startsWith("--") && eq !== -1 ? v.slice(eq + 1) : GLOBAL_VALUED.has(v) ? a[++i]?.value : undefined;
    if (value === undefined) continue;
    if (flag === "-H" || flag === "--host") found = value;
    else if (flag === "-c" || flag === "--context") found = `context:${value}`;
  }
  return found;
}

/**
 * Whether a daemon address (as `daemonOption` returns it, or a `DOCKER_HOST` value) is another
 * machine's: not a local socket (`unix://`, `fd://`, `npipe://`), not `localhost`/loopback, not the
 * `default` context. An address with a `$VARIABLE` is not known to be remote.
 */
export function isRemoteDaemon(address: string): boolean {
  if (address.includes("$")) return false;
  if (address.startsWith("context:")) return address !== "context:default";
  if (/^(unix|fd|npipe):/.test(address)) return false;
  const host = /^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/]*)/.exec(address)?.[1] ?? address;
  return !/^(localhost|127(?:\.\d+){3}|\[::1\]|::1)$/.test(host);
}
