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
