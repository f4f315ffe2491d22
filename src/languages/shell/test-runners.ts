/**
 * Which commands run a project's test suite: `npm test`, `go test ./...`, `pytest`,
 * `python manage.py test`, `make check`, `mvn package`, `./gradlew build`, `./run_tests.sh`… Pure
 * knowledge about command lines (an argv of strings, wrappers such as `sudo`/`env` already
 * stripped), shared by rules that ask "does this build run its tests?".
 *
 * Script and target names: a name is a test name when, split on `:`, `-`, `_` and `.`, one of its
 * parts is a test word (`test`, `tests`; `check` too for make targets and `spec` for rake/rails) and
 * every other part is a known qualifier (`unit`, `integration`, `e2e`, `ci`, `all`, `run`, …):
 * `test`, `test:unit`, `test-ci`, `unit_test`, `run-tests` are; `testserver`, `test-server`,
 * `test-data`, `check-format` are not.
 */
import { baseName, parseShellInvocation } from "../dockerfile/shell-invocation.js";

/** What a command does about tests. */
export type TestRun =
  /** It runs a test suite (`runner` names what was recognised, e.g. `npm test`). */
  | { kind: "runs"; runner: string }
  /** It would run the tests but a flag skips them (`mvn -DskipTests package`, `gradle build -x test`). */
  | { kind: "skips"; runner: string; flag: string };

const TEST_WORDS: ReadonlySet<string> = new Set(["test", "tests"]);
const MAKE_TEST_WORDS: ReadonlySet<string> = new Set(["test", "tests", "check"]);
const RUBY_TEST_WORDS: ReadonlySet<string> = new Set(["test", "tests", "spec"]);

/** Parts that may accompany a test word in a script or target name. */
const QUALIFIERS: ReadonlySet<string> = new Set([
  "unit", "units", "integration", "integ", "int", "e2e", "ci", "all", "acceptance", "functional", "func",
  "coverage", "cov", "api", "smoke", "system", "full", "quick", "fast", "local", "docker", "run", "race",
  "verbose", "headless", "suite", "regression", "contract", "component", "py", "js", "ts", "go",
]);

/** Whether `name` (a script, target or task name) names a test suite; see the module comment. */
export function isTestName(name: string, words: ReadonlySet<string> = TEST_WORDS): boolean {
  const lower = name.toLowerCase();
  if (lower === "runtests" || lower === "runtest") return true;
  const parts = lower.split(/[:\-_.]+/).filter((p) => p.length > 0);
  return parts.some((p) => words.has(p)) && parts.every((p) => words.has(p) || QUALIFIERS.has(p));
}

const SCRIPT_EXTENSIONS = /\.(sh|bash|py|rb|pl|js|mjs|ts|ps1)$/;

/**
 * Whether `path` is a test script by its name: `./test.sh`, `scripts/run_tests.sh`, `./bin/test`,
 * `tests/run.sh`. A bare `test` is the shell builtin, so the name must carry a `/` or an extension.
 */
export function isTestScript(path: string): boolean {
  const base = baseName(path);
  const stem = base.replace(SCRIPT_EXTENSIONS, "");
  if (stem === base && !path.includes("/")) return false;
  if (isTestName(stem)) return true;
  const dir = baseName(path.slice(0, Math.max(0, path.length - base.length - 1)));
  return TEST_WORDS.has(dir.toLowerCase()) && /^(run|all|run[-_]?all|main)$/.test(stem);
}

/* ------------------------------------------------------------------ argv helpers */

/**
 * The operands of `args` (words not starting with `-`), skipping the value of each option in
 * `valued` (`-C dir`); every word after `--` is an operand.
 */
function operands(args: readonly string[], valued: ReadonlySet<string> = new Set()): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") return [...out, ...args.slice(i + 1)];
    if (a.startsWith("-") && a.length > 1) {
      if (valued.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The index of the first operand in `args` (skipping options and the values of `valued` ones), or -1. */
function firstOperand(args: readonly string[], valued: ReadonlySet<string> = new Set()): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") return i + 1 < args.length ? i + 1 : -1;
    if ((a.startsWith("-") || a.startsWith("+")) && a.length > 1) {
      if (valued.has(a)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** The rest of the argv after the first operand: `[operand, ...after]`, or undefined. */
function fromFirstOperand(args: readonly string[], valued?: ReadonlySet<string>): string[] | undefined {
  const i = firstOperand(args, valued);
  return i === -1 ? undefined : args.slice(i);
}

/** Flags that make a runner list, describe or compile tests instead of running them. */
const NOT_A_RUN: ReadonlySet<string> = new Set(["--version", "--help", "-h", "--collect-only", "--co", "--listTests", "--list-tests", "--no-run", "--show-only"]);

function notARun(args: readonly string[], extra: readonly string[] = []): boolean {
  return args.some((a) => NOT_A_RUN.has(a) || extra.includes(a));
}

const runs = (runner: string): TestRun => ({ kind: "runs", runner });

/* ------------------------------------------------------------------ runners */

/** Programs that run a test suite by themselves: `pytest`, `rspec`, `ctest`, `jest`… */
const STANDALONE: ReadonlySet<string> = new Set([
  "pytest", "py.test", "tox", "nox", "nosetests", "nose2", "behave", "rspec", "phpunit", "pest", "paratest",
  "ctest", "bats", "jest", "mocha", "ava", "prove", "gotestsum", "ginkgo", "busted", "runtests",
]);

/** Programs whose subcommand `test` runs the suite: `go test`, `cargo test`, `dotnet test`… */
const TEST_SUBCOMMAND: Readonly<Record<string, ReadonlySet<string>>> = {
  go: new Set(["test"]),
  cargo: new Set(["test", "nextest"]),
  dotnet: new Set(["test"]),
  deno: new Set(["test"]),
  swift: new Set(["test"]),
  mix: new Set(["test"]),
  lein: new Set(["test"]),
  cabal: new Set(["test"]),
  stack: new Set(["test"]),
  flutter: new Set(["test"]),
  dart: new Set(["test"]),
  meson: new Set(["test"]),
  hatch: new Set(["test"]),
  "django-admin": new Set(["test"]),
  bazel: new Set(["test", "coverage"]),
  bazelisk: new Set(["test", "coverage"]),
  playwright: new Set(["test"]),
  cypress: new Set(["run"]),
  vitest: new Set(["run"]),
};

/** Per-runner flags that make the subcommand not run the tests: `go test -c` only compiles them. */
const SUBCOMMAND_NOT_A_RUN: Readonly<Record<string, readonly string[]>> = { go: ["-c"], ctest: ["-N"], pytest: ["-V"] };

/** Run wrappers: `npx jest`, `bundle exec rspec`, `poetry run pytest`; value = options taking a value. */
const EXEC_WRAPPERS: Readonly<Record<string, { sub?: string; valued: ReadonlySet<string>; scripts?: boolean }>> = {
  npx: { valued: new Set(["-p", "--package", "-c", "--call"]) },
  bunx: { valued: new Set(["-p", "--package"]) },
  bundle: { sub: "exec", valued: new Set(["--gemfile"]) },
  poetry: { sub: "run", valued: new Set(["-C", "--directory", "-P", "--project"]), scripts: true },
  pipenv: { sub: "run", valued: new Set(), scripts: true },
  pdm: { sub: "run", valued: new Set(["-p", "--project"]), scripts: true },
  uv: {
    sub: "run",
    valued: new Set(["--with", "--with-requirements", "--extra", "--group", "--only-group", "--no-group", "--python", "-p", "--directory", "--project", "--package", "--env-file", "--index", "--index-url"]),
  },
  rye: { sub: "run", valued: new Set(), scripts: true },
  "xvfb-run": { valued: new Set(["-n", "--server-num", "-e", "--error-file", "-f", "--auth-file", "-p", "--xauth-protocol", "-s", "--server-args", "-w", "--wait"]) },
};

const PYTHON = /^(python|pypy)(\d+(\.\d+)*)?$/;
const PYTHON_TEST_MODULES: ReadonlySet<string> = new Set(["pytest", "unittest", "nose", "nose2", "tox", "nox"]);

/** `python [opts] (-m module | script) args`: pytest/unittest modules, `manage.py test`, `setup.py test`, test scripts. */
function python(args: readonly string[], match: Matcher): TestRun | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-c") return undefined;
    if (a === "-m") {
      const mod = args[i + 1];
      if (mod === undefined) return undefined;
      if (PYTHON_TEST_MODULES.has(mod)) return notARun(args.slice(i + 2)) ? undefined : runs(`python -m ${mod}`);
      if (mod === "django") return operands(args.slice(i + 2))[0] === "test" ? runs("python -m django test") : undefined;
      return match([mod, ...args.slice(i + 2)]);
    }
    if (a === "-W" || a === "-X") {
      i++;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) continue;
    return pythonScript(a, args.slice(i + 1));
  }
  return undefined;
}

/** A python script with its arguments: `manage.py test`, `setup.py test`, `runtests.py`. */
function pythonScript(script: string, args: readonly string[]): TestRun | undefined {
  const base = baseName(script);
  const sub = operands(args)[0];
  if ((base === "manage.py" || base === "django-admin.py") && sub === "test") return runs(`${base} test`);
  if (base === "setup.py" && (sub === "test" || sub === "pytest")) return runs(`setup.py ${sub}`);
  return isTestScript(script) ? runs(base) : undefined;
}

/** `coverage run [opts] (-m module | script) args` runs what python would. */
function coverage(args: readonly string[], match: Matcher): TestRun | undefined {
  if (args[0] !== "run") return undefined;
  const rest = args.slice(1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "-m" || !a.startsWith("-")) return python(rest.slice(i), match);
  }
  return undefined;
}

const NPM_VALUED: ReadonlySet<string> = new Set(["--prefix", "-C", "-w", "--workspace", "--filter", "-F", "--dir", "--cwd"]);
const NPM_TEST_ALIASES: ReadonlySet<string> = new Set(["test", "t", "tst", "it", "cit", "install-test", "install-ci-test", "clean-install-test"]);
const NPM_RUN: ReadonlySet<string> = new Set(["run", "run-script", "rum", "urn"]);

/** `npm test`, `npm run test:unit`, `npm exec -- jest`. */
function npm(args: readonly string[], match: Matcher): TestRun | undefined {
  const rest = fromFirstOperand(args, NPM_VALUED);
  const sub = rest?.[0];
  if (!rest || sub === undefined) return undefined;
  if (NPM_TEST_ALIASES.has(sub)) return runs(`npm ${sub}`);
  if (NPM_RUN.has(sub)) {
    const script = operands(rest.slice(1), NPM_VALUED)[0];
    return script !== undefined && isTestName(script) ? runs(`npm run ${script}`) : undefined;
  }
  if (sub === "exec" || sub === "x") {
    const cmd = fromFirstOperand(rest.slice(1), EXEC_WRAPPERS.npx?.valued);
    return cmd ? match(cmd) : undefined;
  }
  return undefined;
}

/**
 * `yarn test`, `yarn test:unit`, `yarn run test`, `yarn jest`; pnpm and bun alike (they run a
 * script, or else a binary, named by the first operand).
 */
function packageManager(tool: string, args: readonly string[], match: Matcher): TestRun | undefined {
  let rest = fromFirstOperand(args, NPM_VALUED);
  if (tool === "yarn" && rest?.[0] === "workspace") rest = fromFirstOperand(rest.slice(2), NPM_VALUED);
  const sub = rest?.[0];
  if (!rest || sub === undefined) return undefined;
  if (sub === "test" || sub === "t" || sub === "tst") return runs(`${tool} test`);
  if (sub === "run" || sub === "exec" || sub === "dlx" || sub === "x") {
    const next = fromFirstOperand(rest.slice(1), NPM_VALUED);
    if (!next) return undefined;
    const script = next[0] as string;
    if (sub === "run" && isTestName(script)) return runs(`${tool} run ${script}`);
    return match(next);
  }
  if (isTestName(sub)) return runs(`${tool} ${sub}`);
  return match(rest);
}

/** `make test`, `make -C app check`, `make build test`; not `make test-data`. */
function make(args: readonly string[]): TestRun | undefined {
  const valued = new Set(["-C", "-f", "--file", "--makefile", "-I", "-o", "-W", "--directory", "--include-dir", "-l"]);
  const target = operands(args, valued).find((t) => !t.includes("=") && isTestName(t, MAKE_TEST_WORDS));
  return target ? runs(`make ${target}`) : undefined;
}

const MAVEN_TEST_PHASES: ReadonlySet<string> = new Set(["test", "integration-test", "package", "verify", "install", "deploy"]);

/** Maven phases from `test` on run the unit tests: `mvn package`, `mvn verify`, unless `-DskipTests`. */
function maven(tool: string, args: readonly string[]): TestRun | undefined {
  const phase = operands(args, new Set(["-f", "--file", "-s", "--settings", "-P", "--activate-profiles", "-pl", "--projects", "-T", "--threads"])).find((p) =>
    MAVEN_TEST_PHASES.has(p),
  );
  if (!phase) return undefined;
  const skip = args.find((a) => /^-D(skipTests|maven\.test\.skip)(=true)?$/.test(a));
  return skip ? { kind: "skips", runner: `${tool} ${phase}`, flag: skip } : runs(`${tool} ${phase}`);
}

/** Gradle `test`, `check`, `build` (which depends on `check`) and `…Test` tasks (`integrationTest`), unless `-x test`/`-x check`. */
function gradle(tool: string, args: readonly string[]): TestRun | undefined {
  const taskName = (t: string): string => t.slice(t.lastIndexOf(":") + 1);
  const excluded: string[] = [];
  const tasks: string[] = [];
  const valued = new Set(["-p", "--project-dir", "-b", "--build-file", "-c", "--settings-file", "-I", "--init-script", "--console"]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "-x" || a === "--exclude-task") excluded.push(taskName(args[++i] ?? ""));
    else if (a.startsWith("--exclude-task=")) excluded.push(taskName(a.slice(15)));
    else if (a.startsWith("-x") && a.length > 2) excluded.push(taskName(a.slice(2)));
    else if (valued.has(a)) i++;
    else if (!a.startsWith("-")) tasks.push(taskName(a));
  }
  const task = tasks.find((t) => t === "test" || t === "check" || t === "build" || /Test$/.test(t));
  if (!task) return undefined;
  const skip = excluded.find((t) => t === "test" || t === "check");
  return skip ? { kind: "skips", runner: `${tool} ${task}`, flag: `-x ${skip}` } : runs(`${tool} ${task}`);
}

/** `rake test`, `rake spec`, `rake test:all`. */
function rake(args: readonly string[]): TestRun | undefined {
  const task = operands(args, new Set(["-f", "--rakefile", "-C", "--directory", "-I", "--libdir", "-r", "--require"])).find((t) =>
    isTestName(t, RUBY_TEST_WORDS),
  );
  return task ? runs(`rake ${task}`) : undefined;
}

/** `sbt test`, `sbt clean test`, `sbt "testOnly x"`. */
function sbt(args: readonly string[]): TestRun | undefined {
  const tokens = args.flatMap((a) => a.split(/[;\s]+/));
  return tokens.some((t) => /^\+?(test|testOnly|testQuick|it:test|Test\/test|IntegrationTest\/test)$/.test(t)) ? runs("sbt test") : undefined;
}

/** Monorepo task runners: `turbo run test`, `nx test app`, `nx run-many -t test`, `lerna run test`. */
function taskRunner(tool: string, args: readonly string[]): TestRun | undefined {
  const targetFlag = args.findIndex((a) => a === "-t" || a === "--target" || a === "--targets");
  const inline = args.find((a) => /^--targets?=/.test(a));
  const flagged = inline ? inline.slice(inline.indexOf("=") + 1) : targetFlag === -1 ? undefined : args[targetFlag + 1];
  if (flagged !== undefined && flagged.split(",").some((t) => isTestName(t))) return runs(`${tool} ${flagged}`);
  const ops = operands(args, new Set(["-t", "--target", "--targets", "--filter", "-p", "--projects", "--scope"]));
  const sub = ops[0];
  if (sub === undefined) return undefined;
  if (sub === "run") {
    const target = ops[1];
    if (target === undefined) return undefined;
    return isTestName(target.slice(target.lastIndexOf(":") + 1)) ? runs(`${tool} run ${target}`) : undefined;
  }
  return tool !== "lerna" && isTestName(sub) ? runs(`${tool} ${sub}`) : undefined;
}

/** Extra test commands from configuration: each a list of words the command line must start with. */
export type ExtraTestCommands = readonly (readonly string[])[];

/** Parses `testCommands` option entries (`"bin/check"`, `"npm run verify"`) into word lists. */
export function parseTestCommands(entries: readonly string[]): ExtraTestCommands {
  return entries.map((e) => e.trim().split(/\s+/).filter((w) => w.length > 0)).filter((w) => w.length > 0);
}

function stripDotSlash(p: string): string {
  return p.startsWith("./") ? p.slice(2) : p;
}

/** Whether the argv starts with the configured words (the first by path, or by base name when it has no `/`). */
function matchesExtra(argv: readonly string[], prefix: readonly string[]): boolean {
  const [head, ...rest] = prefix;
  const program = argv[0];
  if (head === undefined || program === undefined || argv.length < prefix.length) return false;
  const programOk = head.includes("/") ? stripDotSlash(program) === stripDotSlash(head) : baseName(program) === head;
  return programOk && rest.every((w, i) => argv[i + 1] === w);
}

type Matcher = (argv: readonly string[]) => TestRun | undefined;

/**
 * What `argv` (program first; wrappers such as `sudo`, `env`, `timeout` already stripped) does
 * about tests: runs them, would run them but skips them, or neither (undefined). A POSIX shell
 * running a script file (`sh ./run_tests.sh`) is looked through; a `-c` command string is not
 * (the caller parses it as shell).
 */
export function testRun(argv: readonly string[], extra: ExtraTestCommands = [], depth = 0): TestRun | undefined {
  const program = argv[0];
  if (program === undefined || depth > 4) return undefined;
  const match: Matcher = (next) => testRun(next, extra, depth + 1);
  for (const prefix of extra) if (matchesExtra(argv, prefix)) return runs(prefix.join(" "));
  const name = baseName(program);
  const args = argv.slice(1);
  if (STANDALONE.has(name)) return notARun(args, SUBCOMMAND_NOT_A_RUN[name]) ? undefined : runs(name);
  const subs = TEST_SUBCOMMAND[name];
  if (subs) {
    const sub = fromFirstOperand(args)?.[0];
    if (name === "vitest" && (sub === undefined || sub === "run")) return notARun(args) ? undefined : runs("vitest");
    return sub !== undefined && subs.has(sub) && !notARun(args, SUBCOMMAND_NOT_A_RUN[name]) ? runs(`${name} ${sub}`) : undefined;
  }
  if (PYTHON.test(name)) return python(args, match);
  if (name === "manage.py" || name === "setup.py") return pythonScript(program, args);
  const wrapper = EXEC_WRAPPERS[name];
  if (wrapper) {
    let afterSub: readonly string[] | undefined = args;
    if (wrapper.sub !== undefined) {
      const i = firstOperand(args);
      afterSub = i !== -1 && args[i] === wrapper.sub ? args.slice(i + 1) : undefined;
    }
    const cmd = afterSub && fromFirstOperand(afterSub, wrapper.valued);
    if (!cmd) return undefined;
    if (wrapper.scripts && cmd.length >= 1 && !(cmd[0] as string).includes("/") && isTestName(cmd[0] as string)) return runs(`${name} run ${cmd[0]}`);
    return match(cmd);
  }
  switch (name) {
    case "coverage":
      return coverage(args, match);
    case "npm":
      return npm(args, match);
    case "yarn":
    case "pnpm":
    case "bun":
      return packageManager(name, args, match);
    case "make":
    case "gmake":
      return make(args);
    case "mvn":
    case "mvnw":
      return maven(name, args);
    case "gradle":
    case "gradlew":
      return gradle(name, args);
    case "rake":
      return rake(args);
    case "rails": {
      const sub = operands(args)[0];
      return sub !== undefined && isTestName(sub, RUBY_TEST_WORDS) ? runs(`rails ${sub}`) : undefined;
    }
    case "composer": {
      const ops = operands(args, new Set(["-d", "--working-dir"]));
      const script = ops[0] === "run-script" || ops[0] === "run" ? ops[1] : ops[0];
      return script !== undefined && isTestName(script) ? runs(`composer ${script}`) : undefined;
    }
    case "sbt":
      return sbt(args);
    case "turbo":
    case "nx":
    case "lerna":
      return taskRunner(name, args);
    case "zig":
      return args[0] === "build" && operands(args.slice(1)).includes("test") ? runs("zig build test") : undefined;
    case "cmake": {
      const t = args.findIndex((a) => a === "--target" || a === "-t");
      const target = t === -1 ? undefined : args[t + 1];
      return args.includes("--build") && target !== undefined && isTestName(target, MAKE_TEST_WORDS) ? runs(`cmake --build --target ${target}`) : undefined;
    }
  }
  const shell = parseShellInvocation(argv);
  if (shell) {
    if (shell.commandMode || shell.operandIndex === undefined) return undefined;
    return match(argv.slice(shell.operandIndex));
  }
  return program.includes("/") || SCRIPT_EXTENSIONS.test(program) ? (isTestScript(program) ? runs(baseName(program)) : undefined) : undefined;
}

/* ------------------------------------------------------------------ inline `sh -c` strings */

/** One simple command of an inline script, with the operator that follows it (`""` at the end). */
export interface InlineCommand {
  words: string[];
  negated: boolean;
  next: "&&" | "||" | "|" | ";" | "&" | "";
}

/**
 * A rough split of a `sh -c` command string into simple commands: quotes are honoured, `&&`,
 * `||`, `|`, `;`, `&` and newlines separate commands, `(`, `)`, `{`, `}` are dropped and leading
 * `NAME=value` assignments and `!` are removed. Enough to find `npm test` in
 * `bash -c "source venv/bin/activate && pytest"`; not a shell parser.
 */
export function inlineCommands(script: string): InlineCommand[] {
  const out: InlineCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let quote = "";
  const endWord = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (next: InlineCommand["next"]): void => {
    endWord();
    let i = 0;
    let negated = false;
    while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string) || words[i] === "!")) {
      if (words[i] === "!") negated = true;
      i++;
    }
    if (i < words.length) out.push({ words: words.slice(i), negated, next });
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const ch = script[i] as string;
    if (quote !== "") {
      if (ch === quote) quote = "";
      else if (ch === "\\" && quote === '"' && i + 1 < script.length) word = (word ?? "") + script[++i];
      else word = (word ?? "") + ch;
      continue;
    }
    const two = script.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      endCommand(two);
      i++;
    } else if (ch === "|" || ch === ";" || ch === "&" || ch === "\n") {
      endCommand(ch === "\n" ? ";" : (ch as InlineCommand["next"]));
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word = word ?? "";
    } else if (ch === "\\" && i + 1 < script.length) {
      word = (word ?? "") + script[++i];
    } else if (/\s/.test(ch) || ch === "(" || ch === ")" || ((ch === "{" || ch === "}") && word === undefined)) {
      endWord();
    } else if (ch === "#" && word === undefined) {
      while (i + 1 < script.length && script[i + 1] !== "\n") i++;
    } else {
      word = (word ?? "") + ch;
    }
  }
  endCommand("");
  return out;
}
