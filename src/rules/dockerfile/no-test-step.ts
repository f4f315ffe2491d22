import { defineRule, type ShellCommand } from "../../engine/rule.js";
import {
  copySources,
  shellsInEffect,
  stagePrerequisites,
  stageScope,
  type DInstruction,
  type DockerfileDoc,
} from "../../languages/dockerfile/index.js";
import { parseShellInvocation } from "../../languages/dockerfile/shell-invocation.js";
import { unwrap } from "../../languages/shell/commands.js";
import {
  inlineCommands,
  parseTestCommands,
  testRun,
  type ExtraTestCommands,
  type InlineCommand,
  type TestRun,
} from "../../languages/shell/test-runners.js";

/**
 * A Dockerfile that copies the application source in and never runs its tests during the build.
 *
 * Which stages count: those `docker build` (BuildKit) actually builds for the final image, i.e. the
 * last stage and every stage it depends on (`FROM <stage>`, `COPY --from=<stage>`,
 * `RUN --mount=…,from=<stage>`), transitively — `stagePrerequisites` of the Dockerfile adapter.
 * Both the source copy and the test step must be in one of those stages.
 */

type Options = { testCommands: string[] };

/* ------------------------------------------------------------------ application source */

/** Extensions of source code (not of configuration, data, archives or shell glue). */
const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set([
  "py", "pyx", "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue", "svelte", "go", "rs", "java", "kt", "kts",
  "scala", "groovy", "clj", "cljs", "rb", "php", "cs", "fs", "vb", "c", "cc", "cpp", "cxx", "h", "hh", "hpp", "m", "mm",
  "swift", "ex", "exs", "erl", "hrl", "hs", "ml", "pl", "pm", "lua", "dart", "r", "jl", "elm", "cr", "nim", "zig",
]);

/** Directory names that, without an extension or trailing `/`, are taken as source trees: `COPY src /app/src`. */
const SOURCE_DIRS: ReadonlySet<string> = new Set(["src", "app", "lib", "cmd", "pkg", "internal", "source", "sources", "test", "tests", "spec"]);

/** Directories that hold build output, dependencies, configuration or static content, not source. */
const NON_SOURCE_DIRS: ReadonlySet<string> = new Set([
  "dist", "build", "out", "target", "bin", "release", "releases", "artifacts", "wheelhouse", "wheels", "vendor",
  "node_modules", "venv", ".venv", "conf", "config", "configs", "etc", "certs", "ssl", "secrets", "docker", "deploy",
  "public", "static", "html", "www", "site", "assets",
]);

/** Dependency manifests and lock files: a glob that matches one of these copies manifests (`Gemfile*`, `package*`). */
const MANIFESTS: readonly string[] = [
  "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "requirements.txt",
  "requirements-dev.txt", "Pipfile", "Pipfile.lock", "pyproject.toml", "poetry.lock", "uv.lock", "setup.cfg", "go.mod", "go.sum",
  "Cargo.toml", "Cargo.lock", "Gemfile", "Gemfile.lock", "composer.json", "composer.lock", "pom.xml", "build.gradle",
  "settings.gradle", "gradle.properties", "mix.exs", "mix.lock",
];

function globRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

/**
 * Whether a COPY/ADD source brings application source in: the whole context (`.`, `./`), a glob
 * that is not a manifest pattern (`*`, `*.py`, `src*`), a file with a source-code extension
 * (`manage.py`, `main.go`), a directory written with a trailing `/` (`src/`, `app/`) unless it is
 * named like build output, dependencies, configuration or static content (`dist/`, `config/`), or
 * a conventional source directory (`src`, `app`, `lib`, `cmd`, `pkg`, …). Not: remote URLs, heredoc
 * sources, manifests and lock files (`requirements.txt`, `package*.json`, `go.mod`), other files
 * (`docker-run.sh`, `nginx.conf`, `app.tar.gz`) and other directories (`wheelhouse`).
 */
export function isApplicationSource(source: string): boolean {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(source) || source.startsWith("git@") || source.startsWith("<<")) return false;
  const trailingSlash = /\/$/.test(source);
  const path = source.replace(/^(\.\/)+/, "").replace(/^\/+/, "").replace(/\/+$/, "");
  if (path === "" || path === ".") return true;
  const parts = path.split("/");
  const base = parts[parts.length - 1] as string;
  const ext = /^.+\.([A-Za-z0-9]+)$/.exec(base)?.[1];
  if (ext !== undefined) return SOURCE_EXTENSIONS.has(ext.toLowerCase());
  if (/[*?[]/.test(base)) {
    if (/^[*?.]+$/.test(base)) return true;
    const re = globRegExp(base);
    return !MANIFESTS.some((m) => re.test(m));
  }
  if (trailingSlash) return !NON_SOURCE_DIRS.has(base.toLowerCase());
  return SOURCE_DIRS.has((parts[0] as string).toLowerCase()) || SOURCE_DIRS.has(base.toLowerCase());
}

/* ------------------------------------------------------------------ stages */

/** Scopes of the stages the default build runs: the last stage and the stages it depends on. */
function builtScopes(doc: DockerfileDoc): Set<string> {
  const last = doc.stages.length - 1;
  return new Set([stageScope(last), ...(stagePrerequisites(doc).get(last)?.() ?? [])]);
}

/* ------------------------------------------------------------------ does a failure fail the RUN? */

interface Operator {
  kind: "&&" | "||" | "|" | "&" | ";" | "other";
  end: number;
}

const REDIRECT = /^(?:\d*|&)(?:>>|>&|<&|&>>|&>|>\||<>|>|<)[ \t]*(?:"[^"]*"|'[^']*'|[^\s;&|()]+)/;

/**
 * The shell operator after host offset `from` (within `limit`), skipping blanks, redirections
 * (`> log 2>&1`) and Dockerfile line continuations (with the comment lines BuildKit drops).
 */
function operatorAfter(text: string, from: number, limit: number): Operator {
  let i = from;
  for (;;) {
    while (i < limit && (text[i] === " " || text[i] === "\t")) i++;
    const nl = text[i] === "\\" ? (text[i + 1] === "\n" ? 2 : text[i + 1] === "\r" && text[i + 2] === "\n" ? 3 : 0) : 0;
    if (nl > 0) {
      i += nl;
      while (/^[ \t\r]*(#[^\n]*)?\n/.test(text.slice(i, Math.min(limit, i + 500)))) i = text.indexOf("\n", i) + 1;
      continue;
    }
    const redirect = REDIRECT.exec(text.slice(i, Math.min(limit, i + 300)));
    if (!redirect) break;
    i += redirect[0].length;
  }
  if (i >= limit) return { kind: "other", end: i };
  const two = text.slice(i, i + 2);
  if (two === "&&" || two === "||") return { kind: two, end: i + 2 };
  if (two === "|&") return { kind: "|", end: i + 2 };
  const c = text[i];
  if (c === "|" || c === "&" || c === ";") return { kind: c, end: i + 1 };
  return { kind: "other", end: i };
}

/** Whether a `!` negates the command starting at `start`. */
function negated(text: string, start: number, regionStart: number): boolean {
  let i = start - 1;
  while (i > regionStart && (text[i] === " " || text[i] === "\t")) i--;
  return text[i] === "!" && (i <= regionStart || /[\s;&|({]/.test(text[i - 1] ?? " "));
}

/** Whether a `||` handler (its commands, in order) fails again: `|| exit 1`, `|| false`, a bare `|| exit`. */
function handlerFails(handler: readonly ShellCommand[]): boolean {
  return handler.some(
    (c, i) => c.name === "false" || (c.name === "exit" && (c.args.length === 0 ? i === 0 : c.args[0]?.value !== "0")),
  );
}

/** A command's source text on one line, shortened for a message. */
function display(text: string, start: number, end: number): string {
  const one = text.slice(start, end).replace(/\\\r?\n/g, " ").replace(/\s+/g, " ").trim();
  return one.length > 60 ? `${one.slice(0, 57)}…` : one;
}

interface Facts {
  text: string;
  /** The RUN commands of each region, in order. */
  byRegion: Map<number, ShellCommand[]>;
  /** Whether `pipefail` is on for the region (its stage's SHELL, or an earlier `set -o pipefail`). */
  pipefail: (cmd: ShellCommand) => boolean;
}

/**
 * Why a failure of `cmd` does not fail its RUN instruction, or undefined when it does. Read from
 * the operator after the command (and after each command it is `&&`-chained to): `|| handler`
 * (unless the handler exits non-zero), a pipe without `pipefail`, `&`; and a leading `!`, a
 * command substitution. Other ways to lose a status (`; true`, an `if` without `else`) are not seen.
 */
function ignoredBecause(cmd: ShellCommand, facts: Facts): string | undefined {
  if (cmd.region.kind === "argv") return undefined;
  const { text } = facts;
  if (cmd.background) return "it runs in the background (`&`), so the build does not wait for its status";
  if (cmd.inSubstitution) return "it runs inside a command substitution, whose status is ignored";
  if (negated(text, cmd.start, cmd.region.hostStart)) return "it is negated with `!`, so failing tests pass the build";
  const commands = facts.byRegion.get(cmd.region.index) ?? [];
  const pipefail = facts.pipefail(cmd);
  let current = cmd;
  for (;;) {
    const op = operatorAfter(text, current.end, cmd.region.hostEnd);
    const after = commands.filter((c) => c.start >= op.end && !c.inSubstitution);
    const next = after[0];
    if (op.kind === "||") {
      // The handler: the command after `||` and the ones that run only with it (`|| { echo x; exit 1; }`).
      const end = after.findIndex((c, i) => i > 0 && !c.conditional);
      if (handlerFails(end === -1 ? after : after.slice(0, end))) return undefined;
      const shown = next ? display(text, next.start, next.end) : "…";
      return `\`|| ${shown}\` ignores its failure, so failing tests still build`;
    }
    if (op.kind === "|" && !pipefail) {
      const shown = next ? ` into \`${display(text, next.start, next.end)}\`` : "";
      return `it is piped${shown}, and without \`set -o pipefail\` a pipeline's status is its last command's`;
    }
    if ((op.kind === "&&" || op.kind === "|") && next) {
      current = next;
      continue;
    }
    if (op.kind === "&") return "it runs in the background (`&`), so the build does not wait for its status";
    return undefined;
  }
}

/** Why an inline `sh -c` part's failure is lost, or undefined. */
function inlineIgnoredBecause(part: InlineCommand, script: string): string | undefined {
  if (part.negated) return "it is negated with `!`, so failing tests pass the build";
  if (part.next === "||") return "a `||` after it ignores its failure, so failing tests still build";
  if (part.next === "|" && !/pipefail/.test(script)) return "it is piped, and without `set -o pipefail` a pipeline's status is its last command's";
  if (part.next === "&") return "it runs in the background (`&`), so the build does not wait for its status";
  return undefined;
}

/* ------------------------------------------------------------------ test steps */

interface TestStep {
  cmd: ShellCommand;
  run: TestRun;
  /** Why its failure does not fail the build, when it does not. */
  ignored: string | undefined;
}

function words(cmd: ShellCommand): string[] {
  return [cmd.program.value, ...cmd.args.map((a) => a.value)];
}

/** The commands of a `sh -c` string that run or skip tests (wrappers such as `sudo` stripped). */
function inlineRuns(script: string, extra: ExtraTestCommands): { part: InlineCommand; run: TestRun }[] {
  return inlineCommands(script).flatMap((part) => {
    const unwrapped = unwrap(part.words.map((value) => ({ value, static: true, start: 0, end: 0 })));
    const run = unwrapped && testRun(unwrapped.words.map((w) => w.value), extra);
    return run ? [{ part, run }] : [];
  });
}

/** The test step `cmd` is (directly, or in its `sh -c` string), if any. */
function testStep(cmd: ShellCommand, extra: ExtraTestCommands, facts: Facts): TestStep | undefined {
  const argv = words(cmd);
  const direct = testRun(argv, extra);
  if (direct) return { cmd, run: direct, ignored: direct.kind === "runs" ? ignoredBecause(cmd, facts) : undefined };
  // `bash -c "source venv/bin/activate && pytest"` in shell text (an exec-form RUN's `-c` string is a region of its own).
  const inv = cmd.region.kind === "shell" ? parseShellInvocation(argv) : undefined;
  const script = inv?.commandIndex === undefined ? undefined : argv[inv.commandIndex];
  if (script === undefined) return undefined;
  let found: TestStep | undefined;
  for (const { part, run } of inlineRuns(script, extra)) {
    const ignored = run.kind === "runs" ? (ignoredBecause(cmd, facts) ?? inlineIgnoredBecause(part, script)) : undefined;
    const step = { cmd, run, ignored };
    if (run.kind === "runs" && ignored === undefined) return step;
    found ??= step;
  }
  return found;
}

/** Whether the step gates the build: it runs the tests and a failure fails the RUN. */
function gates(step: TestStep): boolean {
  return step.run.kind === "runs" && step.ignored === undefined;
}

/* ------------------------------------------------------------------ the suggestion */

/** Base images by repository name → the usual test command of their ecosystem. */
const IMAGE_SUGGESTIONS: readonly [RegExp, string][] = [
  [/^(node|bun)$/, "RUN npm test"],
  [/^golang$/, "RUN go test ./..."],
  [/^rust$/, "RUN cargo test"],
  [/^maven$/, "RUN mvn verify"],
  [/^gradle$/, "RUN gradle test"],
  [/^ruby$/, "RUN bundle exec rake test"],
  [/^(php|composer)$/, "RUN vendor/bin/phpunit"],
  [/^sdk$/, "RUN dotnet test"],
  [/^elixir$/, "RUN mix test"],
];

/** The repository's last path component of an image reference: `docker.io/library/python:3.12` → `python`. */
function imageRepo(image: string): string {
  const noDigest = image.split("@")[0] as string;
  const last = noDigest.slice(noDigest.lastIndexOf("/") + 1);
  return last.split(":")[0]?.toLowerCase() ?? "";
}

/**
 * A test command for the message, guessed from the build's own commands (`npm ci` → `npm test`,
 * `/ve/bin/pip install` in a Django image → `/ve/bin/python manage.py test`), else from its base
 * images (`golang:1.22` → `go test ./...`); `make test` otherwise.
 */
function suggestion(commands: readonly ShellCommand[], images: readonly string[], fileText: string): string {
  return fromCommands(commands, fileText) ?? fromImages(images, fileText) ?? "RUN make test";
}

function pythonSuggestion(python: string, fileText: string): string {
  return /django|manage\.py/i.test(fileText) ? `RUN ${python} manage.py test` : `RUN ${python} -m pytest`;
}

function fromImages(images: readonly string[], fileText: string): string | undefined {
  for (const image of images) {
    const repo = imageRepo(image);
    if (repo.startsWith("python") || repo.startsWith("pypy")) return pythonSuggestion("python", fileText);
    const hit = IMAGE_SUGGESTIONS.find(([re]) => re.test(repo));
    if (hit) return hit[1];
  }
  return undefined;
}

function fromCommands(commands: readonly ShellCommand[], fileText: string): string | undefined {
  for (const c of commands) {
    const program = c.program.value;
    switch (c.name) {
      case "npm":
      case "yarn":
      case "pnpm":
      case "bun":
        return `RUN ${c.name} test`;
      case "go":
        return "RUN go test ./...";
      case "cargo":
        return "RUN cargo test";
      case "mvn":
      case "mvnw":
        return `RUN ${program} verify`;
      case "gradle":
      case "gradlew":
        return `RUN ${program} test`;
      case "dotnet":
        return "RUN dotnet test";
      case "bundle":
      case "gem":
      case "rake":
      case "rails":
        return "RUN bundle exec rake test";
      case "composer":
        return "RUN vendor/bin/phpunit";
      case "mix":
        return "RUN mix test";
    }
    if (/^(pip\d*(\.\d+)?|python\d*(\.\d+)?|poetry|pipenv|uv)$/.test(c.name)) {
      const dir = /^pip|^python/.test(c.name) && program.includes("/") ? program.slice(0, program.lastIndexOf("/") + 1) : "";
      return pythonSuggestion(`${dir}python`, fileText);
    }
  }
  return undefined;
}

/* ------------------------------------------------------------------ the rule */

function stageLabel(doc: DockerfileDoc, stage: number): string {
  const s = doc.stages[stage];
  return s?.name ?? String(stage);
}

function instructionOf(doc: DockerfileDoc, cmd: ShellCommand): DInstruction | undefined {
  return doc.instructions.find((i) => i.start === cmd.region.hostStart);
}

function gatherFacts(doc: DockerfileDoc, text: string, commands: readonly ShellCommand[]): Facts {
  const shells = shellsInEffect(doc);
  const byRegion = new Map<number, ShellCommand[]>();
  for (const c of commands) byRegion.set(c.region.index, [...(byRegion.get(c.region.index) ?? []), c]);
  return {
    text,
    byRegion,
    pipefail: (cmd) => {
      const ins = instructionOf(doc, cmd);
      const shell = ins ? (shells.at[doc.instructions.indexOf(ins)] ?? []) : [];
      const earlier = (byRegion.get(cmd.region.index) ?? []).filter((c) => c.seq < cmd.seq && c.name === "set");
      return shell.includes("pipefail") || earlier.some((c) => c.args.some((a) => a.value === "pipefail"));
    },
  };
}

/** The test runner a CMD/ENTRYPOINT starts (exec form, shell form, or a `sh -c` string), if any. */
function runtimeTest(ins: DInstruction, extra: ExtraTestCommands): TestRun | undefined {
  const argv = ins.args.map((a) => a.value);
  if (ins.form === "exec") {
    const direct = testRun(argv, extra);
    if (direct) return direct;
    const inv = parseShellInvocation(argv);
    const script = inv?.commandIndex === undefined ? undefined : argv[inv.commandIndex];
    return script === undefined ? undefined : inlineTest(script, extra);
  }
  return ins.form === "shell" ? inlineTest(ins.argsText, extra) : undefined;
}

function inlineTest(script: string, extra: ExtraTestCommands): TestRun | undefined {
  return inlineRuns(script, extra).find((r) => r.run.kind === "runs")?.run;
}

interface Explanation {
  /** Appended to the message. */
  sentence: string;
  /** Where it happens, with the related message. */
  at: { start: number; end: number };
  related: string;
}

interface ExplainInput {
  doc: DockerfileDoc;
  text: string;
  built: ReadonlySet<string>;
  steps: readonly TestStep[];
  onbuild: readonly ShellCommand[];
  extra: ExtraTestCommands;
  line: (offset: number) => number;
}

/**
 * Why the tests that are there do not count, at most one sentence per reason: a skip flag, an
 * ignored failure, a test stage the build skips, tests that run only in a child build (ONBUILD) or
 * only when a container starts (CMD/ENTRYPOINT).
 */
function explanations(input: ExplainInput): Explanation[] {
  const { doc, text, built, steps, line } = input;
  const out: Explanation[] = [];
  const inBuild = (s: TestStep): boolean => built.has(s.cmd.region.scope);
  const shown = (c: { start: number; end: number }): string => display(text, c.start, c.end);
  const at = (c: ShellCommand): { start: number; end: number } => ({ start: c.start, end: c.end });

  const skipped = steps.find((s) => inBuild(s) && s.run.kind === "skips");
  if (skipped?.run.kind === "skips") {
    const flag = skipped.run.flag;
    out.push({ sentence: `\`${shown(skipped.cmd)}\` (line ${line(skipped.cmd.start)}) skips the tests with \`${flag}\`.`, at: at(skipped.cmd), related: `\`${flag}\` skips the tests.` });
  }
  const ignored = steps.find((s) => inBuild(s) && s.run.kind === "runs" && s.ignored !== undefined);
  if (ignored?.ignored !== undefined) {
    out.push({
      sentence: `\`${shown(ignored.cmd)}\` (line ${line(ignored.cmd.start)}) does not count: ${ignored.ignored}.`,
      at: at(ignored.cmd),
      related: `This test step does not fail the build: ${ignored.ignored}.`,
    });
  }
  const elsewhere = steps.find((s) => !inBuild(s) && gates(s)) ?? steps.find((s) => !inBuild(s) && s.run.kind === "runs");
  const stage = elsewhere ? instructionOf(doc, elsewhere.cmd)?.stage : undefined;
  if (elsewhere && stage !== undefined) {
    const name = stageLabel(doc, stage);
    out.push({
      sentence:
        `Stage \`${name}\` runs \`${shown(elsewhere.cmd)}\` (line ${line(elsewhere.cmd.start)}), but the final image does not depend on it, so \`docker build\` skips it;` +
        ` if CI runs \`docker build --target ${name}\`, suppress this finding.`,
      at: at(elsewhere.cmd),
      related: `Stage \`${name}\` runs the tests only with \`docker build --target ${name}\`.`,
    });
  }
  const child = input.onbuild.find((c) => testRun([c.program.value, ...c.args.map((a) => a.value)], input.extra)?.kind === "runs");
  if (child) {
    out.push({
      sentence: `\`ONBUILD RUN ${shown(child)}\` (line ${line(child.start)}) runs only in the builds of images \`FROM\` this one.`,
      at: at(child),
      related: "ONBUILD runs this in child builds, not in this one.",
    });
  }
  const runtime = doc.instructions.find(
    (i) => (i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && built.has(stageScope(i.stage)) && runtimeTest(i, input.extra) !== undefined,
  );
  if (runtime) {
    out.push({
      sentence:
        `\`${shown(runtime)}\` (line ${line(runtime.start)}) runs the tests only when a container starts, after the image was pushed;` +
        " if this image exists only to run the tests in CI, suppress this finding.",
      at: { start: runtime.start, end: runtime.end },
      related: `${runtime.keyword} runs when a container starts, not during the build.`,
    });
  }
  return out;
}

export default defineRule<Options>({
  id: "dockerfile/no-test-step",
  languages: ["dockerfile"],
  severity: "warning",
  fix: "never",
  tags: ["reliability", "testing", "ci"],
  precision: "medium",
  options: {
    testCommands: {
      type: "string[]",
      default: [],
      description:
        "Extra commands that run your tests, each a command prefix matched word by word: `\"bin/check\"`, `\"npm run verify\"`, `\"./ci/unit.sh --fast\"`. The first word matches the program by path (`./` ignored) or, without a `/`, by base name.",
    },
  },
  docs: {
    summary: "A Dockerfile copies the application source in but never runs its tests during the build",
    why: [
      "When the image build is the pipeline — `docker build`, `docker push`, deploy — the `RUN` that",
      "runs the test suite is the only gate between a commit and production. The Dockerfile of",
      "\"Continuously Deploying Django with Docker\" has exactly that line, `RUN /ve/bin/python manage.py test`,",
      "right after `COPY . /app/`: a commit that breaks a test fails `make build`, Jenkins never pushes",
      "the tag and the servers keep running the last good version. Delete that one line (to speed up a",
      "slow build, or while refactoring the Dockerfile) and nothing complains: every commit builds,",
      "pushes and is rolled out to all application servers, broken or not.",
      "",
      "The rule reports a Dockerfile whose build copies the application source in but has no `RUN` that",
      "runs a known test runner in a stage the final image is built from.",
    ].join("\n"),
    bad: [
      {
        file: "Dockerfile",
        code: [
          "FROM ccnmtl/django.base",
          "ADD wheelhouse /wheelhouse",
          "RUN /ve/bin/pip install --no-index -f /wheelhouse -r /wheelhouse/requirements.txt",
          "COPY . /app/",
          "ADD docker-run.sh /run.sh",
          'ENTRYPOINT ["/run.sh"]',
          "",
        ].join("\n"),
      },
      {
        file: "Dockerfile",
        code: [
          "FROM node:20 AS build",
          "WORKDIR /app",
          "COPY package*.json ./",
          "RUN npm ci",
          "COPY . .",
          "RUN npm run build",
          "",
          "# Only built by `docker build --target test`: the default build skips this stage.",
          "FROM build AS test",
          "RUN npm test",
          "",
          "FROM node:20-slim",
          "COPY --from=build /app/dist /app",
          'CMD ["node", "/app/server.js"]',
          "",
        ].join("\n"),
      },
      { file: "Dockerfile", code: "FROM python:3.12\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nRUN pytest /app || true\n" },
    ],
    good: [
      {
        file: "Dockerfile",
        code: [
          "FROM ccnmtl/django.base",
          "ADD wheelhouse /wheelhouse",
          "RUN /ve/bin/pip install --no-index -f /wheelhouse -r /wheelhouse/requirements.txt",
          "COPY . /app/",
          "RUN /ve/bin/python manage.py test",
          "ADD docker-run.sh /run.sh",
          'ENTRYPOINT ["/run.sh"]',
          "",
        ].join("\n"),
      },
      {
        file: "Dockerfile",
        code: [
          "FROM golang:1.22 AS build",
          "WORKDIR /src",
          "COPY . .",
          "RUN go test ./... && CGO_ENABLED=0 go build -o /out/app ./cmd/app",
          "",
          "FROM gcr.io/distroless/static",
          "COPY --from=build /out/app /app",
          'ENTRYPOINT ["/app"]',
          "",
        ].join("\n"),
      },
      { file: "Dockerfile", code: "FROM nginx:1.27\nCOPY nginx.conf /etc/nginx/nginx.conf\nCOPY dist/ /usr/share/nginx/html/\n" },
    ],
    related: ["none: hadolint, Checkov and Trivy do not check for a test step"],
    notes: [
      "**Application source** is a `COPY`/`ADD` source that is the whole build context (`.`, `./`), a",
      "glob that is not a manifest pattern (`*`, `*.py`; not `package*.json`, `Gemfile*`), a file with a",
      "source-code extension (`manage.py`, `main.go`, `index.ts`), a directory written with a trailing",
      "`/` (`src/`) unless it is named like build output, dependencies, configuration or static content",
      "(`dist/`, `build/`, `target/`, `vendor/`, `config/`, `public/`, `html/`, …), or a conventional",
      "source directory (`src`, `app`, `lib`, `cmd`, `pkg`, `internal`, `tests`). Manifests and lock",
      "files (`requirements.txt`, `package.json`, `go.mod`, `*.lock`), other files (`docker-run.sh`,",
      "`nginx.conf`, archives), other directories (`wheelhouse`), remote URLs, heredoc sources and",
      "`COPY --from=…` (an artifact of another stage or image) are not. A Dockerfile that copies no",
      "application source — a base image, an nginx image with its config and a prebuilt `dist/` — is",
      "not reported.",
      "",
      "**Which stages count**: the final stage and the stages it depends on (`FROM <stage>`,",
      "`COPY --from=<stage>`, `RUN --mount=…,from=<stage>`), transitively: BuildKit builds only those.",
      "The source copy and the test step must both be in such a stage; they need not be in the same",
      "one (`COPY . .` and `RUN go test ./...` in the `build` stage, artifacts copied into the final",
      "one, is fine). A `test` stage that the final stage does not depend on runs only with",
      "`docker build --target test`; the message names it. If your CI does run that target, that is a",
      "valid way to gate deploys: suppress the finding with",
      "`# deploylint-disable-next-line dockerfile/no-test-step -- CI runs --target test` above the",
      "first `FROM`. To make the default build depend on the tests instead, copy something from the",
      "test stage into the final one (`COPY --from=test /tmp/tests-passed /tmp/`). The legacy builder",
      "(`DOCKER_BUILDKIT=0`) builds every stage, but it is deprecated.",
      "",
      "**Test steps** are commands of `RUN` instructions (shell form, exec form, heredocs; `--mount`",
      "and other flags ignored), after `VAR=value` assignments and wrappers (`sudo`, `env`, `timeout`),",
      "anywhere in a `&&`/`;`/`||` chain or pipeline, that run a known test runner:",
      "`npm test`/`npm t`/`npm run test*`, `yarn test`, `pnpm test`, `bun test`, `yarn|pnpm [run] <test script>`,",
      "`npx jest|vitest|mocha`, `go test`, `cargo test`, `pytest`/`py.test`, `python -m pytest|unittest`,",
      "`python manage.py test` (any `python`, e.g. `/ve/bin/python`), `django-admin test`, `setup.py test`,",
      "`coverage run …`, `tox`, `nox`, `make test|check` (also `make -C dir test`), `mvn test|package|verify|install`",
      "(Maven runs the tests in every phase from `test` on) unless `-DskipTests`/`-Dmaven.test.skip=true`,",
      "`gradle test|check|build` (also `./gradlew`) unless `-x test`/`-x check`, `rspec`, `rake test|spec`,",
      "`bundle exec …`, `rails test`, `phpunit` (also `vendor/bin/phpunit`), `composer test`, `dotnet test`,",
      "`ctest`, `bats`, `prove`, `mix test`, `sbt test`, `deno test`, `bazel test`, `nx`/`turbo` test targets,",
      "`poetry|pipenv|pdm|uv run …`, `sh -c \"…\"` strings, and scripts named like tests (`./test.sh`,",
      "`./run-tests`, `scripts/run_tests.sh`, `./scripts/test`, `tests/run.sh`). The option",
      "`testCommands` adds your own.",
      "",
      "A script, target or task name counts when, split on `:`, `-`, `_` and `.`, it has a part `test`",
      "or `tests` (`check` for make, `spec` for rake) and every other part is a qualifier such as",
      "`unit`, `integration`, `e2e`, `ci`, `all`, `run`: `npm run test:unit`, `npm run test-ci`,",
      "`make unit-test` and `./run-tests` count; `npm run testserver`, `./test-server --version` and",
      "`make test-data` do not.",
      "",
      "Not test steps: `CMD`/`ENTRYPOINT` (they run when the container starts, after the image was",
      "pushed), `ONBUILD RUN` (runs in a child image's build), comments, `echo \"npm test\"`, the shell",
      "builtin `test`/`[`, `go vet` and linters, `go test -c`, `cargo test --no-run`,",
      "`pytest --collect-only`, `--version`/`--help`. A test step whose failure does not fail the `RUN`",
      "does not gate anything and does not count: `npm test || true` (a `||` handler that does not",
      "`exit` non-zero), `! pytest`, `pytest | tee log` without `pipefail` (from `SHELL` or",
      "`set -o pipefail`), `npm test &`, `$(npm test)`. Other ways to lose the status (`pytest; true`,",
      "an `if` without `else`) are not detected. A test step before the source copy still counts.",
      "When the only tests are in a stage the build skips, in `ONBUILD RUN`, in `CMD`/`ENTRYPOINT`, or",
      "are skipped by a flag or lose their status, the message says so.",
      "",
      "**Images that are never deployed** — a `Dockerfile.dev` for local work, a `Dockerfile.test`",
      "whose `CMD` runs the suite in CI — are reported like any other: put",
      "`# deploylint-disable-file dockerfile/no-test-step` in them.",
    ].join("\n"),
  },
  check(ctx) {
    const host = ctx.host;
    if (host?.language !== "dockerfile") return;
    const doc = host.doc;
    const text = ctx.source.text;
    const extra = parseTestCommands(ctx.options.testCommands);
    const commands: ShellCommand[] = [];
    const onbuild: ShellCommand[] = [];
    // Every command: test runners include scripts by name pattern and configured prefixes, so no
    // fixed name list; a Dockerfile has few commands.
    ctx.onCommand([], (cmd) => {
      if (cmd.inFunction) return;
      if (cmd.region.label === "RUN") commands.push(cmd);
      else if (cmd.region.label === "ONBUILD RUN") onbuild.push(cmd);
    });
    ctx.onEnd(() => {
      const first = doc.stages[0];
      if (!first) return;
      const built = builtScopes(doc);
      const sourceCopy = copySources(doc).find(
        (c) => c.from === undefined && built.has(stageScope(c.instruction.stage)) && c.sources.some(isApplicationSource),
      );
      if (!sourceCopy) return;
      const facts = gatherFacts(doc, text, commands);
      const steps = commands.map((c) => testStep(c, extra, facts)).filter((s): s is TestStep => s !== undefined);
      if (steps.some((s) => built.has(s.cmd.region.scope) && gates(s))) return;

      const line = (offset: number): number => ctx.source.lineOf(offset);
      const images = doc.stages.filter((st) => built.has(stageScope(st.index))).map((st) => st.image);
      const example = suggestion(
        commands.filter((c) => built.has(c.region.scope)),
        images,
        text,
      );
      const explained = explanations({ doc, text, built, steps, onbuild, extra, line });
      const message = [
        `This Dockerfile copies the application source in (line ${line(sourceCopy.instruction.start)}) but never runs its tests:`,
        "a commit that breaks the tests still builds, pushes and deploys.",
        `Run the suite in a RUN step (e.g. \`${example}\`) or in a test stage the final image depends on.`,
        ...explained.map((e) => e.sentence),
      ].join(" ");
      ctx.report({
        at: { start: first.fromStart, end: first.fromEnd },
        message,
        related: [
          { at: { start: sourceCopy.instruction.start, end: sourceCopy.instruction.end }, message: "The application source is copied in here." },
          ...explained.map((e) => ({ at: e.at, message: e.related })),
        ],
      });
    });
  },
});
