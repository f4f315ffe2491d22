/**
 * Configuration through the CLI: levels and exit codes, options reaching rules, --rule/--disable
 * over config, ignore and languages in discovery, overrides, --config, --stdin-filename,
 * --print-config, `deploylint init`, every validation error as one line with exit 2, and the
 * worker pool (the built bin, -j 2 over ≥ 64 files) giving the same output as one thread.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import { ConfigValidator } from "../src/config/index.js";
import { allRules } from "../src/engine/registry.js";
import { cli, GOTO_FAIL } from "./support/cli.js";
import { useTempDir, writeRepo } from "./support/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "dist/bundle/deploylint.js");
const MI = "c/misleading-indentation";
const NTS = "dockerfile/no-test-step";

/** Misleading only when a tab is 4 columns (see test/c-misleading-indentation.test.ts). */
const TAB_FOUR = ["void f(int x) {", "\tif (x)", "\t\tx++;", "        x--;", "}", ""].join("\n");
const DOCKERFILE_CHECK = "FROM python:3.12\nCOPY . /app\nRUN ./bin/check --all\n";
const UPSTART_JOB = 'description "web"\nstart on runlevel [2345]\nrespawn\nexec docker run myorg/web:1.4\n';

interface JsonFinding {
  file: string;
  line: number;
  ruleId: string;
  severity: string;
}

async function findings(args: string[], cwd: string): Promise<{ code: number; found: string[]; stderr: string }> {
  const r = await cli(["-f", "json", "-j", "1", ...args], { cwd });
  const found = r.stdout === "" ? [] : (JSON.parse(r.stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line} ${f.ruleId} ${f.severity}`);
  return { code: r.code, found, stderr: r.stderr };
}

const tmp = useTempDir("deploylint-config-cli-");
let counter = 0;
/** A fresh tree under its own `.git`, so no config above the temp directory can leak in. */
const tree = (files: Record<string, string>): string => writeRepo(path.join(tmp(), `t${counter++}`), files);

describe("rule levels", () => {
  it("error → exit 1, warning and info → exit 0, off → nothing", async () => {
    for (const [level, code, found] of [
      ["error", 1, ["ssl.c:4 c/misleading-indentation error"]],
      ["warning", 0, ["ssl.c:4 c/misleading-indentation warning"]],
      ["info", 0, ["ssl.c:4 c/misleading-indentation info"]],
      ["off", 0, []],
    ] as const) {
      const cwd = tree({ "ssl.c": GOTO_FAIL, ".deploylint.yaml": `rules:\n  ${MI}: ${level}\n` });
      expect(await findings(["."], cwd), level).toEqual({ code, found, stderr: "" });
    }
  });

  it("a warning from config counts for --max-warnings", async () => {
    const cwd = tree({ "ssl.c": GOTO_FAIL, "deploylint.config.json": JSON.stringify({ rules: { [MI]: "warning" } }) });
    expect((await cli(["--max-warnings", "0", "."], { cwd })).code).toBe(1);
  });

  it("--rule runs a rule config turns off; --disable wins over config", async () => {
    const cwd = tree({ "ssl.c": GOTO_FAIL, ".deploylint.yaml": `rules:\n  ${MI}: off\n` });
    expect((await findings(["--rule", MI, "."], cwd)).found).toEqual(["ssl.c:4 c/misleading-indentation error"]);
    const on = tree({ "ssl.c": GOTO_FAIL, ".deploylint.yaml": `rules:\n  ${MI}: warning\n` });
    expect((await findings(["--rule", MI, "."], on)).found).toEqual(["ssl.c:4 c/misleading-indentation warning"]);
    expect((await findings(["--disable", MI, "."], on)).found).toEqual([]);
  });
});

describe("options reach the rules", () => {
  it("c/misleading-indentation tabWidth", async () => {
    const cwd = tree({ "a/f.c": TAB_FOUR, "b/f.c": TAB_FOUR, "b/.deploylint.yaml": `rules:\n  ${MI}: [warning, { tabWidth: 4 }]\n` });
    expect((await findings(["."], cwd)).found).toEqual(["b/f.c:4 c/misleading-indentation warning"]);
  });

  it("dockerfile/no-test-step testCommands", async () => {
    const cwd = tree({
      "a/Dockerfile": DOCKERFILE_CHECK,
      "b/Dockerfile": DOCKERFILE_CHECK,
      "b/deploylint.config.json": JSON.stringify({ rules: { [NTS]: ["error", { testCommands: ["bin/check"] }] } }),
    });
    expect((await findings(["."], cwd)).found).toEqual([`a/Dockerfile:1 ${NTS} warning`]);
  });

  it("overrides apply to matching files only, later ones winning", async () => {
    const cwd = tree({
      "ssl.c": GOTO_FAIL,
      "legacy/ssl.c": GOTO_FAIL,
      "legacy/keep/ssl.c": GOTO_FAIL,
      ".deploylint.yaml": [
        "rules:",
        `  ${MI}: warning`,
        "overrides:",
        "  - files: [legacy/**]",
        "    rules:",
        `      ${MI}: off`,
        "  - files: [legacy/keep/*.c]",
        "    rules:",
        `      ${MI}: error`,
        "",
      ].join("\n"),
    });
    expect(await findings(["."], cwd)).toEqual({
      code: 1,
      found: ["legacy/keep/ssl.c:4 c/misleading-indentation error", "ssl.c:4 c/misleading-indentation warning"],
      stderr: "",
    });
  });
});

describe("discovery", () => {
  it("ignore globs are relative to the config's directory", async () => {
    const cwd = tree({
      "gen/a.c": GOTO_FAIL,
      "svc/gen/a.c": GOTO_FAIL,
      "svc/main.gen.c": GOTO_FAIL,
      "svc/ok.c": GOTO_FAIL,
      "svc/.deploylint.yaml": "ignore: [gen/, '*.gen.c']\n",
    });
    expect((await findings(["."], cwd)).found).toEqual(["gen/a.c:4 c/misleading-indentation error", "svc/ok.c:4 c/misleading-indentation error"]);
    // A named file that config ignores is skipped (as with .gitignore); a named ignored directory is walked.
    expect((await findings(["svc/main.gen.c"], cwd)).found).toEqual([]);
    expect((await findings(["svc/gen"], cwd)).found).toEqual(["svc/gen/a.c:4 c/misleading-indentation error"]);
  });

  it("languages patterns: *.upstart is linted as an upstart job", async () => {
    const files = { "jobs/web.upstart": UPSTART_JOB };
    expect((await findings(["."], tree(files))).found).toEqual([]);
    const cwd = tree({ ...files, ".deploylint.yaml": "languages:\n  upstart: ['*.upstart']\n" });
    const { found } = await findings(["."], cwd);
    expect(found).toContain("jobs/web.upstart:4 unit/missing-docker-dependency warning");
    expect(found.every((f) => f.startsWith("jobs/web.upstart:"))).toBe(true);
    // Named on the command line, too.
    expect((await findings(["jobs/web.upstart"], cwd)).found).toEqual(found);
  });

  it("languages patterns for extensionless scripts", async () => {
    const cwd = tree({ "bin/deploy": "docker run myorg/tool:1 migrate\n", ".deploylint.yaml": "languages:\n  shell: [bin/*]\n" });
    expect((await findings(["."], cwd)).found).toEqual(["bin/deploy:1 docker/run-missing-rm warning"]);
  });

  it("maxFileSize from config; --max-file-size wins", async () => {
    const cwd = tree({ "ssl.c": GOTO_FAIL, ".deploylint.yaml": "maxFileSize: 10\n" });
    const skipped = await findings(["."], cwd);
    expect(skipped.found).toEqual([]);
    expect(skipped.stderr).toMatch(/^deploylint: ssl\.c: file is 90 bytes/);
    expect((await findings(["--max-file-size", "1M", "."], cwd)).found).toEqual(["ssl.c:4 c/misleading-indentation error"]);
  });
});

describe("--config, --stdin-filename, --print-config", () => {
  it("--config uses that file only", async () => {
    const cwd = tree({
      "ssl.c": GOTO_FAIL,
      "sub/ssl.c": GOTO_FAIL,
      "sub/.deploylint.yaml": `rules:\n  ${MI}: off\n`,
      "ci/lint.yaml": `rules:\n  ${MI}: info\nignore: [/ssl.c]\noverrides:\n  - files: [sub/*]\n    rules:\n      ${MI}: warning\n`,
    });
    expect((await findings(["--config", "ci/lint.yaml", "sub"], cwd)).found).toEqual(["sub/ssl.c:4 c/misleading-indentation warning"]);
    expect((await findings(["-c", "ci/lint.yaml", "ssl.c"], cwd)).found).toEqual([]);
    const missing = await cli(["--config", "nope.yaml", "."], { cwd });
    expect(missing).toEqual({ code: 2, stdout: "", stderr: "deploylint: nope.yaml: cannot read: no such file or directory\n" });
  });

  it("--stdin resolves the config of --stdin-filename relative to cwd", async () => {
    const cwd = tree({ "svc/.deploylint.yaml": `rules:\n  ${MI}: info\nlanguages:\n  upstart: ['*.job']\n` });
    const r = await cli(["-f", "json", "--stdin", "--stdin-filename", "svc/ssl.c"], { cwd, stdin: GOTO_FAIL });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject([{ file: "svc/ssl.c", ruleId: MI, severity: "info" }]);
    const job = await cli(["-f", "json", "--stdin", "--stdin-filename", "svc/web.job"], { cwd, stdin: UPSTART_JOB });
    expect((JSON.parse(job.stdout) as JsonFinding[]).map((f) => f.ruleId)).toContain("unit/missing-docker-dependency");
  });

  it("--print-config prints the effective configuration of a file", async () => {
    const cwd = tree({
      ".deploylint.yaml": `rules:\n  ${MI}: [warning, { tabWidth: 4 }]\n  docker/run-missing-rm: off\nignore: [gen/]\nmaxFileSize: 1M\n`,
      "svc/deploylint.config.json": JSON.stringify({ extends: "../base.yaml", languages: { shell: ["*.run"] } }),
      "base.yaml": `rules:\n  ${MI}: info\n`,
    });
    const r = await cli(["--print-config", "svc/x.run"], { cwd });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      file: "svc/x.run",
      configFiles: [".deploylint.yaml", "svc/deploylint.config.json", "base.yaml"],
      language: "shell",
      ignoredByConfig: false,
      maxFileSize: 1024 * 1024,
    });
    expect(out.rules[MI]).toEqual(["info", { tabWidth: 4 }]);
    expect(out.rules["docker/run-missing-rm"]).toBe("off");
    expect(Object.keys(out.rules)).toEqual(allRules().map((rule) => rule.id));
    expect(JSON.parse((await cli(["--print-config", "gen/a.c"], { cwd })).stdout).ignoredByConfig).toBe(true);
  });
});

describe("errors: one line naming the file and the key, exit 2, nothing linted", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["unknown rule", { ".deploylint.yaml": "rules:\n  c/nope: error\n" }, `.deploylint.yaml: rules."c/nope": unknown rule (see 'deploylint rules')`],
    ["bad level", { ".deploylint.yaml": `rules:\n  ${MI}: warn\n` }, `.deploylint.yaml: rules."${MI}": must be one of off, info, warning, error, or [level, { options }]`],
    [
      "option below its minimum",
      { ".deploylint.yaml": `rules:\n  ${MI}: [error, { tabWidth: 0 }]\n` },
      `.deploylint.yaml: rules."${MI}"[1].tabWidth: must be an integer ≥ 1`,
    ],
    [
      "bad option type",
      { "deploylint.config.json": JSON.stringify({ rules: { [NTS]: ["error", { testCommands: "bin/check" }] } }) },
      `deploylint.config.json: rules."${NTS}"[1].testCommands: must be a list of strings`,
    ],
    [
      "unknown option",
      { ".deploylint.yaml": `rules:\n  ${MI}: [error, { tabSize: 4 }]\n` },
      `.deploylint.yaml: rules."${MI}"[1].tabSize: unknown option (${MI} takes tabWidth)`,
    ],
    [
      "unknown key",
      { ".deploylint.yaml": "ignores: [vendor/]\n" },
      ".deploylint.yaml: ignores: unknown key (expected one of: root, extends, rules, ignore, overrides, languages, maxFileSize)",
    ],
    [
      "malformed JSON",
      { "deploylint.config.json": '{\n  "rules": {\n    "c/misleading-indentation": "off",\n  }\n}\n' },
      "deploylint.config.json:4:3: invalid JSON: trailing comma before '}'",
    ],
    [
      "malformed YAML",
      { ".deploylint.yaml": "rules:\n  c/misleading-indentation: off\n rules: {}\n" },
      ".deploylint.yaml:3:1: invalid YAML: all mapping items must start at the same column",
    ],
    [
      "extends cycle",
      { ".deploylint.yaml": "extends: ./a.yaml\n", "a.yaml": "extends: ./.deploylint.yaml\n" },
      "a.yaml: extends: cycle: .deploylint.yaml → a.yaml → .deploylint.yaml",
    ],
    ["a config found deep in the tree", { "a/b/c/.deploylint.yml": "rules: [1]\n", "a/b/c/d/x.sh": "" }, "a/b/c/.deploylint.yml: rules: must be a mapping of rule ids to levels"],
  ];
  it.each(cases)("%s", async (_name, files, message) => {
    const cwd = tree({ "ssl.c": GOTO_FAIL, ...files });
    expect(await cli(["."], { cwd })).toEqual({ code: 2, stdout: "", stderr: `deploylint: ${message}\n` });
  });

  it("a config that applies to no linted file is not read", async () => {
    const cwd = tree({ "ssl.c": GOTO_FAIL, "other/.deploylint.yaml": "rules: [" });
    expect((await cli(["ssl.c"], { cwd })).code).toBe(1);
  });
});

describe("deploylint init", () => {
  it("writes a starter .deploylint.yaml that parses and validates, and refuses to overwrite", async () => {
    const cwd = tree({ "ssl.c": GOTO_FAIL });
    const r = await cli(["init"], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(".deploylint.yaml");
    const text = readFileSync(path.join(cwd, ".deploylint.yaml"), "utf8");
    expect(new ConfigValidator(allRules()).validate(YAML.parse(text)).ok).toBe(true);
    // The defaults it lists change nothing.
    expect((await findings(["."], cwd)).found).toEqual(["ssl.c:4 c/misleading-indentation error"]);
    writeFileSync(path.join(cwd, ".deploylint.yaml"), text.replace(/^(\s*)# /gm, "$1"));
    expect((await findings(["."], cwd)).found).toEqual(["ssl.c:4 c/misleading-indentation error"]);
    const again = await cli(["init"], { cwd });
    expect(again).toEqual({ code: 2, stdout: "", stderr: "deploylint: .deploylint.yaml already exists; not overwriting it\n" });
  });

  it("refuses when another config file is there", async () => {
    const cwd = tree({ "deploylint.config.json": "{}" });
    const r = await cli(["init"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("deploylint: deploylint.config.json already exists; not overwriting it (a directory holds one config file)\n");
    expect(existsSync(path.join(cwd, ".deploylint.yaml"))).toBe(false);
  });
});

describe("worker threads", () => {
  it("-j 2 (the pool, from the built bin) gives the output of -j 1, each file with its own config", () => {
    const files: Record<string, string> = {
      ".deploylint.yaml": `rules:\n  ${MI}: [warning, { tabWidth: 4 }]\nlanguages:\n  upstart: ['*.upstart']\nignore: [skip/]\n`,
      "b/.deploylint.yaml": `rules:\n  ${MI}: info\n  docker/run-missing-rm: off\noverrides:\n  - files: ['*2.c']\n    rules:\n      ${MI}: error\n`,
      "c/deploylint.config.json": JSON.stringify({ root: true, rules: { [NTS]: ["error", { testCommands: ["bin/check"] }] } }),
    };
    for (let i = 0; i < 30; i++) {
      files[`a/f${i}.c`] = TAB_FOUR;
      files[`b/f${i}.c`] = TAB_FOUR;
      files[`b/j${i}.upstart`] = UPSTART_JOB;
      files[`skip/f${i}.c`] = GOTO_FAIL;
    }
    for (let i = 0; i < 5; i++) {
      files[`c/s${i}/Dockerfile`] = DOCKERFILE_CHECK;
      files[`c/s${i}/ssl.c`] = TAB_FOUR;
      files[`a/s${i}/Dockerfile`] = DOCKERFILE_CHECK;
    }
    const cwd = tree(files);
    const run = (jobs: string) => spawnSync(process.execPath, [BIN, "-f", "json", "-j", jobs, "."], { cwd, encoding: "utf8" });
    const one = run("1");
    const two = run("2");
    expect({ status: one.status, stderr: one.stderr }).toEqual({ status: 1, stderr: "" });
    expect({ status: two.status, stderr: two.stderr }).toEqual({ status: 1, stderr: "" });
    expect(two.stdout).toBe(one.stdout);
    const found = (JSON.parse(two.stdout) as JsonFinding[]).map((f) => `${f.file.split("/")[0]} ${f.ruleId} ${f.severity}`);
    const count = (s: string) => found.filter((f) => f === s).length;
    expect(count(`a ${MI} warning`)).toBe(30);
    expect(count(`b ${MI} info`)).toBe(27); // f2, f12, f22 are errors by the override
    expect(count(`b ${MI} error`)).toBe(3);
    expect(count(`b unit/missing-docker-dependency warning`)).toBe(30);
    expect(count(`b docker/run-missing-rm warning`)).toBe(0);
    expect(count(`a ${NTS} warning`)).toBe(5);
    expect(found.filter((f) => f.startsWith("c ") || f.startsWith("skip "))).toEqual([]);
  });
});
