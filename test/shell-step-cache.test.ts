/**
 * Shell regions' steps are kept per region text in the Linter (step-cache.ts), and a file whose
 * text cannot name any program the command hooks want is not parsed at all (`mayName`). Both
 * must be invisible: the commands the rules see are exactly those of a fresh parse of every
 * region, after any sequence of edits, and no file that could name a wanted program is skipped.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectLanguage } from "../src/engine/detect.js";
import { Linter, type EnabledRule } from "../src/engine/lint.js";
import type { FileTask } from "../src/engine/lint-file.js";
import { LinterTable } from "../src/engine/linters.js";
import { defineRule, type Rule } from "../src/engine/rule.js";
import type { LanguageId } from "../src/engine/types.js";
import { isHostLanguage, parseHost, type HostLanguage } from "../src/languages/hosts.js";
import {
  argvCommand,
  mayName,
  regionInfo,
  shellTextCommands,
  type ShellCommand,
  type VariableValues,
} from "../src/languages/shell/commands.js";
import { StepCache } from "../src/languages/shell/step-cache.js";
import { TreeSitter } from "../src/languages/treesitter.js";
import { rng } from "../bench/rng.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const ts = new TreeSitter();
afterAll(() => ts.dispose());

/** A rule that records the commands its hook is called with (every command when `names` is empty). */
function recorder(names: readonly string[], seen: ShellCommand[]): EnabledRule {
  const rule: Rule = defineRule({
    id: "test/record-commands",
    languages: ["shell"],
    severity: "warning",
    docs: { summary: "records commands", why: "tests", bad: [], good: [] },
    fix: "never",
    check(ctx) {
      ctx.onCommand(names, (cmd) => seen.push(cmd));
    },
  });
  return { rule, severity: "warning", options: {} };
}

/**
 * A command with its region's preceding scopes listed: `precededBy` is a function, which compares
 * by identity, and each parse of a host makes its own.
 */
type Listed = Omit<ShellCommand, "region"> & { region: Omit<ShellCommand["region"], "precededBy"> & { precededBy: readonly string[] } };

function listed(cmd: ShellCommand): Listed {
  return { ...cmd, region: { ...cmd.region, precededBy: cmd.region.precededBy() } };
}

interface Recording {
  linter: Linter;
  /** The commands the hooks were called with while linting this text. */
  commands(file: string, text: string, language: LanguageId): Promise<Listed[]>;
}

/** Runs `fn` with a Linter whose only rules are recorders, one per name list. */
async function withRecorders(names: (readonly string[])[], options: { incremental?: boolean }, fn: (r: Recording) => Promise<void>): Promise<void> {
  const seen: ShellCommand[] = [];
  const linter = new Linter(
    names.map((n) => recorder(n, seen)),
    [],
    options,
  );
  const commands = async (file: string, text: string, language: LanguageId): Promise<Listed[]> => {
    seen.length = 0;
    await linter.lint({ path: file, text, language });
    return seen.map(listed);
  };
  try {
    await fn({ linter, commands });
  } finally {
    linter.dispose();
  }
}

/** The reference: every region parsed afresh and walked, as the engine did before it kept steps. */
async function fresh(text: string, language: HostLanguage): Promise<Listed[]> {
  const bash = await ts.grammar("bash");
  const out: ShellCommand[] = [];
  const vars: VariableValues = new Map();
  parseHost(language, text).regions.forEach((region, index) => {
    const info = regionInfo(region, index);
    if (region.kind === "argv") {
      const cmd = argvCommand(region, info, out.length, vars);
      if (cmd) out.push(cmd);
      return;
    }
    const tree = ts.parse(bash, region.text);
    try {
      out.push(...shellTextCommands(tree, region, info, out.length, vars));
    } finally {
      tree.delete();
    }
  });
  return out.map(listed);
}

/** Every fixture of a host of shell (Dockerfiles, units, upstart jobs, Makefiles, scripts). */
function hostFixtures(): { file: string; text: string; language: HostLanguage }[] {
  const out: { file: string; text: string; language: HostLanguage }[] = [];
  for (const family of readdirSync(FIXTURES)) {
    for (const rule of readdirSync(path.join(FIXTURES, family))) {
      const dir = path.join(FIXTURES, family, rule);
      for (const name of readdirSync(dir)) {
        const text = readFileSync(path.join(dir, name), "utf8");
        const language = detectLanguage(name, text);
        if (language && isHostLanguage(language)) out.push({ file: `${family}/${rule}/${name}`, text, language });
      }
    }
  }
  return out;
}

const PIECES = [" ", "\t", "\n", "x", "\\\n", "'", '"', "$D ", "D=docker\n", "&& docker run --name a x\n", "; set -e; ", "é"];

/** Edits of a text: single characters typed or deleted, lines duplicated, removed or indented. */
function session(start: string, seed: number, steps: number): string[] {
  const r = rng(seed).next; // seeded: a failure can be replayed
  const states: string[] = [];
  let text = start;
  for (let i = 0; i < steps; i++) {
    const lines = text.split("\n");
    const n = Math.floor(r() * lines.length);
    const k = r();
    if (k < 0.25) lines.splice(n, 0, lines[n] ?? "");
    else if (k < 0.4) lines.splice(n, 1);
    else if (k < 0.55) lines[n] = ` ${lines[n] ?? ""}`;
    if (k < 0.55) {
      text = lines.join("\n");
    } else {
      const at = Math.floor(r() * (text.length + 1));
      const del = r() < 0.4 ? Math.floor(r() * 3) : 0;
      text = text.slice(0, at) + (k < 0.85 ? (PIECES[Math.floor(r() * PIECES.length)] as string) : "") + text.slice(Math.min(text.length, at + del));
    }
    states.push(text);
  }
  return states;
}

describe("kept region steps give the commands of a fresh parse", () => {
  const fixtures = hostFixtures();

  it("finds fixtures of every host", () => {
    expect(new Set(fixtures.map((f) => f.language))).toEqual(new Set(["dockerfile", "systemd", "upstart", "make", "shell"]));
  });

  it("on every fixture, with a cold and a warm cache (one Linter for all, as a CLI worker)", async () => {
    await withRecorders([[]], {}, async ({ commands }) => {
      for (let pass = 0; pass < 2; pass++) {
        for (const f of fixtures) {
          expect(await commands(f.file, f.text, f.language), `${f.file}, pass ${pass + 1}`).toEqual(await fresh(f.text, f.language));
        }
      }
    });
  });

  it("after every edit of an editing session (the language server's incremental Linter)", async () => {
    await withRecorders([[]], { incremental: true }, async ({ commands }) => {
      for (const [i, f] of fixtures.entries()) {
        for (const text of session(f.text, 1000 + i, 25)) {
          expect(await commands(f.file, text, f.language), `${f.file}: ${JSON.stringify(text)}`).toEqual(await fresh(text, f.language));
        }
      }
    });
  });

  it("parses only the region an edit changed", async () => {
    await withRecorders([[]], { incremental: true }, async ({ linter, commands }) => {
      const lines = Array.from({ length: 40 }, (_, i) => `RUN apt-get install -y pkg${i} && docker run --rm img${i}`);
      const text = ["FROM debian:12", ...lines, ""].join("\n");
      await commands("Dockerfile", text, "dockerfile");
      const before = linter.parsedRegions;
      expect(before).toBe(40);
      const edited = text.replace("pkg7 ", "pkg7  ");
      expect(await commands("Dockerfile", edited, "dockerfile")).toEqual(await fresh(edited, "dockerfile"));
      expect(linter.parsedRegions - before).toBe(1);
      // A line inserted above shifts every region after it: their texts, and so their steps, are unchanged.
      const shifted = edited.replace("FROM debian:12\n", "FROM debian:12\nWORKDIR /app\n");
      expect(await commands("Dockerfile", shifted, "dockerfile")).toEqual(await fresh(shifted, "dockerfile"));
      expect(linter.parsedRegions - before).toBe(1);
    });
  });
});

describe("StepCache", () => {
  const steps = [{ kind: "assignment" as const, name: "A", value: "1" }];

  it("drops the least recently used text once it holds too many", () => {
    const cache = new StepCache({ maxEntries: 2, maxChars: 100, maxTextChars: 100 });
    cache.set("a", steps);
    cache.set("b", steps);
    expect(cache.get("a")).toBe(steps); // now b is the least recently used
    cache.set("c", steps);
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([steps, undefined, steps]);
    expect(cache.size).toBe(2);
  });

  it("bounds the characters it keeps, and keeps no text longer than its limit", () => {
    const cache = new StepCache({ maxEntries: 100, maxChars: 10, maxTextChars: 6 });
    cache.set("1234567", steps);
    expect(cache.get("1234567")).toBeUndefined();
    cache.set("12345", steps);
    cache.set("abcde", steps);
    cache.set("xy", steps);
    expect([cache.get("12345"), cache.get("abcde"), cache.get("xy")]).toEqual([undefined, steps, steps]);
  });
});

describe("a run's Linters share their region steps", () => {
  it("a RUN line seen under one configuration is not parsed again under another", async () => {
    const table = new LinterTable({});
    const text = "FROM debian:12\nRUN docker run --name web nginx\n";
    const task = (key: string, disable: string[]): FileTask => ({
      path: `${key}/Dockerfile`,
      absPath: `/${key}/Dockerfile`,
      language: "dockerfile",
      explicit: true,
      config: { key, selection: { disable } },
    });
    const [a, b] = [task("a", []), task("b", ["docker/run-missing-rm"])];
    try {
      const first = await table.for(a).lint({ path: a.path, text, language: "dockerfile" });
      const second = await table.for(b).lint({ path: b.path, text, language: "dockerfile" });
      expect(table.for(a)).not.toBe(table.for(b));
      expect([table.for(a).parsedRegions, table.for(b).parsedRegions]).toEqual([1, 0]);
      // The two configurations still lint apart.
      expect(first.findings.some((f) => f.ruleId === "docker/run-missing-rm")).toBe(true);
      expect(second.findings.some((f) => f.ruleId === "docker/run-missing-rm")).toBe(false);
    } finally {
      table.dispose();
    }
  });
});

describe("the pre-filter on command names", () => {
  /** Each names docker only in a way a plain text search for `docker` would miss, or through a variable. */
  const NAMED: { file: string; text: string; language: HostLanguage }[] = [
    { file: "quoted.sh", text: 'do"ck"er run x\n', language: "shell" },
    { file: "single.sh", text: "d'ock'er run x\n", language: "shell" },
    { file: "escaped.sh", text: "d\\ocker run x\n", language: "shell" },
    { file: "ansi.sh", text: "dock$'er' run x\n", language: "shell" },
    { file: "path.sh", text: "/usr/bin/docker run x\n", language: "shell" },
    { file: "variable.sh", text: "DOCKER=docker\n$DOCKER run x\n", language: "shell" },
    { file: "quoted-variable.sh", text: "D=\"do\"'ck'er\nsudo ${D} run x\n", language: "shell" },
    { file: "exported.sh", text: "export D=do'cker'\nnohup $D run x\n", language: "shell" },
    { file: "Dockerfile", text: "FROM debian:12\nRUN dock\\\ner run x\n", language: "dockerfile" },
    { file: "Dockerfile.exec", text: 'FROM debian:12\nRUN ["/usr/bin/\\u0064ocker", "run", "x"]\n', language: "dockerfile" },
    { file: "Dockerfile.escape", text: "# escape=`\nFROM debian:12\nRUN D=dock`\ner && $D run x\n", language: "dockerfile" },
    { file: "job.service", text: "[Service]\nExecStart=/bin/sh -c 'D=\"do\"cker; $D run x'\n", language: "systemd" },
    { file: "Makefile", text: "run:\n\t@do\"ck\"er run x\n", language: "make" },
  ];

  it.each(NAMED)("calls the hook for $file", async ({ file, text, language }) => {
    await withRecorders([["docker"]], {}, async ({ commands }) => {
      const cmds = await commands(file, text, language);
      expect(cmds.map((c) => c.name)).toEqual(["docker"]);
      expect(cmds).toEqual((await fresh(text, language)).filter((c) => c.name === "docker"));
    });
  });

  it("says a name may occur in each of those files", () => {
    for (const { file, text, language } of NAMED) expect(mayName(parseHost(language, text).regions, ["docker"]), file).toBe(true);
  });

  it("does not parse a file that cannot name a wanted program", async () => {
    await withRecorders([["docker"], ["docker", "podman"]], {}, async ({ linter, commands }) => {
      expect(await commands("a.sh", "#!/bin/sh\nset -e\napt-get update\nexec nginx -g 'daemon off;'\n", "shell")).toEqual([]);
      expect(await commands("Dockerfile", "FROM debian:12\nRUN apt-get update && make\n", "dockerfile")).toEqual([]);
      expect(linter.parsedRegions).toBe(0);
      expect((await commands("b.sh", "#!/bin/sh\npodman ps\n", "shell")).map((c) => c.name)).toEqual(["podman"]);
      expect(linter.parsedRegions).toBe(1);
    });
  });

  it("parses every file when a hook wants every command", async () => {
    await withRecorders([["docker"], []], {}, async ({ linter, commands }) => {
      expect((await commands("a.sh", "apt-get update\n", "shell")).map((c) => c.name)).toEqual(["apt-get"]);
      expect(linter.parsedRegions).toBe(1);
    });
  });

  it("cannot judge names with quotes, backslashes, `$` or spaces, and says they may occur", () => {
    const regions = parseHost("shell", "true\n").regions;
    expect(mayName(regions, ["docker"])).toBe(false);
    for (const name of ['do"cker', "d\\ocker", "$D", "a b", ""]) expect(mayName(regions, [name]), name).toBe(true);
  });
});
