/**
 * Configuration without the CLI: the cascade (nearest wins, root: true, the repository root),
 * --config, extends, overrides, ignore and languages globs, keys, validation messages, syntax
 * errors with positions, and the starter file `deploylint init` writes.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { describe, expect, it } from "vitest";
import {
  ConfigResolver,
  ConfigValidator,
  formatConfigError,
  starterConfig,
  type ConfigError,
  type FileConfig,
} from "../src/config/index.js";
import { normalizeGlob } from "../src/config/glob.js";
import { jsonSyntaxError, parseConfigText } from "../src/config/parse.js";
import { allRules, selectRules } from "../src/engine/registry.js";
import { useTempDir, writeRepo } from "./support/tmp.js";

const MI = "c/misleading-indentation";
const RM = "docker/run-missing-rm";

const tmp = useTempDir("deploylint-config-");
let counter = 0;
/** A fresh tree under its own `.git`, so no config above the temp directory can leak in. */
const tree = (files: Record<string, string>): string => writeRepo(path.join(tmp(), `t${counter++}`), files);

function resolver(cwd: string, extra: Partial<ConstructorParameters<typeof ConfigResolver>[0]> = {}): ConfigResolver {
  return new ConfigResolver({ cwd, ...extra });
}

function configOf(r: ConfigResolver, cwd: string, file: string): FileConfig {
  const res = r.forFile(path.join(cwd, file));
  if (!res.ok) throw new Error(res.errors.map(formatConfigError).join("\n"));
  return res.config;
}

function settingsOf(r: ConfigResolver, cwd: string, file: string): unknown {
  return configOf(r, cwd, file).selection.settings ?? {};
}

function errorsOf(r: ConfigResolver, cwd: string, file: string): string[] {
  const res = r.forFile(path.join(cwd, file));
  if (res.ok) throw new Error(`expected a config error for ${file}`);
  return res.errors.map(formatConfigError);
}

describe("the cascade", () => {
  it("applies every config up to the repository root; the nearest wins, options merge key by key", () => {
    const cwd = tree({
      ".deploylint.yaml": `rules:\n  ${MI}: [warning, { tabWidth: 4 }]\n  ${RM}: error\n`,
      "sub/deploylint.config.json": JSON.stringify({ rules: { [MI]: "info" } }),
      "sub/deeper/.deploylint.yml": `rules:\n  ${RM}: off\n`,
    });
    const r = resolver(cwd);
    expect(settingsOf(r, cwd, "a.c")).toEqual({ [MI]: { level: "warning", options: { tabWidth: 4 } }, [RM]: { level: "error" } });
    expect(settingsOf(r, cwd, "sub/a.c")).toEqual({ [MI]: { level: "info", options: { tabWidth: 4 } }, [RM]: { level: "error" } });
    expect(settingsOf(r, cwd, "sub/deeper/x/a.c")).toEqual({ [MI]: { level: "info", options: { tabWidth: 4 } }, [RM]: { level: "off" } });
    const files = r.configFilesFor(path.join(cwd, "sub/deeper/a.c"));
    expect(files).toEqual({ ok: true, config: [".deploylint.yaml", "sub/deploylint.config.json", "sub/deeper/.deploylint.yml"] });
  });

  it("root: true stops the search", () => {
    const cwd = tree({
      ".deploylint.yaml": `rules:\n  ${RM}: off\n`,
      "svc/.deploylint.yaml": `root: true\nrules:\n  ${MI}: info\n`,
    });
    const r = resolver(cwd);
    expect(settingsOf(r, cwd, "svc/a.sh")).toEqual({ [MI]: { level: "info" } });
    expect(settingsOf(r, cwd, "a.sh")).toEqual({ [RM]: { level: "off" } });
  });

  it("stops after the repository root: a config above the checkout does not apply", () => {
    const outer = tree({ ".deploylint.yaml": `rules:\n  ${RM}: off\n`, "repo/.git/HEAD": "", "repo/a.sh": "" });
    const cwd = path.join(outer, "repo");
    expect(settingsOf(resolver(cwd), cwd, "a.sh")).toEqual({});
  });

  it("the working directory does not matter: configs are found from each file", () => {
    const root = tree({ ".deploylint.yaml": `rules:\n  ${RM}: info\n`, "a/b/c.sh": "" });
    const r = resolver(path.join(root, "a/b"));
    expect(settingsOf(r, root, "a/b/c.sh")).toEqual({ [RM]: { level: "info" } });
  });

  it("no config: no settings, and every file shares one key", () => {
    const cwd = tree({});
    const r = resolver(cwd);
    const a = configOf(r, cwd, "a.sh");
    expect(a.selection).toEqual({});
    expect(configOf(r, cwd, "x/y.c")).toBe(a);
  });

  it("two config files in one directory are an error", () => {
    const cwd = tree({ ".deploylint.yaml": "", "deploylint.config.json": "{}" });
    expect(errorsOf(resolver(cwd), cwd, "a.sh")).toEqual([
      ".deploylint.yaml: more than one config file in one directory (.deploylint.yaml, deploylint.config.json): keep one",
    ]);
  });
});

describe("--config", () => {
  it("uses only that file, with globs relative to the working directory", () => {
    const cwd = tree({
      "ci/strict.yaml": `rules:\n  ${RM}: error\nignore: [build/]\noverrides:\n  - files: [deploy/*.sh]\n    rules:\n      ${RM}: info\n`,
      "sub/.deploylint.yaml": `rules:\n  ${MI}: off\n`,
    });
    const r = resolver(cwd, { configFile: "ci/strict.yaml" });
    expect(settingsOf(r, cwd, "sub/a.c")).toEqual({ [RM]: { level: "error" } });
    expect(settingsOf(r, cwd, "deploy/run.sh")).toEqual({ [RM]: { level: "info" } });
    expect(r.isIgnored(path.join(cwd, "build"), true)).toBe(true);
    expect(r.isIgnored(path.join(cwd, "ci/build"), true)).toBe(true); // no slash: any depth, as in .gitignore
    expect(r.configFilesFor(path.join(cwd, "sub/a.c"))).toEqual({ ok: true, config: ["ci/strict.yaml"] });
  });

  it("a missing --config file is an error naming it", () => {
    const cwd = tree({});
    expect(errorsOf(resolver(cwd, { configFile: "nope.yaml" }), cwd, "a.sh")).toEqual(["nope.yaml: cannot read: no such file or directory"]);
    expect(errorsOf(resolver(cwd, { configFile: "x.toml" }), cwd, "a.sh")).toEqual([
      "x.toml: a config file's name must end in .json, .yaml or .yml",
    ]);
  });
});

describe("extends", () => {
  it("inlines the named files first (relative to the file naming them); this file's settings win", () => {
    const cwd = tree({
      "shared/base.json": JSON.stringify({ rules: { [MI]: ["warning", { tabWidth: 2 }], [RM]: "error" }, maxFileSize: "1K" }),
      "shared/more.yaml": `extends: ./base.json\nrules:\n  ${RM}: info\n`,
      "proj/.deploylint.yaml": `extends: [../shared/more.yaml]\nrules:\n  ${MI}: error\n`,
    });
    const r = resolver(cwd);
    const c = configOf(r, cwd, "proj/a.c");
    expect(c.selection.settings).toEqual({ [MI]: { level: "error", options: { tabWidth: 2 } }, [RM]: { level: "info" } });
    expect(c.maxBytes).toBe(1024);
    expect(r.configFilesFor(path.join(cwd, "proj/a.c"))).toEqual({
      ok: true,
      config: ["proj/.deploylint.yaml", "shared/more.yaml", "shared/base.json"],
    });
  });

  it("globs of an extended file are relative to the config that was found", () => {
    const cwd = tree({
      "preset.yaml": "ignore: [gen/]\nlanguages:\n  shell: [bin/*]\n",
      "proj/.deploylint.yaml": "extends: ../preset.yaml\n",
    });
    const r = resolver(cwd);
    expect(r.isIgnored(path.join(cwd, "proj/gen"), true)).toBe(true);
    expect(r.languageOf(path.join(cwd, "proj/bin/deploy"))).toBe("shell");
    expect(r.languageOf(path.join(cwd, "bin/deploy"))).toBeUndefined();
  });

  it("a cycle is an error naming the chain", () => {
    const cwd = tree({ ".deploylint.yaml": "extends: ./a.json\n", "a.json": '{ "extends": ["./b.yaml"] }', "b.yaml": "extends: ./a.json\n" });
    expect(errorsOf(resolver(cwd), cwd, "x.sh")).toEqual(["b.yaml: extends: cycle: a.json → b.yaml → a.json"]);
    const self = tree({ ".deploylint.yaml": "extends: ./.deploylint.yaml\n" });
    expect(errorsOf(resolver(self), self, "x.sh")).toEqual([".deploylint.yaml: extends: cycle: .deploylint.yaml → .deploylint.yaml"]);
  });

  it("a missing extended file is reported at the key that names it", () => {
    const cwd = tree({ ".deploylint.yaml": "extends: [./a.yaml, ./gone.yaml]\n", "a.yaml": "" });
    expect(errorsOf(resolver(cwd), cwd, "x.sh")).toEqual([".deploylint.yaml: extends[1]: ./gone.yaml: cannot read: no such file or directory"]);
  });

  it("an error inside an extended file names that file", () => {
    const cwd = tree({ ".deploylint.yaml": "extends: ./base.yaml\n", "base.yaml": "rules:\n  c/nope: off\n" });
    expect(errorsOf(resolver(cwd), cwd, "x.sh")).toEqual([`base.yaml: rules."c/nope": unknown rule (see 'deploylint rules')`]);
  });
});

describe("overrides", () => {
  const cwd = (): string =>
    tree({
      ".deploylint.yaml": [
        "rules:",
        `  ${RM}: error`,
        "overrides:",
        "  - files: ['*.sh']",
        "    rules:",
        `      ${RM}: warning`,
        "  - files: [deploy/**]",
        "    rules:",
        `      ${RM}: info`,
        "  - files: tests/",
        "    rules:",
        `      ${RM}: off`,
        "",
      ].join("\n"),
      "svc/.deploylint.yaml": `rules:\n  ${MI}: off\noverrides:\n  - files: [legacy/*.c]\n    rules:\n      ${MI}: info\n`,
    });

  it("match by name at any depth without a slash, relative to the config with one; later overrides win", () => {
    const dir = cwd();
    const r = resolver(dir);
    const level = (f: string): unknown => (settingsOf(r, dir, f) as Record<string, { level?: string }>)[RM]?.level;
    expect(level("Dockerfile")).toBe("error");
    expect(level("a.sh")).toBe("warning");
    expect(level("x/y/a.sh")).toBe("warning");
    expect(level("deploy/run.sh")).toBe("info");
    expect(level("deploy/x/Dockerfile")).toBe("info");
    expect(level("svc/deploy/run.sh")).toBe("warning"); // deploy/** is anchored to the config's directory
    expect(level("svc/tests/a.sh")).toBe("off"); // tests/: a directory at any depth
  });

  it("are relative to their own config's directory in a cascade", () => {
    const dir = cwd();
    const r = resolver(dir);
    const level = (f: string): unknown => (settingsOf(r, dir, f) as Record<string, { level?: string }>)[MI]?.level;
    expect(level("svc/legacy/a.c")).toBe("info");
    expect(level("svc/a.c")).toBe("off");
    expect(level("legacy/a.c")).toBeUndefined();
  });

  it("glob normalisation follows gitignore's slash rule", () => {
    expect(normalizeGlob("*.sh")).toBe("**/*.sh");
    expect(normalizeGlob("bin/*")).toBe("bin/*");
    expect(normalizeGlob("/Makefile")).toBe("Makefile");
    expect(normalizeGlob("./deploy/**/*.sh")).toBe("deploy/**/*.sh");
    expect(normalizeGlob("vendor/")).toBe("**/vendor/**");
  });
});

describe("ignore and languages", () => {
  it("ignore patterns are gitignore lines relative to the config's directory; nearer configs can negate", () => {
    const cwd = tree({
      ".deploylint.yaml": "ignore: [gen/, '*.gen.sh', /top-only.sh]\n",
      "svc/.deploylint.yaml": "ignore: ['!keep.gen.sh', out/]\n",
    });
    const r = resolver(cwd);
    const ig = (p: string, dir = false): boolean => r.isIgnored(path.join(cwd, p), dir);
    expect(ig("gen", true)).toBe(true);
    expect(ig("svc/gen", true)).toBe(true);
    expect(ig("gen/a.sh")).toBe(true);
    expect(ig("a.gen.sh")).toBe(true);
    expect(ig("top-only.sh")).toBe(true);
    expect(ig("svc/top-only.sh")).toBe(false);
    expect(ig("svc/keep.gen.sh")).toBe(false);
    expect(ig("keep.gen.sh")).toBe(true);
    expect(ig("svc/out", true)).toBe(true);
    expect(ig("out", true)).toBe(false);
    expect(ig("a.sh")).toBe(false);
  });

  it("languages patterns give a language; nearer configs first", () => {
    const cwd = tree({
      ".deploylint.yaml": "languages:\n  upstart: ['*.upstart']\n  shell: [bin/*]\n  dockerfile: ['*.df']\n",
      "svc/.deploylint.yaml": "languages:\n  shell: ['*.upstart']\n",
    });
    const r = resolver(cwd);
    const lang = (p: string): unknown => r.languageOf(path.join(cwd, p));
    expect(lang("jobs/web.upstart")).toBe("upstart");
    expect(lang("svc/web.upstart")).toBe("shell");
    expect(lang("bin/deploy")).toBe("shell");
    expect(lang("x/bin/deploy")).toBeUndefined();
    expect(lang("app.df")).toBe("dockerfile");
    expect(lang("a.c")).toBeUndefined();
  });
});

describe("keys and sizes", () => {
  it("equal effective settings share a key, whatever their spelling; different ones do not", () => {
    const cwd = tree({
      "a/.deploylint.yaml": `rules:\n  ${MI}: [${allRules().find((r) => r.id === MI)?.severity}, { tabWidth: 8 }]\n`,
      "b/.deploylint.yaml": `rules:\n  ${MI}: [error, { tabWidth: 4 }]\n`,
      "c/.deploylint.yaml": "maxFileSize: 100\n",
    });
    const r = resolver(cwd);
    const none = configOf(r, cwd, "x.c");
    expect(configOf(r, cwd, "a/x.c").key).toBe(none.key);
    expect(configOf(r, cwd, "b/x.c").key).not.toBe(none.key);
    expect(configOf(r, cwd, "c/x.c").key).not.toBe(none.key);
    expect(configOf(r, cwd, "c/x.c").maxBytes).toBe(100);
    expect(JSON.parse(JSON.stringify(configOf(r, cwd, "b/x.c")))).toEqual(configOf(r, cwd, "b/x.c")); // serialisable
  });

  it("the command line wins: --rule, --disable and --max-file-size", () => {
    const cwd = tree({ ".deploylint.yaml": `rules:\n  ${MI}: off\n  ${RM}: error\nmaxFileSize: 5M\n` });
    const r = resolver(cwd, { cli: { only: [MI], disable: [RM], maxBytes: 10 } });
    const c = configOf(r, cwd, "a.c");
    expect(c.maxBytes).toBe(10);
    const sel = selectRules(c.selection);
    expect(sel.ok && sel.rules.map((e) => e.rule.id)).toEqual([MI]);
  });
});

describe("validation", () => {
  const cases: [string, string, string][] = [
    ["unknown rule", `rules:\n  c/nope: error\n`, `rules."c/nope": unknown rule (see 'deploylint rules')`],
    ["misspelt rule", `rules:\n  c/misleading-indent: error\n`, `rules."c/misleading-indent": unknown rule; did you mean c/misleading-indentation?`],
    ["bad level", `rules:\n  ${MI}: warn\n`, `rules."${MI}": must be one of off, info, warning, error, or [level, { options }]`],
    ["bad level in a list", `rules:\n  ${MI}: [fatal]\n`, `rules."${MI}"[0]: must be one of off, info, warning, error`],
    ["too long a list", `rules:\n  ${MI}: [error, {}, 3]\n`, `rules."${MI}": must be [level] or [level, { options }]`],
    ["below minimum", `rules:\n  ${MI}: [error, { tabWidth: 0 }]\n`, `rules."${MI}"[1].tabWidth: must be an integer ≥ 1`],
    ["wrong option type", `rules:\n  ${MI}: [error, { tabWidth: "4" }]\n`, `rules."${MI}"[1].tabWidth: must be an integer ≥ 1`],
    ["unknown option", `rules:\n  ${MI}: [error, { tabwidth: 4 }]\n`, `rules."${MI}"[1].tabwidth: unknown option (${MI} takes tabWidth)`],
    ["option of a rule without options", `rules:\n  ${RM}: [error, { x: 1 }]\n`, `rules."${RM}"[1].x: unknown option (${RM} takes no options)`],
    ["list option item", `rules:\n  dockerfile/no-test-step: [warning, { testCommands: [1] }]\n`, `rules."dockerfile/no-test-step"[1].testCommands[0]: must be a string`],
    ["unknown key", `rule:\n  ${MI}: off\n`, "rule: unknown key (expected one of: root, extends, rules, ignore, overrides, languages, maxFileSize)"],
    ["root not boolean", `root: yes\n`, "root: must be true or false"],
    ["ignore not a list", `ignore: vendor/\n`, "ignore: must be a list of gitignore patterns"],
    ["override without files", `overrides:\n  - rules: {}\n`, "overrides[0].files: is required (the glob patterns the override applies to)"],
    ["override with a negated glob", `overrides:\n  - files: ['!x']\n`, "overrides[0].files[0]: must be a glob pattern (negation with ! is not supported here)"],
    ["unknown language", `languages:\n  python: ['*.py']\n`, "languages.python: unknown language (expected one of: c, cpp, shell, dockerfile, upstart, systemd, make)"],
    ["bad size", `maxFileSize: 5 megabytes\n`, "maxFileSize: must be a size like 500K or 5M, or a number of bytes ≥ 1"],
    ["zero size", `maxFileSize: 0\n`, "maxFileSize: must be a size like 500K or 5M, or a number of bytes ≥ 1"],
    ["extends without ./", `extends: base.yaml\n`, "extends: must be the path of a config file, relative to this one (./ or ../) or absolute"],
    ["not a mapping", `- a\n- b\n`, "a config file must hold a mapping of settings"],
  ];
  it.each(cases)("%s", (_name, text, message) => {
    const cwd = tree({ ".deploylint.yaml": text });
    const errors = resolver(cwd).check(["."]);
    expect(errors.map(formatConfigError)).toEqual([`.deploylint.yaml: ${message}`]);
  });

  it("reports every bad key, each once", () => {
    const v = new ConfigValidator(allRules());
    const res = v.validate({ rules: { "c/nope": "off", [MI]: ["error", { tabWidth: 0 }] }, bogus: 1 });
    expect(res.ok ? [] : res.problems.map((p) => p.path)).toEqual(["bogus", `rules."c/nope"`, `rules."${MI}"[1].tabWidth`]);
  });

  it("empty files and empty YAML keys are empty settings", () => {
    const cwd = tree({ ".deploylint.yaml": "# nothing yet\nrules:\nignore:\n", "sub/deploylint.config.json": "  \n" });
    expect(resolver(cwd).check(["sub"])).toEqual([]);
  });
});

describe("syntax errors", () => {
  const at = (text: string, format: "json" | "yaml"): string => {
    const r = parseConfigText(text, format);
    return r.ok ? "ok" : `${r.line}:${r.column}: ${r.message}`;
  };

  it("JSON: the first error with its line and column", () => {
    expect(at('{\n  "rules": {\n    "a": "off",\n  }\n}', "json")).toBe("4:3: invalid JSON: trailing comma before '}'");
    expect(at('{ "rules": { "a": "off" "b": 1 } }', "json")).toBe("1:25: invalid JSON: unexpected '\"', expected ',' or '}' after a property value");
    expect(at("{ rules: {} }", "json")).toBe("1:3: invalid JSON: unexpected 'r', expected a property name in double quotes");
    expect(at('{ "a": [1, 2 }', "json")).toBe("1:14: invalid JSON: unexpected '}', expected ',' or ']' after an array element");
    expect(at('{ "a": "x', "json")).toBe("1:8: invalid JSON: unterminated string");
    expect(at('{ "a": 1 }\n// c', "json")).toBe("2:1: invalid JSON: unexpected '/' after the end of the JSON value");
    expect(at('{ "a": ', "json")).toBe("1:8: invalid JSON: unexpected end of file, expected a value");
    expect(at('\uFEFF{ "a": 1 }', "json")).toBe("ok");
  });

  it("the JSON checker accepts exactly what JSON.parse accepts, on these samples", () => {
    for (const s of ['{"a":[1,-2.5e3,true,false,null,"\\u00e9\\n"]}', "[]", '"x"', "0", "-0.1", "[01]", '{"a":1,}', "[1,]", "'x'", "1 2", '"\t"']) {
      let parses = true;
      try {
        JSON.parse(s);
      } catch {
        parses = false;
      }
      expect(jsonSyntaxError(s) === undefined, s).toBe(parses);
    }
  });

  it("YAML: the parser's first error, on one line, with its position", () => {
    expect(at("rules:\n  a: [1\n", "yaml")).toBe("3:1: invalid YAML: flow sequence in block collection must be sufficiently indented and end with a ]");
    expect(at("rules: {}\nrules: {}\n", "yaml")).toBe("2:1: invalid YAML: map keys must be unique");
    expect(at("a: *nowhere\n", "yaml")).toMatch(/^1:1: invalid YAML: unresolved alias/);
  });
});

describe("deploylint init's starter file", () => {
  const text = starterConfig(allRules());

  it("parses, validates, and lists every rule with its default level", () => {
    const v = new ConfigValidator(allRules());
    expect(v.validate(YAML.parse(text))).toEqual({ ok: true, value: expect.anything() });
    for (const rule of allRules()) {
      expect(text).toContain(`## ${rule.id} (default ${rule.severity}; fix: `);
      for (const name of Object.keys(rule.options ?? {})) expect(text).toMatch(new RegExp(`#\\s+(- )?${name}: `));
    }
  });

  it("still validates with every commented setting uncommented, giving the defaults", () => {
    const uncommented = text.replace(/^(\s*)# /gm, "$1");
    const v = new ConfigValidator(allRules());
    const res = v.validate(YAML.parse(uncommented));
    expect(res.ok ? [] : res.problems).toEqual([]);
    const cwd = tree({ ".deploylint.yaml": uncommented.replace("- vendor/", "- vendor-x/") });
    const r = resolver(cwd);
    const errs: ConfigError[] = r.check(["."]);
    expect(errs).toEqual([]);
    const c = configOf(r, cwd, "a.sh");
    const sel = selectRules(c.selection);
    const defaults = selectRules({});
    expect(sel.ok && defaults.ok && sel.rules.map((e) => [e.rule.id, e.severity, e.options])).toEqual(
      defaults.ok && defaults.rules.map((e) => [e.rule.id, e.severity, e.options]),
    );
  });
});

describe("docs/configuration.md", () => {
  it("its YAML and JSON examples validate and say the same", () => {
    const doc = readFileSync(path.join(import.meta.dirname, "..", "docs", "configuration.md"), "utf8");
    const examples = doc.slice(doc.indexOf("## Examples"));
    const yamlText = /```yaml\n([\s\S]*?)```/.exec(examples)?.[1] ?? "";
    const jsonText = /```json\n([\s\S]*?)```/.exec(examples)?.[1] ?? "";
    const v = new ConfigValidator(allRules());
    const fromYaml: unknown = YAML.parse(yamlText);
    const fromJson: unknown = JSON.parse(jsonText);
    expect(v.validate(fromYaml)).toEqual({ ok: true, value: fromYaml });
    expect(fromJson).toEqual(fromYaml);
    // Every error line shown is one deploylint prints (checked where each case is tested).
    for (const block of doc.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      const res = v.validate(YAML.parse(block[1] ?? ""));
      expect(res.ok, block[1]).toBe(true);
    }
  });
});
