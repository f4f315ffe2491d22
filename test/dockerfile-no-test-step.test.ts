/**
 * dockerfile/no-test-step beyond its fixtures: the test-runner table, the "application source"
 * definition, the failure-gating cases one `RUN` at a time, and the `testCommands` option.
 */
import { describe, expect, test } from "vitest";
import { Linter } from "../src/engine/lint.js";
import { allRules } from "../src/engine/registry.js";
import { inlineCommands, isTestName, isTestScript, parseTestCommands, testRun } from "../src/languages/shell/test-runners.js";
import { isApplicationSource } from "../src/rules/dockerfile/no-test-step.js";
import { lintString } from "./helpers.js";

const ID = "dockerfile/no-test-step";

const argv = (line: string): string[] => line.split(" ");

describe("testRun", () => {
  test.each([
    "npm test",
    "npm t",
    "npm --prefix web test",
    "npm run test",
    "npm run test:unit",
    "npm run test-ci",
    "npm run-script test -- --coverage",
    "npm cit",
    "npm exec -- jest",
    "yarn test",
    "yarn test:unit",
    "yarn run test",
    "yarn jest --ci",
    "yarn workspace web test",
    "pnpm test",
    "pnpm -r test",
    "pnpm --filter web run test:e2e",
    "bun test",
    "npx jest",
    "npx --yes vitest run",
    "npx playwright test",
    "vitest",
    "vitest run",
    "mocha",
    "go test ./...",
    "cargo test --locked",
    "cargo +nightly test",
    "pytest",
    "py.test -q",
    "python -m pytest",
    "python3 -m unittest discover",
    "/ve/bin/python manage.py test",
    "python3.12 -W error manage.py test --noinput",
    "./manage.py test",
    "python -m django test",
    "python setup.py test",
    "python runtests.py",
    "coverage run manage.py test",
    "coverage run --source=app -m pytest",
    "python -m coverage run -m pytest",
    "tox",
    "nox -s tests",
    "django-admin test",
    "make test",
    "make check",
    "make -C app test",
    "make -j4 build test",
    "make unit-test",
    "mvn test",
    "mvn -B verify",
    "mvn clean package",
    "./mvnw -q install",
    "gradle test",
    "./gradlew check",
    "./gradlew build --no-daemon",
    "gradle :app:integrationTest",
    "rspec",
    "bundle exec rspec",
    "bundle exec rake test",
    "rake spec",
    "bin/rails test:system",
    "phpunit",
    "vendor/bin/phpunit",
    "composer test",
    "dotnet test",
    "ctest --output-on-failure",
    "bats test/",
    "prove -r t",
    "mix test",
    "sbt clean test",
    "deno test",
    "bazel test //...",
    "nx run-many -t test",
    "turbo run test",
    "poetry run pytest",
    "uv run --frozen pytest",
    "pdm run test",
    "xvfb-run -a npm test",
    "./test.sh",
    "./run-tests",
    "scripts/run_tests.sh",
    "./scripts/test",
    "tests/run.sh",
    "sh ./run_tests.sh",
    "bash -e scripts/test.sh",
  ])("%s runs the tests", (line) => {
    expect(testRun(argv(line))?.kind).toBe("runs");
  });

  test.each([
    "npm ci",
    "npm run build",
    "npm run testserver",
    "npm run lint",
    "npm test:unit",
    "yarn install --frozen-lockfile",
    "yarn build",
    "pnpm install",
    "go vet ./...",
    "go build ./...",
    "go test -c ./pkg",
    "cargo build --release",
    "cargo test --no-run",
    "pytest --version",
    "pytest --collect-only",
    "python -c import_pytest",
    "python manage.py migrate",
    "python app.py",
    "pip install pytest",
    "make",
    "make install",
    "make test-data",
    "make check-format",
    "mvn dependency:go-offline",
    "mvn compile",
    "gradle assemble",
    "./gradlew bootJar",
    "gradle testClasses",
    "rake db:migrate",
    "bundle install",
    "rails assets:precompile",
    "composer install",
    "test -f /app/manage.py",
    "[ -d /app ]",
    "./test-server --version",
    "./test_data_gen.sh",
    "echo npm test",
    "sh -c pytest",
    "dotnet build",
    "vitest watch",
  ])("%s does not", (line) => {
    expect(testRun(argv(line))).toBeUndefined();
  });

  test.each([
    ["mvn -B -DskipTests package", "-DskipTests"],
    ["mvn install -Dmaven.test.skip=true", "-Dmaven.test.skip=true"],
    ["gradle build -x test", "-x test"],
    ["./gradlew build -x :app:check", "-x check"],
  ])("%s skips them", (line, flag) => {
    expect(testRun(argv(line))).toEqual(expect.objectContaining({ kind: "skips", flag }));
  });

  test("mvn -DskipTests=false runs them", () => {
    expect(testRun(argv("mvn -DskipTests=false package"))?.kind).toBe("runs");
  });

  test("configured prefixes match word by word, by path or by base name", () => {
    const extra = parseTestCommands(["bin/check", "npm run verify", "  ", "ci-suite --all"]);
    expect(testRun(argv("./bin/check --fast"), extra)?.kind).toBe("runs");
    expect(testRun(argv("bin/check"), extra)?.kind).toBe("runs");
    expect(testRun(argv("other/bin/check"), extra)).toBeUndefined();
    expect(testRun(argv("npm run verify"), extra)?.kind).toBe("runs");
    expect(testRun(argv("npm run verify-docs"), extra)).toBeUndefined();
    expect(testRun(argv("/usr/local/bin/ci-suite --all"), extra)?.kind).toBe("runs");
    expect(testRun(argv("ci-suite"), extra)).toBeUndefined();
    expect(testRun(argv("bundle exec bin/check"), extra)?.kind).toBe("runs");
  });
});

describe("names", () => {
  test.each(["test", "tests", "test:unit", "test-ci", "unit_test", "run-tests", "runtests", "test.e2e"])("%s is a test name", (n) => {
    expect(isTestName(n)).toBe(true);
  });
  test.each(["testserver", "test-server", "test-data", "latest", "contest", "build", "check"])("%s is not", (n) => {
    expect(isTestName(n)).toBe(false);
  });
  test("a bare `test` is the builtin, not a script", () => {
    expect(isTestScript("test")).toBe(false);
    expect(isTestScript("./test")).toBe(true);
    expect(isTestScript("test.sh")).toBe(true);
  });
});

describe("inlineCommands", () => {
  test("splits a sh -c string into commands with their operators", () => {
    expect(inlineCommands('source .venv/bin/activate && CI=1 pytest -x || echo "failed; ok"')).toEqual([
      { words: ["source", ".venv/bin/activate"], negated: false, next: "&&" },
      { words: ["pytest", "-x"], negated: false, next: "||" },
      { words: ["echo", "failed; ok"], negated: false, next: "" },
    ]);
    expect(inlineCommands("! npm test | tee log &&\n  true")).toEqual([
      { words: ["npm", "test"], negated: true, next: "|" },
      { words: ["tee", "log"], negated: false, next: "&&" },
      { words: ["true"], negated: false, next: "" },
    ]);
  });
});

describe("isApplicationSource", () => {
  test.each([".", "./", "./.", "*", "*.py", "src*", "src/", "./app/", "app", "src", "cmd/server", "manage.py", "main.go", "lib/index.ts"])(
    "%s is application source",
    (s) => {
      expect(isApplicationSource(s)).toBe(true);
    },
  );
  test.each([
    "requirements.txt",
    "package.json",
    "package*.json",
    "Gemfile*",
    "go.mod",
    "go.sum",
    "Cargo.lock",
    "*.lock",
    "wheelhouse",
    "docker-run.sh",
    "nginx.conf",
    "dist/",
    "config/",
    "app.tar.gz",
    "https://example.com/app.py",
    "git@github.com:org/app.git",
    "<<EOF",
  ])("%s is not", (s) => {
    expect(isApplicationSource(s)).toBe(false);
  });
});

/** Lints `FROM …; COPY . /app; <lines>` and returns this rule's findings. */
async function findings(lines: string[], prelude = ""): Promise<{ line: number; message: string }[]> {
  const text = `${prelude}FROM python:3.12\nCOPY . /app\n${lines.join("\n")}\n`;
  const res = await lintString("Dockerfile", text, [ID]);
  expect(res.notices).toEqual([]);
  return res.findings.filter((f) => f.ruleId === ID).map((f) => ({ line: f.range.start.line, message: f.message }));
}

describe("which RUN steps gate the build", () => {
  test.each([
    "RUN pytest",
    "RUN cd /app && pytest",
    "RUN pytest || exit 1",
    "RUN pytest || exit",
    "RUN pytest || { echo failed; exit 1; }",
    "RUN pytest > /tmp/log 2>&1 && echo passed",
    "RUN pytest \\\n  # a comment line BuildKit drops\n  && echo passed",
    'RUN ["pytest", "-q"]',
    'RUN ["/bin/sh", "-c", "cd /app && pytest"]',
    'RUN bash -c "source .venv/bin/activate && pytest"',
    "RUN set -o pipefail && pytest | tee /tmp/log",
    'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN pytest | tee /tmp/log',
    "RUN --mount=type=cache,target=/root/.cache --network=none pytest",
    "RUN <<EOF\npip install -r /app/requirements.txt\npytest\nEOF",
    "RUN if [ -z \"$SKIP_TESTS\" ]; then pytest; fi",
    "RUN sudo -u app tox -e py312",
    "RUN DJANGO_SETTINGS_MODULE=app.settings_test coverage run manage.py test",
    "RUN ./scripts/run_tests.sh",
    "RUN timeout 600 make -C /app check",
  ])("%s counts", async (run) => {
    expect(await findings([run])).toEqual([]);
  });

  test.each([
    ["RUN pytest || true", "`|| true` ignores its failure"],
    ["RUN pytest || :", "`|| :` ignores its failure"],
    ['RUN pytest || echo "tests failed"', "ignores its failure"],
    ["RUN cd /app && pytest && echo ok || true", "`|| true`"],
    ["RUN ! pytest", "negated"],
    ["RUN pytest | tee /tmp/log", "piped into `tee /tmp/log`"],
    ["RUN pytest &", "background"],
    ["RUN echo $(pytest)", "command substitution"],
    ['RUN bash -c "pytest || true"', "`||` after it"],
    ['RUN ["/bin/sh", "-c", "pytest || true"]', "ignores its failure"],
  ])("%s does not", async (run, why) => {
    const got = await findings([run]);
    expect(got).toHaveLength(1);
    expect(got[0]?.message).toContain(why);
  });

  test.each(['CMD ["pytest"]', 'ENTRYPOINT ["pytest"]', "ONBUILD RUN pytest", "# RUN pytest", "RUN test -f /app/manage.py"])(
    "%s is no test step",
    async (line) => {
      expect(await findings([line])).toHaveLength(1);
    },
  );

  test("a test in a function that is never called does not count", async () => {
    expect(await findings(["RUN t() { pytest; }; echo skipped"])).toHaveLength(1);
  });
});

describe("stages", () => {
  test("a test stage reached through RUN --mount=from counts", async () => {
    const text = [
      "FROM python:3.12 AS test",
      "COPY . /app",
      "RUN pytest /app && touch /ok",
      "FROM python:3.12",
      "COPY . /app",
      "RUN --mount=from=test,source=/ok,target=/ok true",
      "",
    ].join("\n");
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings).toEqual([]);
  });

  test("a source copy only in a stage the build skips is not reported", async () => {
    const text = ["FROM python:3.12 AS dev", "COPY . /app", "FROM python:3.12", "RUN pip install flask", ""].join("\n");
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings).toEqual([]);
  });

  test("the finding names an unused test stage and --target", async () => {
    const text = ["FROM node:20 AS test", "COPY . .", "RUN npm test", "FROM node:20", "COPY . .", ""].join("\n");
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings).toHaveLength(1);
    const f = res.findings[0];
    expect(f?.range.start.line).toBe(1);
    expect(f?.message).toContain("copies the application source in (line 5)");
    expect(f?.message).toContain("Stage `test` runs `npm test` (line 3)");
    expect(f?.message).toContain("docker build --target test");
    expect(f?.related.map((r) => r.range.start.line)).toEqual([5, 3]);
  });

  test("no FROM, no finding", async () => {
    const res = await lintString("Dockerfile", "COPY . /app\nRUN echo hi\n", [ID]);
    expect(res.findings).toEqual([]);
  });
});

describe("message", () => {
  test("says when the tests run only at container start or in child builds", async () => {
    const text = ["FROM python:3.12", "COPY . /app", "ONBUILD RUN pytest /app", 'CMD ["sh", "-c", "cd /app && pytest"]', ""].join("\n");
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings).toHaveLength(1);
    const f = res.findings[0];
    expect(f?.message).toContain("`ONBUILD RUN pytest /app` (line 3) runs only in the builds of images `FROM` this one.");
    expect(f?.message).toContain('`CMD ["sh", "-c", "cd /app && pytest"]` (line 4) runs the tests only when a container starts');
    expect(f?.related.map((r) => r.range.start.line)).toEqual([2, 3, 4]);
  });

  test("says when a flag skips the tests", async () => {
    const text = "FROM maven:3.9\nCOPY src/ /src/src/\nRUN mvn -q -DskipTests package\n";
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings[0]?.message).toContain("`mvn -q -DskipTests package` (line 3) skips the tests with `-DskipTests`.");
    expect(res.findings[0]?.message).toContain("e.g. `RUN mvn verify`");
  });

  test("reads operators across CRLF continuations and dropped comment lines", async () => {
    const text = "FROM python:3.12\r\nCOPY . /app\r\nRUN cd /app \\\r\n  && pytest \\\r\n\r\n  # keep going\r\n  || true\r\n";
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.notices).toEqual([]);
    expect(res.findings).toHaveLength(1);
    expect(res.findings[0]?.message).toContain("`|| true` ignores its failure");
  });

  test("is the documented text with an example fitting the build", async () => {
    const text = "FROM ccnmtl/django.base\nRUN /ve/bin/pip install -r /app/requirements.txt\nCOPY . /app/\n";
    const res = await lintString("Dockerfile", text, [ID]);
    expect(res.findings.map((f) => f.message)).toEqual([
      "This Dockerfile copies the application source in (line 3) but never runs its tests: a commit that breaks the tests still builds, pushes and deploys. Run the suite in a RUN step (e.g. `RUN /ve/bin/python manage.py test`) or in a test stage the final image depends on.",
    ]);
    expect(res.findings[0]?.range.start).toEqual({ offset: 0, line: 1, column: 1 });
    expect(res.findings[0]?.range.end.line).toBe(1);
  });
});

describe("option testCommands", () => {
  const rule = allRules().find((r) => r.id === ID);
  async function lintWith(testCommands: string[], text: string): Promise<number> {
    if (!rule) throw new Error("rule not registered");
    const linter = new Linter([{ rule, severity: "warning", options: { testCommands } }], [ID]);
    try {
      return (await linter.lint({ path: "Dockerfile", text, language: "dockerfile" })).findings.length;
    } finally {
      linter.dispose();
    }
  }
  const text = "FROM python:3.12\nCOPY . /app\nRUN ./bin/check --all\n";
  test("by default an unknown script is no test step", async () => {
    expect(await lintWith([], text)).toBe(1);
  });
  test("a configured prefix makes it one", async () => {
    expect(await lintWith(["bin/check"], text)).toBe(0);
  });
});
