/**
 * The CLI in process: `main()` with captured I/O, as the bin runs it, and the C file most CLI
 * tests lint.
 */
import { main, UsageError, type CliIO } from "../../src/cli/main.js";

/** Apple's `goto fail`: one `c/misleading-indentation` error, at 4:3. */
export const GOTO_FAIL = "int f(int err) {\n\tif (err != 0)\n\t\tgoto fail;\n\t\tgoto fail;\n\treturn 0;\nfail:\n\treturn err;\n}\n";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd: string;
  /** What `--stdin` reads (default: nothing). */
  stdin?: string;
  /** The environment (default: empty, so the caller's `CI`, `NO_COLOR`, `GITHUB_ACTIONS` do not leak in). */
  env?: NodeJS.ProcessEnv;
  tty?: boolean;
}

/**
 * Runs `main(args)` with captured output. A UsageError becomes exit 2 and one `deploylint: …`
 * line on stderr, as the bin makes it; any other throw is a bug and fails the test.
 */
export async function cli(args: string[], opts: CliOptions): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    cwd: opts.cwd,
    env: opts.env ?? {},
    isTTY: opts.tty ?? false,
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: async () => opts.stdin ?? "",
  };
  let code: number;
  try {
    code = await main(args, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    stderr += `deploylint: ${e.message}\n`;
    code = 2;
  }
  return { code, stdout, stderr };
}
