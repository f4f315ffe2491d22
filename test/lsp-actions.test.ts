/**
 * The language server's pure parts, in process: suppression edits, language ids, settings, the
 * line diff of fix-all, and rule selection. The protocol itself is tested in lsp.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectLanguage } from "../src/engine/detect.js";
import { Linter } from "../src/engine/lint.js";
import { selectRules } from "../src/engine/registry.js";
import { UNUSED_SUPPRESSION } from "../src/engine/lint.js";
import { unsuppressed } from "../src/engine/result.js";
import { allRules } from "../src/engine/registry.js";
import type { Edit, Finding } from "../src/engine/types.js";
import { disableFileEdit, disableLineEdit, textDiffEdits } from "../src/lsp/actions.js";
import { languageFromId, uriToPath } from "../src/lsp/convert.js";
import { DocumentLinter, languageForDocument, rulesForDocument, type ProjectConfig } from "../src/lsp/linting.js";
import { DEFAULT_SETTINGS, parseSettings, settingsSection } from "../src/lsp/settings.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures");

// One Linter with every rule for all fixture runs (each new Linter loads the grammars again).
const selected = selectRules({});
const shared = new Linter(selected.ok ? selected.rules : [], allRules().map((r) => r.id));
afterAll(() => shared.dispose());

async function lintString(file: string, text: string) {
  const language = detectLanguage(file, text);
  if (!language) return { language, findings: [] as Finding[], notices: [] };
  return { language, ...(await shared.lint({ path: file, text, language })) };
}

function apply(text: string, e: Edit): string {
  return text.slice(0, e.start) + e.text + text.slice(e.end);
}

function finding(line: number, ruleId = "docker/run-missing-rm"): Finding {
  const pos = { offset: 0, line, column: 1 };
  return { file: "x", ruleId, severity: "warning", message: "m", range: { start: pos, end: pos }, related: [] };
}

/** Every fixture file of every rule, with the findings of all rules on it. */
function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const rule of allRules()) {
    const dir = path.join(FIXTURES, rule.id);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (!f.endsWith(".md")) out.push(path.join(dir, f));
  }
  return out;
}

describe("disable for this line", () => {
  it("inserts the directive above the line, with its indentation, in the host's comment syntax", () => {
    const c = "int f(int e) {\n\tif (e)\n\t\tgoto fail;\n\t\tgoto fail;\n}\n";
    expect(apply(c, disableLineEdit(c, "c", finding(4, "c/misleading-indentation")))).toBe(
      "int f(int e) {\n\tif (e)\n\t\tgoto fail;\n\t\t// deploylint-disable-next-line c/misleading-indentation\n\t\tgoto fail;\n}\n",
    );
    const unit = "[Service]\nExecStart=/usr/bin/docker run x\n";
    expect(apply(unit, disableLineEdit(unit, "systemd", finding(2)))).toBe(
      "[Service]\n# deploylint-disable-next-line docker/run-missing-rm\nExecStart=/usr/bin/docker run x\n",
    );
  });

  it("keeps CRLF line endings", () => {
    const sh = "#!/bin/sh\r\ndocker run x\r\n";
    expect(apply(sh, disableLineEdit(sh, "shell", finding(2)))).toBe("#!/bin/sh\r\n# deploylint-disable-next-line docker/run-missing-rm\r\ndocker run x\r\n");
  });

  it("goes above the first line of a continued line, and honours a Dockerfile's escape directive", () => {
    const df = "FROM debian\nRUN apt-get update && \\\n    docker run x\n";
    expect(apply(df, disableLineEdit(df, "dockerfile", finding(3)))).toBe(
      "FROM debian\n# deploylint-disable-next-line docker/run-missing-rm\nRUN apt-get update && \\\n    docker run x\n",
    );
    const tick = "# escape=`\nFROM debian\nRUN apt-get update && `\n    docker run x\n";
    expect(apply(tick, disableLineEdit(tick, "dockerfile", finding(4)))).toBe(
      "# escape=`\nFROM debian\n# deploylint-disable-next-line docker/run-missing-rm\nRUN apt-get update && `\n    docker run x\n",
    );
  });

  it("adds the rule to a next-line directive already above the line", () => {
    const sh = "  # deploylint-disable-next-line docker/run-name-unguarded -- legacy\n  docker run --name a x\n";
    expect(apply(sh, disableLineEdit(sh, "shell", finding(2)))).toBe(
      "  # deploylint-disable-next-line docker/run-name-unguarded, docker/run-missing-rm -- legacy\n  docker run --name a x\n",
    );
  });

  it.each([
    ["deploy.sh", "#!/bin/sh\nset -e\ntrue && \\\n  docker run -d nginx\n"],
    ["Makefile", "run:\n\ttrue && \\\n\t  docker run -d nginx\n"],
    ["Dockerfile", "FROM debian:12\nRUN true && \\\n  docker run -d nginx\n"],
  ])("a finding on a continuation line of %s is suppressed by the directive it gets", async (file, text) => {
    const before = await lintString(file, text);
    const last = text.split("\n").length - 1; // the `docker run` line, joined to the one above
    const [f] = unsuppressed(before.findings).filter((g) => g.range.start.line === last);
    if (!f || !before.language) throw new Error(`no finding on the continuation line of ${file}`);
    const fixed = apply(text, disableLineEdit(text, before.language, f));
    const after = unsuppressed((await lintString(file, fixed)).findings);
    expect(after.filter((g) => g.ruleId === f.ruleId && g.message === f.message), fixed).toEqual([]);
    expect(after.filter((g) => g.ruleId === UNUSED_SUPPRESSION), fixed).toEqual([]);
  });

  // The real check: for every finding in every fixture, the inserted directive makes the engine
  // suppress exactly that finding, and the file still lints (no new parse problems).
  it("suppresses each finding of every fixture file", async () => {
    let checked = 0;
    for (const file of fixtureFiles()) {
      const rel = path.relative(FIXTURES, file);
      const text = readFileSync(file, "utf8");
      const before = await lintString(rel, text);
      if (!before.language) continue;
      const shown = unsuppressed(before.findings).filter((f) => f.ruleId !== UNUSED_SUPPRESSION);
      for (const f of shown) {
        const fixed = apply(text, disableLineEdit(text, before.language, f));
        const after = await lintString(rel, fixed);
        const left = unsuppressed(after.findings);
        const same = left.filter((g) => g.ruleId === f.ruleId && g.message === f.message && g.range.start.column === f.range.start.column);
        expect(same.length, `${rel}:${f.range.start.line}: ${f.ruleId} still reported after "disable for this line"\n${fixed}`).toBeLessThan(
          shown.filter((g) => g.ruleId === f.ruleId && g.message === f.message && g.range.start.column === f.range.start.column).length,
        );
        // The new directive is used: no unused-suppression finding appears.
        const unused = (fs: readonly Finding[]) => fs.filter((g) => g.ruleId === UNUSED_SUPPRESSION).map((g) => g.message);
        expect(unused(left), `${rel}: unused directive`).toEqual(unused(unsuppressed(before.findings)));
        expect(after.notices, rel).toEqual(before.notices);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe("disable for this file", () => {
  it("goes at the top, after a shebang, after a Dockerfile's parser directives", () => {
    const c = "int x;\n";
    expect(apply(c, disableFileEdit(c, "c", "c/misleading-indentation"))).toBe("// deploylint-disable-file c/misleading-indentation\nint x;\n");
    const sh = "#!/bin/sh -e\ndocker run x\n";
    expect(apply(sh, disableFileEdit(sh, "shell", "docker/run-missing-rm"))).toBe("#!/bin/sh -e\n# deploylint-disable-file docker/run-missing-rm\ndocker run x\n");
    const df = "# syntax=docker/dockerfile:1\n# escape=\\\nFROM debian\n";
    expect(apply(df, disableFileEdit(df, "dockerfile", "docker/run-missing-rm"))).toBe(
      "# syntax=docker/dockerfile:1\n# escape=\\\n# deploylint-disable-file docker/run-missing-rm\nFROM debian\n",
    );
    const bare = "#!/bin/sh";
    expect(apply(bare, disableFileEdit(bare, "shell", "docker/run-missing-rm"))).toBe("#!/bin/sh\n# deploylint-disable-file docker/run-missing-rm\n");
  });

  it("adds the rule to an existing file directive", () => {
    const sh = "#!/bin/sh\n# deploylint-disable-file docker/run-name-unguarded\ndocker run x\n";
    expect(apply(sh, disableFileEdit(sh, "shell", "docker/run-missing-rm"))).toBe(
      "#!/bin/sh\n# deploylint-disable-file docker/run-name-unguarded, docker/run-missing-rm\ndocker run x\n",
    );
  });

  it("suppresses every finding of that rule in every fixture file", async () => {
    for (const file of fixtureFiles()) {
      const rel = path.relative(FIXTURES, file);
      const text = readFileSync(file, "utf8");
      const before = await lintString(rel, text);
      if (!before.language) continue;
      const ids = new Set(unsuppressed(before.findings).map((f) => f.ruleId).filter((id) => id !== UNUSED_SUPPRESSION));
      for (const id of ids) {
        const fixed = apply(text, disableFileEdit(text, before.language, id));
        const after = await lintString(rel, fixed);
        expect(unsuppressed(after.findings).filter((f) => f.ruleId === id), `${rel}: ${id}\n${fixed}`).toEqual([]);
        expect(after.notices, rel).toEqual(before.notices);
      }
    }
  });
});

describe("fix-all edits", () => {
  it("are line hunks that rebuild the fixed text", () => {
    const before = "a\nb\nc\nd\ne\n";
    const after = "a\nB\nc\nd\nE\nf\n";
    const edits = textDiffEdits(before, after);
    expect(edits.length).toBe(2);
    let out = before;
    for (const e of [...edits].sort((x, y) => y.start - x.start)) out = apply(out, e);
    expect(out).toBe(after);
    expect(textDiffEdits(before, before)).toEqual([]);
  });
});

describe("languages", () => {
  it("maps the ids editors send", () => {
    expect(languageFromId("c")).toBe("c");
    expect(languageFromId("cpp")).toBe("cpp");
    expect(languageFromId("c++")).toBe("cpp");
    expect(languageFromId("shellscript")).toBe("shell");
    expect(languageFromId("sh")).toBe("shell");
    expect(languageFromId("bash")).toBe("shell");
    expect(languageFromId("dockerfile")).toBe("dockerfile");
    expect(languageFromId("makefile")).toBe("make");
    expect(languageFromId("make")).toBe("make");
    expect(languageFromId("systemd")).toBe("systemd");
    expect(languageFromId("upstart")).toBe("upstart");
    expect(languageFromId("plaintext")).toBeUndefined();
    expect(languageFromId("toString")).toBeUndefined();
    expect(languageFromId("")).toBeUndefined();
  });

  it("takes the languageId first, then the file name and text", () => {
    expect(languageForDocument("/x/build.docker", "FROM debian\n", "dockerfile")).toBe("dockerfile");
    expect(languageForDocument("/x/web.service", "[Service]\n", "")).toBe("systemd");
    expect(languageForDocument("/x/deploy", "#!/bin/bash\n", "conf")).toBe("shell");
    expect(languageForDocument("/x/notes.txt", "hello\n", "plaintext")).toBeUndefined();
    // A .h header that uses C++ is C++, unless the editor says which it is.
    expect(languageForDocument("/x/tls.h", "namespace tls {}\n", "")).toBe("cpp");
    expect(languageForDocument("/x/tls.h", "namespace tls {}\n", "c")).toBe("c");
    expect(languageForDocument("/x/util.h", "int f(void);\n", "")).toBe("c");
    // The project's `languages` patterns come first, as on the command line.
    expect(languageForDocument("/x/web.upstart", "exec x\n", "c", (p) => (p.endsWith(".upstart") ? "upstart" : undefined))).toBe("upstart");
  });

  it("turns URIs into paths without throwing", () => {
    expect(uriToPath("file:///tmp/a%20b/Dockerfile")).toEqual({ path: "/tmp/a b/Dockerfile", onDisk: true });
    expect(uriToPath("untitled:Dockerfile")).toEqual({ path: "Dockerfile", onDisk: false });
    expect(uriToPath("file://host/%%%").onDisk).toBe(false);
  });
});

describe("settings", () => {
  it("reads the deploylint section in either shape, and reports bad fields", () => {
    expect(settingsSection({ deploylint: { debounceMs: 5 } })).toEqual({ debounceMs: 5 });
    expect(settingsSection({ debounceMs: 5 })).toEqual({ debounceMs: 5 });
    expect(settingsSection({ other: 1 })).toBeUndefined();
    expect(settingsSection("x")).toBeUndefined();
    const { settings, problems } = parseSettings(
      {
        rules: {
          "c/misleading-indentation": ["info", { tabWidth: 4 }],
          "docker/run-missing-rm": "error",
          "docker/run-name-unguarded": "loud",
          "c/misleading-identation": "off",
          "dockerfile/no-test-step": ["warning", { tabWidth: 4 }],
        },
        disable: "a,b",
        debounceMs: "soon",
      },
      DEFAULT_SETTINGS,
    );
    expect(settings.rules.settings).toEqual({ "c/misleading-indentation": { level: "info", options: { tabWidth: 4 } }, "docker/run-missing-rm": { level: "error" } });
    expect(settings.rules.disable).toEqual(["a", "b"]);
    expect(settings.debounceMs).toBe(DEFAULT_SETTINGS.debounceMs);
    // Validated as in a config file: a bad level, an unknown rule (with a suggestion), an unknown option.
    expect(problems.join("\n")).toMatch(/docker\/run-name-unguarded/);
    expect(problems.join("\n")).toMatch(/did you mean c\/misleading-indentation/);
    expect(problems.join("\n")).toMatch(/dockerfile\/no-test-step/);
    expect(problems.join("\n")).toMatch(/debounceMs/);
    expect(parseSettings({ rules: ["c/misleading-indentation"] }, DEFAULT_SETTINGS).settings.rules.only).toEqual(["c/misleading-indentation"]);
  });

  it("layers the client's rule settings over the project's configuration", () => {
    const config: ProjectConfig = {
      forFile: () => ({ ok: true, selection: { disable: ["docker/run-missing-rm"], settings: { "c/misleading-indentation": { level: "warning", options: { tabWidth: 4 } } } }, maxBytes: 1000 }),
      languageOf: () => undefined,
      isIgnored: () => false,
      reload: () => {},
    };
    const settings = parseSettings({ rules: { "c/misleading-indentation": "error" }, disable: ["dockerfile/no-test-step"] }, DEFAULT_SETTINGS).settings;
    const { selection } = rulesForDocument("/x/a.c", settings, config);
    expect(selection.disable).toEqual(["docker/run-missing-rm", "dockerfile/no-test-step"]);
    expect(selection.settings?.["c/misleading-indentation"]).toEqual({ level: "error", options: { tabWidth: 4 } });
    expect(rulesForDocument("/x/a.c", settings, config).maxBytes).toBe(1000);
    expect(rulesForDocument("/x/a.c", { ...settings, maxFileSize: 10 }, config).maxBytes).toBe(10);
    expect(rulesForDocument("/x/a.c", { ...settings, useConfigFiles: false }, config).selection.disable).toEqual(["dockerfile/no-test-step"]);
  });

  it("lints with the valid rules when a setting names an unknown one", async () => {
    const linter = new DocumentLinter(parseSettings({ disable: ["no/such-rule"] }, DEFAULT_SETTINGS).settings);
    try {
      const out = await linter.lintText({ uri: "file:///x/a.c", text: "int f(int e) {\n\tif (e)\n\t\tgoto fail;\n\t\tgoto fail;\nfail:\n\treturn 0;\n}\n" });
      expect(out.findings.map((f) => f.ruleId)).toEqual(["c/misleading-indentation"]);
      expect(out.problems.join()).toContain("no/such-rule");
    } finally {
      linter.dispose();
    }
  });
});
