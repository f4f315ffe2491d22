/**
 * Recognises an argv that starts a POSIX shell — `sh -c SCRIPT`, `/bin/bash -ec SCRIPT`,
 * `/usr/bin/env bash -c SCRIPT`, `busybox sh -c SCRIPT`, `bash /run.sh` — and reads what the shell's
 * options promise (errexit). Used for systemd `Exec*=` lines, Dockerfile exec-form `RUN` and
 * `SHELL`, and entrypoint discovery.
 *
 * Option parsing follows POSIX sh(1) (`sh -c [-abCefhimnuvx] [-o option]... command_string
 * [command_name [argument...]]`) plus bash's long options: option words start with `-` or `+`,
 * letters may be combined (`-ec`, `-euxo pipefail`), `o`/`O` take the next word, `--` ends the
 * options; the first operand after the options is the command string when `c` was given, or the
 * script file otherwise.
 */

/** Shells that read POSIX shell syntax (tree-sitter-bash can parse what they run). */
const POSIX_SHELLS: ReadonlySet<string> = new Set(["sh", "bash", "dash", "ash", "ksh", "mksh", "zsh", "posh", "yash"]);

/** bash long options that take an argument (`--rcfile FILE`). */
const LONG_OPTIONS_WITH_ARGUMENT: ReadonlySet<string> = new Set(["--rcfile", "--init-file"]);

export interface ShellInvocation {
  /** Index in argv of the shell itself (after `env …` or `busybox`). */
  shellIndex: number;
  /** The shell's base name: `bash`, `sh`. */
  shell: string;
  /** `-e`, `-o errexit` → true; `+e`, `+o errexit` → false; not mentioned → undefined. */
  errexit: boolean | undefined;
  /** Index of the command string (the operand of `-c`), when `-c` was given and the operand exists. */
  commandIndex: number | undefined;
  /** Whether `-c` was given (the command string may still be missing from argv). */
  commandMode: boolean;
  /** Index of the first operand: the command string with `-c`, else the script file; undefined if none. */
  operandIndex: number | undefined;
}

export function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}

export function isPosixShell(program: string): boolean {
  return POSIX_SHELLS.has(baseName(program));
}

/** Index of the real program after an `env [-i] [-u NAME] [NAME=VALUE]...` prefix (or 0). */
function skipEnv(argv: readonly string[]): number {
  if (argv.length === 0 || baseName(argv[0] as string) !== "env") return 0;
  let i = 1;
  while (i < argv.length) {
    const w = argv[i] as string;
    if (w === "-u" || w === "--unset" || w === "-C" || w === "--chdir") i += 2;
    else if (w === "--") return i + 1;
    else if (w.startsWith("-") || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) i++;
    else return i;
  }
  return i;
}

/** The shell invocation `argv` performs, or undefined when argv does not start a POSIX shell. */
export function parseShellInvocation(argv: readonly string[]): ShellInvocation | undefined {
  let shellIndex = skipEnv(argv);
  const program = argv[shellIndex];
  if (program === undefined) return undefined;
  let shell = baseName(program);
  if (shell === "busybox" && argv[shellIndex + 1] !== undefined && isPosixShell(argv[shellIndex + 1] as string)) {
    shellIndex++;
    shell = baseName(argv[shellIndex] as string);
  }
  if (!POSIX_SHELLS.has(shell)) return undefined;

  let errexit: boolean | undefined;
  let commandMode = false;
  let i = shellIndex + 1;
  while (i < argv.length) {
    const w = argv[i] as string;
    if (w === "--" || w === "-") {
      i++;
      break;
    }
    if (w.startsWith("--")) {
      i += LONG_OPTIONS_WITH_ARGUMENT.has(w) ? 2 : 1;
      continue;
    }
    if (!(w.startsWith("-") || w.startsWith("+")) || w.length < 2) break;
    const on = w.startsWith("-");
    let consumed = 1;
    for (const letter of w.slice(1)) {
      if (letter === "c" && on) commandMode = true;
      else if (letter === "e") errexit = on;
      else if (letter === "o" || letter === "O") {
        const name = argv[i + consumed];
        if (letter === "o" && name === "errexit") errexit = on;
        consumed++;
      }
    }
    i += consumed;
  }
  const operandIndex = i < argv.length ? i : undefined;
  return {
    shellIndex,
    shell,
    errexit,
    commandMode,
    commandIndex: commandMode ? operandIndex : undefined,
    operandIndex,
  };
}
