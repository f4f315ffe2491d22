import { normalizeDisplayPath } from "../../engine/project.js";
import { defineRule, type RuleContext, type ShellCommand } from "../../engine/rule.js";
import type { ShellWord } from "../../languages/shell/commands.js";

/**
 * A container entrypoint script whose last foreground command starts the long-running program
 * without `exec`: the shell stays PID 1 and the program never sees `docker stop`'s SIGTERM.
 *
 * Which commands are "last" is the shell model's tail position (`ShellCommand.tail`): the last
 * top-level statement, through `if`/`case`/`{ …; }` the last statement of each branch, and every
 * command of a list or pipeline there. Within one tail statement the rightmost long-running
 * program is the main process (`python manage.py migrate && gunicorn …` → gunicorn).
 */

type Options = { programs: string[] };

/** Programs that run until stopped, whatever their arguments (except `--version`/`--help`). */
const SERVERS: ReadonlySet<string> = new Set([
  "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress-serve", "puma", "unicorn", "unicorn_rails", "thin",
  "passenger", "sidekiq", "celery", "supervisord", "httpd", "apache2", "apache2-foreground", "redis-server",
  "postgres", "mysqld", "mysqld_safe", "mariadbd", "mongod", "memcached", "haproxy", "traefik", "caddy", "envoy",
  "php-fpm", "nginx", "java", "node", "nodejs", "ruby", "python", "pypy", "pypy3", "dotnet", "rails", "npm",
  "pnpm", "yarn",
]);

/** Options after which a program only reports or tests, and exits (an interpreter's: before its script). */
const ONE_SHOT_FLAGS: Readonly<Record<string, readonly string[]>> = {
  nginx: ["-s", "-t", "-T", "-v", "-V", "-h", "-?"],
  httpd: ["-t", "-v", "-V", "-k", "-S", "-M", "-l", "-L"],
  apache2: ["-t", "-v", "-V", "-k", "-S", "-M", "-l", "-L"],
  "php-fpm": ["-t", "-tt", "-v", "-i", "-m"],
  java: ["-version", "-showversion"],
  node: ["-e", "--eval", "-p", "--print", "-c", "--check", "-v"],
  nodejs: ["-e", "--eval", "-p", "--print", "-c", "--check", "-v"],
  ruby: ["-e", "-c", "-v", "-y"],
  python: ["-c", "-V"],
  pypy: ["-c", "-V"],
  pypy3: ["-c", "-V"],
  mysqld: ["--initialize", "--initialize-insecure"],
  postgres: ["-C", "--describe-config"],
  caddy: ["version", "validate", "fmt", "adapt", "hash-password", "list-modules"],
};

/** Programs that run a script, module or jar named in their arguments. */
const INTERPRETERS: ReadonlySet<string> = new Set(["python", "pypy", "pypy3", "node", "nodejs", "ruby", "java"]);

/** Wrappers that exec the program given after a user argument, or after their options (and `--`). */
const USER_WRAPPERS: ReadonlySet<string> = new Set(["gosu", "su-exec", "s6-setuidgid"]);
/** Init wrappers and their options that take a value. */
const INIT_WRAPPERS: Readonly<Record<string, ReadonlySet<string>>> = {
  tini: new Set(["-p", "-e"]),
  "dumb-init": new Set(["-r", "--rewrite"]),
  catatonit: new Set(),
};
/** `bundle exec X`, `poetry run X`, `pipenv run X`: the tool runs X as its child and waits (still a long-running foreground process). */
const RUNNERS: Readonly<Record<string, string>> = { bundle: "exec", poetry: "run", pipenv: "run" };

/** `"$@"`, `$@`, `"${@}"`, `$*`: the script runs its own arguments (the image's CMD) as a command. */
function isAllArgs(word: ShellWord): boolean {
  return /^\$(?:[@*]|\{[@*]\})$/.test(word.value);
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** `python3.12` → `python`, `php-fpm8.2` → `php-fpm`. */
function baseProgram(name: string): string {
  return name.replace(/^(python|pypy|php-fpm|ruby|node)[\d.]+$/, "$1");
}

/** The program a command finally runs and its arguments, through gosu/su-exec/tini/bundle exec. */
function effective(cmd: ShellCommand): ShellWord[] {
  let words = [cmd.program, ...cmd.args];
  for (;;) {
    const name = basename(words[0]?.value ?? "");
    let i = 1;
    if (USER_WRAPPERS.has(name)) {
      i = 2;
    } else if (INIT_WRAPPERS[name] !== undefined) {
      const valued = INIT_WRAPPERS[name];
      while (i < words.length && (words[i] as ShellWord).value.startsWith("-")) {
        const option = (words[i++] as ShellWord).value;
        if (option === "--") break;
        if (valued.has(option)) i++;
      }
    } else if (RUNNERS[name] !== undefined && words[1]?.value === RUNNERS[name]) {
      i = 2;
    } else {
      return words;
    }
    if (i >= words.length) return words;
    words = words.slice(i);
  }
}

/** Whether the command starts a process that runs until stopped (the container's main process). */
function startsService(words: readonly ShellWord[], extra: ReadonlySet<string>): boolean {
  const [program, ...args] = words;
  if (!program) return false;
  if (isAllArgs(program)) return true;
  const name = baseProgram(basename(program.value));
  if (extra.has(name)) return true;
  if (!SERVERS.has(name)) return false;
  const values = args.map((a) => a.value);
  if (values[0] === "-h" || values.some((v) => v === "--version" || v === "--help")) return false;
  const oneShot = ONE_SHOT_FLAGS[name] ?? [];
  // `python app.py -c app.yml`: after the script, options are the program's own.
  const script = INTERPRETERS.has(name) ? values.findIndex((v) => !v.startsWith("-")) : -1;
  const own = script === -1 ? values : values.slice(0, script);
  if (own.some((v) => oneShot.includes(v) || oneShot.some((f) => f.startsWith("--") && v.startsWith(`${f}=`)))) return false;
  const first = values[0];
  switch (name) {
    case "rails":
      return first === "server" || first === "s";
    case "npm":
    case "pnpm":
    case "yarn":
      return first === "start" || ((first === "run" || first === "run-script") && values[1] === "start");
    case "dotnet":
      return first !== undefined && first.endsWith(".dll");
    default:
      // An interpreter alone is a REPL; with a script, module or jar it runs that program.
      return !INTERPRETERS.has(name) || args.length > 0;
  }
}

/** `trap … TERM` (or INT, QUIT, EXIT): the script handles the stop signal itself. */
function trapsStop(cmd: ShellCommand): boolean {
  if (cmd.name !== "trap" || cmd.args.length < 2 || cmd.args[0]?.value === "-") return false;
  return cmd.args.slice(1).some((a) => /^(?:SIG)?(?:TERM|INT|QUIT|EXIT)$|^(?:0|2|3|15)$/i.test(a.value));
}

/** `*entrypoint*`, `start*.sh`, `run.sh`: the names container entrypoint scripts go by. */
function entrypointName(path: string): boolean {
  const name = basename(path).toLowerCase();
  return name.includes("entrypoint") || /^start.*\.sh$/.test(name) || name === "run.sh";
}

/** Where `exec ` goes: before the first word after `VAR=value` assignments; undefined when it cannot go anywhere safe. */
function execInsertion(ctx: RuleContext<Options>, cmd: ShellCommand): number | undefined {
  if (!cmd.tail?.alone || cmd.wrappers.includes("time") || cmd.wrappers.includes("command")) return undefined;
  const assigned = /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(ctx.source.text.slice(cmd.start, cmd.start + 256));
  if (!assigned) return cmd.start;
  return cmd.wrappers.length === 0 ? cmd.program.start : undefined;
}

function programLabel(cmd: ShellCommand, words: readonly ShellWord[]): string {
  const program = words[0];
  if (program && isAllArgs(program)) return `\`${program.value}\` (the container's CMD)`;
  return `\`${basename(program?.value ?? cmd.name)}\``;
}

export default defineRule<Options>({
  id: "shell/entrypoint-without-exec",
  languages: ["shell"],
  severity: "warning",
  fix: "sometimes",
  tags: ["reliability", "containers"],
  precision: "high",
  options: {
    programs: {
      type: "string[]",
      default: [],
      description: "More program names that run the container's long-lived main process (e.g. `myserver`).",
    },
  },
  docs: {
    summary: "An entrypoint script starts its server as a child instead of `exec`ing it, so `docker stop` never reaches the server",
    why: [
      "In a container, the entrypoint is PID 1, and `docker stop` (like Kubernetes, ECS or systemd",
      "stopping a container) sends SIGTERM to PID 1 only. When the entrypoint is a shell script that",
      "ends with `gunicorn app:wsgi` instead of `exec gunicorn app:wsgi`, PID 1 is the shell and",
      "gunicorn is its child. The shell does not forward the signal, and as PID 1 it has no default",
      "handler for SIGTERM, so nothing happens: gunicorn keeps serving, Docker waits its 10-second",
      "timeout and then SIGKILLs everything. Requests in flight are cut off, workers never finish their",
      "jobs or release their locks, connection pools are not closed, and every deploy or scale-down",
      "takes ten seconds longer than it should. A script that ends with `\"$@\"` has the same",
      "problem for whatever the image's CMD is.",
      "",
      "`exec` replaces the shell with the program, which then is PID 1 and receives the signal",
      "directly (the [Docker documentation](https://docs.docker.com/reference/dockerfile/#entrypoint)",
      "and the official images' `docker-entrypoint.sh` scripts all end with `exec \"$@\"`).",
    ].join("\n"),
    bad: [
      {
        file: "docker-entrypoint.sh",
        code: '#!/bin/sh\nset -e\npython manage.py migrate --noinput\ngunicorn myapp.wsgi -b 0.0.0.0:8000\n',
      },
      { file: "entrypoint.sh", code: '#!/bin/sh\nchown -R app /data\ngosu app "$@"\n' },
    ],
    good: [
      {
        file: "docker-entrypoint.sh",
        code: '#!/bin/sh\nset -e\npython manage.py migrate --noinput\nexec gunicorn myapp.wsgi -b 0.0.0.0:8000\n',
      },
      { file: "entrypoint.sh", code: '#!/bin/sh\nchown -R app /data\nexec gosu app "$@"\n' },
      {
        file: "start.sh",
        code: [
          "#!/bin/bash",
          "trap 'kill -TERM \"$child\"' TERM INT",
          "node server.js &",
          "child=$!",
          'wait "$child"',
          "",
        ].join("\n"),
      },
    ],
    related: ["none (hadolint and ShellCheck do not look at how an entrypoint starts its program)"],
    notes: [
      "- **Which files.** Shell scripts that a scanned Dockerfile runs as its ENTRYPOINT/CMD (found",
      "  through `COPY`/`ADD`, e.g. `ADD docker-run.sh /run.sh` + `ENTRYPOINT [\"/run.sh\"]`, relative",
      "  to the Dockerfile's directory), and scripts named `*entrypoint*`, `start*.sh` or `run.sh`.",
      "  Not Dockerfile `RUN` lines, upstart jobs, unit files or Makefiles.",
      "- **Which command.** The commands that can end the script: its last top-level statement and,",
      "  through `if`/`elif`/`else`, `case` and `{ …; }`, the last statement of each branch (the",
      "  conditions of an `if` without `else` are not considered). In a list or pipeline",
      "  (`migrate && gunicorn`, `gunicorn | tee log`) the rightmost long-running program is reported.",
      "  Loops (`while true; do app; done` is a restart loop, a different problem), subshells,",
      "  functions and command substitutions are not followed: `main \"$@\"` calling a function that",
      "  runs the server is not seen.",
      "- **Long-running programs.** Application servers and daemons (`gunicorn`, `uvicorn`, `puma`,",
      "  `celery`, `supervisord`, `nginx`, `httpd`, `php-fpm`, `redis-server`, `postgres`, `mysqld`,",
      "  …), interpreters running a script (`python app.py`, `node server.js`, `java -jar`, `ruby`),",
      "  `dotnet X.dll`, `rails server`, `npm start`/`yarn start`, and `\"$@\"`; seen through `gosu`,",
      "  `su-exec`, `tini`, `dumb-init` and `bundle exec`. One-shot invocations (`nginx -t`,",
      "  `python -c`, `--version`) are not reported. Add your own with the `programs` option.",
      "  (`exec npm start` still leaves npm between the signal and node: `exec node server.js` is better.)",
      "- **Fine:** `exec …` (also `exec gosu app …`, `exec tini -- …`), a background command, and a",
      "  script that `trap`s TERM/INT/QUIT/EXIT and `wait`s (it forwards the signal itself).",
      "- **Fix** (unsafe): prefix the command with `exec `, after any `VAR=value` assignments. Unsafe",
      "  because code after it no longer runs and the shell's EXIT trap is lost. Offered only for a",
      "  command that is its whole statement: not in a pipeline or `&&`/`||` list (where `exec` would",
      "  change what runs), and not after `time` or `command`.",
    ].join("\n"),
  },
  check(ctx) {
    if (ctx.host?.language !== "shell") return;
    const referenced = ctx.project.entrypoints.has(normalizeDisplayPath(ctx.path));
    if (!referenced && !entrypointName(ctx.path)) return;
    const extra = new Set(ctx.options.programs);
    const tails: ShellCommand[] = [];
    let traps = false;
    let waits = false;
    // Every command: only entrypoint scripts get here, and the long-running set is open-ended
    // (`python3.12`, `php-fpm8.2`, `"$@"`, the `programs` option).
    ctx.onCommand([], (cmd) => {
      if (cmd.region.origin !== "file") return;
      if (trapsStop(cmd)) traps = true;
      if (cmd.name === "wait") waits = true;
      if (cmd.tail && !cmd.background && !cmd.inFunction && !cmd.inSubstitution) tails.push(cmd);
    });
    ctx.onEnd(() => {
      if (traps && waits) return;
      const byStatement = new Map<string, ShellCommand>();
      for (const cmd of tails) {
        if (!cmd.tail || !startsService(effective(cmd), extra)) continue;
        byStatement.set(`${cmd.tail.start}:${cmd.tail.end}`, cmd);
      }
      for (const cmd of byStatement.values()) {
        if (cmd.exec) continue;
        const what = programLabel(cmd, effective(cmd));
        const where = referenced ? "a Dockerfile's ENTRYPOINT/CMD" : "a container entrypoint, by its name";
        const advice = cmd.tail?.alone
          ? `Start it with \`exec\` so that it replaces the shell and receives the signal itself.`
          : "`exec` cannot replace the shell from inside a pipeline or `&&`/`||` list: make `exec …` the script's last command on its own (and let Docker collect the output instead of piping it).";
        const at = execInsertion(ctx, cmd);
        ctx.report({
          at: { start: cmd.start, end: cmd.end },
          message:
            `${what} runs as a child of this script (${where}), so the shell stays PID 1: \`docker stop\` sends SIGTERM ` +
            `to the shell, which does not pass it on, and ${what} is SIGKILLed after the 10-second stop timeout ` +
            `without a graceful shutdown. ${advice}`,
          ...(at === undefined
            ? {}
            : { fix: { title: "Run it with `exec`", applicability: "unsafe" as const, edits: [{ start: at, end: at, text: "exec " }] } }),
        });
      }
    });
  },
});
