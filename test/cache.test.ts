/**
 * `--cache`: a second run over an unchanged tree parses nothing; a change of content, rule
 * settings, version or project facts invalidates exactly the files it concerns; a corrupt cache
 * is ignored; `--cache-location`; `--fix` with a cache; the built bin with `-j 2`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CACHE_FILE_NAME, defaultCacheDir } from "../src/engine/cache.js";
import { Linter } from "../src/engine/lint.js";
import { lintPaths, type RunOptions } from "../src/engine/run.js";
import { cli, GOTO_FAIL } from "./support/cli.js";
import { useTempDir, writeTree } from "./support/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "dist/bundle/deploylint.js");

const tmp = useTempDir("deploylint-cache-");
afterEach(() => {
  vi.restoreAllMocks();
});

const tree = (name: string, files: Record<string, string>): string => writeTree(path.join(tmp(), name), files);

const MISSING_RM = "#!/bin/sh\nset -e\ndocker run myorg/tool:1.0 migrate\n";
const ENTRYPOINT = "#!/bin/sh\nset -e\necho starting\ngunicorn app:app\n";
const FILES = {
  "ssl.c": GOTO_FAIL,
  "deploy.sh": MISSING_RM,
  "start.sh": ENTRYPOINT,
  "web.service": "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4\n",
  "clean.c": "int g(void) { return 0; }\n",
};

function options(cwd: string, extra: Partial<RunOptions> = {}): RunOptions {
  return { cwd, root: cwd, selection: {}, maxBytes: 5 * 1024 * 1024, jobs: 1, cache: { version: "1.0.0" }, ...extra };
}

/** Runs lintPaths and counts how many texts the Linter linted (every lint ends in `lintPrepared`). */
async function counted(cwd: string, extra: Partial<RunOptions> = {}) {
  const spy = vi.spyOn(Linter.prototype, "lintPrepared");
  try {
    const out = await lintPaths(["."], options(cwd, extra));
    return { out, parsed: spy.mock.calls.map((c) => c[0].input.path).sort() };
  } finally {
    spy.mockRestore();
  }
}

describe("--cache", () => {
  it("a second run over an unchanged tree parses nothing and reports the same", async () => {
    const cwd = tree("warm", FILES);
    const first = await counted(cwd);
    expect(first.parsed).toEqual(Object.keys(FILES).sort());
    expect(first.out.cached).toBe(0);
    expect(existsSync(path.join(defaultCacheDir(cwd), CACHE_FILE_NAME))).toBe(true);
    const second = await counted(cwd);
    expect(second.parsed).toEqual([]);
    expect(second.out.cached).toBe(Object.keys(FILES).length);
    expect(second.out.result.findings).toEqual(first.out.result.findings);
    expect(second.out.result.filesLinted).toBe(first.out.result.filesLinted);
    expect([...second.out.result.sources.keys()]).toEqual([...first.out.result.sources.keys()]);
  });

  it("re-lints a changed file, and only that one", async () => {
    const cwd = tree("changed", FILES);
    await counted(cwd);
    writeFileSync(path.join(cwd, "deploy.sh"), MISSING_RM.replace("myorg/tool:1.0", "myorg/other:2.0"));
    const again = await counted(cwd);
    expect(again.parsed).toEqual(["deploy.sh"]);
    expect(again.out.result.findings.find((f) => f.file === "deploy.sh")?.message).toContain("myorg/other:2.0");
  });

  it("is invalidated by other rule settings and by another version", async () => {
    const cwd = tree("settings", FILES);
    await counted(cwd);
    expect((await counted(cwd, { selection: { disable: ["docker/run-missing-rm"] } })).parsed).toHaveLength(5);
    expect((await counted(cwd, { selection: { disable: ["docker/run-missing-rm"] } })).parsed).toEqual([]);
    expect((await counted(cwd, { cache: { version: "2.0.0" } })).parsed).toHaveLength(5);
    expect((await counted(cwd, { cache: { version: "2.0.0" } })).parsed).toEqual([]);
  });

  it("is invalidated for a script that a new Dockerfile makes an entrypoint", async () => {
    // `serve.sh` is no entrypoint by its name: only a Dockerfile can make it one.
    const cwd = tree("facts", { "serve.sh": ENTRYPOINT, "other.sh": MISSING_RM });
    const first = await counted(cwd);
    expect(first.out.result.findings.map((f) => f.ruleId)).toEqual(["docker/run-missing-rm"]);
    writeFileSync(path.join(cwd, "Dockerfile"), 'FROM debian:12\nCOPY serve.sh /serve.sh\nENTRYPOINT ["/serve.sh"]\n');
    const second = await counted(cwd);
    expect(second.parsed).toEqual(["Dockerfile", "serve.sh"]);
    expect(second.out.result.findings.map((f) => f.ruleId)).toContain("shell/entrypoint-without-exec");
  });

  it("ignores a corrupt or foreign cache file without failing, then replaces it", async () => {
    const cwd = tree("corrupt", FILES);
    const file = path.join(defaultCacheDir(cwd), CACHE_FILE_NAME);
    mkdirSync(path.dirname(file), { recursive: true });
    for (const junk of ["{ not json", "[]", '{"schema":1,"version":"1.0.0","entries":{"x":{"key":1}}}', "null"]) {
      writeFileSync(file, junk);
      const run = await counted(cwd);
      expect(run.parsed).toHaveLength(5);
      expect(run.out.result.notices).toEqual([]);
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ schema: 1, version: "1.0.0" });
    }
    // Well-formed JSON with entries of the wrong shape: those entries are ignored.
    const data = JSON.parse(readFileSync(file, "utf8"));
    data.entries[path.join(cwd, "ssl.c")].findings = [{ ruleId: 3 }];
    writeFileSync(file, JSON.stringify(data));
    expect((await counted(cwd)).parsed).toEqual(["ssl.c"]);
  });

  it("drops the entries of files that are gone, keeps those of files not linted this time", async () => {
    const cwd = tree("prune", { "a/x.sh": MISSING_RM, "b/y.sh": MISSING_RM });
    await counted(cwd);
    const file = path.join(defaultCacheDir(cwd), CACHE_FILE_NAME);
    rmSync(path.join(cwd, "a/x.sh"));
    await lintPaths(["b"], options(cwd));
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).entries)).toEqual([path.join(cwd, "b/y.sh")]);
    writeFileSync(path.join(cwd, "a/z.sh"), MISSING_RM);
    await lintPaths(["a"], options(cwd));
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).entries).sort()).toEqual([path.join(cwd, "a/z.sh"), path.join(cwd, "b/y.sh")]);
  });

  it("under --fix, a cached result with an applicable fix is a miss: the file is fixed", async () => {
    // docker-entrypoint.sh has only an unsafe fix: under --fix its cached result stands.
    const cwd = tree("fix", { "deploy.sh": MISSING_RM, "docker-entrypoint.sh": ENTRYPOINT });
    await counted(cwd);
    const fixing = await counted(cwd, { fix: { mode: "safe", dryRun: false, root: cwd } });
    expect(fixing.parsed).toEqual(["deploy.sh", "deploy.sh"]); // lint, fix, re-lint; the other from the cache
    expect(readFileSync(path.join(cwd, "deploy.sh"), "utf8")).toContain("docker run --rm");
    expect(fixing.out.result.findings.map((f) => f.file)).toEqual(["docker-entrypoint.sh"]);
    // The fixed file is linted once more next time, then cached.
    expect((await counted(cwd)).parsed).toEqual(["deploy.sh"]);
    expect((await counted(cwd)).parsed).toEqual([]);
  });

  it("--cache-location puts cache.json there; the CLI reports the same either way", async () => {
    const cwd = tree("cli", FILES);
    const run = async (args: string[]) => {
      const { code, stdout } = await cli(["-j", "1", "-f", "json", ...args], { cwd });
      return { code, stdout };
    };
    const plain = await run(["."]);
    const cold = await run(["--cache-location", "tmp/lint-cache", "."]);
    expect(existsSync(path.join(cwd, "tmp/lint-cache", CACHE_FILE_NAME))).toBe(true);
    expect(existsSync(defaultCacheDir(cwd))).toBe(false);
    const warm = await run(["--cache", "--cache-location", "tmp/lint-cache", "."]);
    expect(cold).toEqual(plain);
    expect(warm).toEqual(plain);
    await run(["--cache", "."]);
    expect(existsSync(path.join(defaultCacheDir(cwd), CACHE_FILE_NAME))).toBe(true);
  });

  it.skipIf(!existsSync(BIN))("the built bin with -j 2: a warm run reports what a cold one did", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 70; i++) files[`s${String(i).padStart(2, "0")}.sh`] = MISSING_RM.replace("migrate", `task${i}`);
    files["ssl.c"] = GOTO_FAIL;
    const cwd = tree("bin", files);
    const run = () => spawnSync(process.execPath, [BIN, "--cache", "-j", "2", "-f", "json", "."], { cwd, encoding: "utf8" });
    const cold = run();
    const warm = run();
    expect(JSON.parse(cold.stdout)).toHaveLength(71);
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.status).toBe(cold.status);
    const entries = JSON.parse(readFileSync(path.join(defaultCacheDir(cwd), CACHE_FILE_NAME), "utf8")).entries;
    expect(Object.keys(entries)).toHaveLength(71);
  });
});
