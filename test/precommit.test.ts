/**
 * deploylint as a pre-commit hook, for real: `pre-commit try-repo` and `pre-commit run` against a
 * copy of this checkout (its working tree, committed into a scratch repository, so uncommitted
 * changes are what is tested and the real index is never touched), in a scratch project.
 *
 * pre-commit installs the hook as users get it: `npm install` in the clone (devDependencies too,
 * so `prepare` compiles), `npm pack`, `npm install -g` of the tarball, with the system node.
 * That takes a while (about half a minute per install; two installs here).
 *
 * Needs `pre-commit` on PATH (Debian: `apt-get install pre-commit`; .ci/run installs it). In CI
 * (`CI` set, or DEPLOYLINT_REQUIRE_PRECOMMIT=1 as .ci/run sets) a missing pre-commit FAILS this
 * test; elsewhere it is skipped with a message.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main, type CliIO } from "../src/cli/main.js";
import { languageFromName, needsHead } from "../src/engine/detect.js";
import { GOTO_FAIL } from "./support/cli.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const INSTALL_TIMEOUT = 300_000;

const truthy = (v: string | undefined): boolean => v !== undefined && v !== "" && v !== "0" && v !== "false";
const REQUIRED = truthy(process.env.CI) || truthy(process.env.DEPLOYLINT_REQUIRE_PRECOMMIT);

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, cmd);
    if (dir !== "" && existsSync(p)) return p;
  }
  return undefined;
}

const PRE_COMMIT = which("pre-commit");
const AVAILABLE = PRE_COMMIT !== undefined && spawnSync(PRE_COMMIT, ["--version"]).status === 0;
if (!AVAILABLE && !REQUIRED) {
  console.warn(
    "test/precommit.test.ts: skipped: `pre-commit` is not on PATH (apt-get install pre-commit, or pip install pre-commit). " +
      "In CI it is required.",
  );
}

const CLEAN_C = "int g(int x) {\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n}\n";
/** A shell script without an extension (and not executable): found by its shebang. */
const MIGRATE = "#!/bin/sh\nset -e\ndocker run myorg/tool:1.0 migrate\n";

/** git with an identity and no signing, unaffected by the hooks or repository this test runs in. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=deploylint test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args],
    { cwd, env: cleanEnv(), encoding: "utf8" },
  );
}

/** The environment without git's per-repository variables (set when tests run inside a git hook). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_") && k !== "PRE_COMMIT_HOME") env[k] = v;
  return { ...env, ...extra };
}

let scratch: string;
let hookRepo: string;
let project: string;
let home: string;
const timings: string[] = [];

function preCommit(args: string[]): SpawnSyncReturns<string> & { output: string } {
  const started = Date.now();
  const res = spawnSync(PRE_COMMIT as string, args, {
    cwd: project,
    env: cleanEnv({ PRE_COMMIT_HOME: home, NO_COLOR: "1" }),
    encoding: "utf8",
    timeout: INSTALL_TIMEOUT,
  });
  timings.push(`pre-commit ${args.slice(0, 2).join(" ")}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return Object.assign(res, { output: `${res.stdout}${res.stderr}` });
}

describe.skipIf(!AVAILABLE && !REQUIRED)("pre-commit hook", () => {
  beforeAll(() => {
    if (!AVAILABLE) return;
    scratch = mkdtempSync(path.join(os.tmpdir(), "deploylint-precommit-"));
    home = path.join(scratch, "pre-commit-home");
    // The hook repository: this checkout's working tree (tracked and untracked, not ignored).
    hookRepo = path.join(scratch, "deploylint");
    const files = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0").filter(Boolean);
    for (const f of files) {
      const from = path.join(ROOT, f);
      if (!existsSync(from) || lstatSync(from).isDirectory()) continue; // deleted in the working tree; submodule
      mkdirSync(path.dirname(path.join(hookRepo, f)), { recursive: true });
      cpSync(from, path.join(hookRepo, f), { verbatimSymlinks: true });
    }
    git(hookRepo, "init", "-q");
    git(hookRepo, "add", "-A");
    git(hookRepo, "commit", "-q", "-m", "deploylint under test");
    const rev = git(hookRepo, "rev-parse", "HEAD").trim();
    // The project that uses the hook.
    project = path.join(scratch, "project");
    mkdirSync(project);
    writeFileSync(path.join(project, "bad.c"), GOTO_FAIL);
    writeFileSync(path.join(project, "clean.c"), CLEAN_C);
    writeFileSync(path.join(project, "README.md"), "# A project\n");
    writeFileSync(path.join(project, "LICENSE"), "Permission is hereby granted, free of charge.\n");
    writeFileSync(path.join(project, "migrate"), MIGRATE);
    writeFileSync(
      path.join(project, ".pre-commit-config.yaml"),
      `repos:\n  - repo: ${JSON.stringify(hookRepo)}\n    rev: ${rev}\n    hooks:\n      - id: deploylint\n`,
    );
    git(project, "init", "-q");
    git(project, "add", "-A");
    git(project, "commit", "-q", "-m", "project");
  }, 60_000);

  afterAll(() => {
    if (timings.length > 0) console.log(`test/precommit.test.ts timings:\n  ${timings.join("\n  ")}`);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("pre-commit is installed (required in CI)", () => {
    expect(AVAILABLE, "pre-commit is not on PATH: .ci/run installs it with apt-get (needs root)").toBe(true);
  });

  it(
    "try-repo: a finding fails the hook and is printed; files deploylint does not lint are not passed",
    () => {
      expect(AVAILABLE).toBe(true);
      const res = preCommit(["try-repo", hookRepo, "deploylint", "--color", "never", "--files", "bad.c", "README.md"]);
      expect(res.output).toMatch(/deploylint\.+Failed/);
      expect(res.output).toContain("bad.c");
      expect(res.output).toMatch(/4:3 +(error|warning) +.*c\/misleading-indentation/);
      expect(res.output).not.toContain("README.md\n");
      expect(res.status, res.output).toBe(1);
    },
    INSTALL_TIMEOUT,
  );

  it(
    "run (as configured in .pre-commit-config.yaml): a clean file passes",
    () => {
      expect(AVAILABLE).toBe(true);
      const res = preCommit(["run", "deploylint", "--color", "never", "--files", "clean.c", "README.md"]);
      expect(res.output).toMatch(/deploylint\.+Passed/);
      expect(res.status, res.output).toBe(0);
    },
    INSTALL_TIMEOUT,
  );

  it(
    "run: a shell script without an extension is linted; warnings fail the hook; other files are skipped silently",
    () => {
      expect(AVAILABLE).toBe(true);
      const res = preCommit(["run", "deploylint", "--color", "never", "--files", "migrate", "LICENSE"]);
      expect(res.output).toMatch(/deploylint\.+Failed/);
      expect(res.output).toContain("docker/run-missing-rm");
      expect(res.output).not.toContain("LICENSE");
      expect(res.status, res.output).toBe(1);
      const none = preCommit(["run", "deploylint", "--color", "never", "--files", "README.md"]);
      expect(none.output).toMatch(/deploylint\.+\(no files to check\)Skipped/);
      expect(none.status, none.output).toBe(0);
    },
    INSTALL_TIMEOUT,
  );

  it("the hook's `files` pattern passes every file deploylint lints by name, and extensionless files", () => {
    expect(AVAILABLE).toBe(true);
    const hooks = parseYaml(readFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as { id: string; files: string }[];
    const hook = hooks.find((h) => h.id === "deploylint");
    expect(hook).toBeDefined();
    const names = [
      "a.c", "b.h", "x.cc", "x.cpp", "x.cxx", "x.c++", "x.hpp", "x.hh", "x.hxx", "x.h++", "X.CPP", "s.sh", "s.bash", "S.SH",
      "web.service", "job.conf", "rules.mk", "Dockerfile", "Containerfile", "Dockerfile.prod", "Containerfile.dev",
      "web.Dockerfile", "web.dockerfile", "Makefile", "makefile", "GNUmakefile", "docker-entrypoint", "ENTRYPOINT",
      "deploy/scripts/run", "a/b/.bashrc", "sub dir/Dockerfile",
      // Not deploylint's: must not be passed.
      "README.md", "package.json", "x.py", "src/main.rs", "Dockerfile/x.txt", "docs/entrypoint.md", "a.c.orig",
    ];
    // Python's `re`, as pre-commit matches it (re.search), with the interpreter pre-commit runs on.
    const shebang = readFileSync(PRE_COMMIT as string, "utf8").split("\n")[0] ?? "";
    const python = /^#!\s*(\S+)/.exec(shebang)?.[1] ?? "python3";
    const script = "import json, re, sys\np = re.compile(sys.argv[1])\nprint(json.dumps([bool(p.search(n)) for n in json.loads(sys.argv[2])]))";
    const matched = JSON.parse(execFileSync(python, ["-c", script, hook?.files ?? "", JSON.stringify(names)], { encoding: "utf8" })) as boolean[];
    const wanted = names.map((n) => languageFromName(n) !== undefined || needsHead(n));
    const diff = names.flatMap((n, i) => (matched[i] === wanted[i] ? [] : [`${n}: pattern ${matched[i]}, deploylint ${wanted[i]}`]));
    expect(diff).toEqual([]);
  });
});

describe("files pre-commit may pass that deploylint does not lint", () => {
  it("are skipped silently: README.md named explicitly prints nothing and exits 0", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-precommit-cli-"));
    try {
      writeFileSync(path.join(dir, "README.md"), "# hello\n");
      writeFileSync(path.join(dir, "LICENSE"), "MIT\n");
      writeFileSync(path.join(dir, "notes.conf"), "key = value\n"); // a .conf that is not an upstart job
      let out = "";
      const io: CliIO = {
        cwd: dir,
        env: {},
        isTTY: false,
        stdout: (s) => {
          out += s;
        },
        stderr: (s) => {
          out += s;
        },
        readStdin: async () => "",
      };
      expect(await main(["--max-warnings", "0", "README.md", "LICENSE", "notes.conf"], io)).toBe(0);
      expect(out).toBe("");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
