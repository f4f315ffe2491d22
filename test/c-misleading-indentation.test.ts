/**
 * c/misleading-indentation beyond the fixtures: the `tabWidth` option (the fixture harness runs
 * default options only), the report's range, message and related location, and CRLF positions.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rng } from "../bench/rng.js";
import { Linter } from "../src/engine/lint.js";
import { selectRules } from "../src/engine/registry.js";
import type { Finding, LanguageId } from "../src/engine/types.js";
import { braceOnOwnLine } from "../src/rules/c/_brace-fix.js";
import { blankCode, hasUnbracedGuard } from "../src/languages/c/text.js";
import { mayMislead } from "../src/rules/c/_prefilter.js";

const ID = "c/misleading-indentation";

function linter(options: Record<string, number> = {}): Linter {
  const sel = selectRules({ only: [ID], settings: { [ID]: { options } } });
  if (!sel.ok) throw new Error(`unknown rules: ${sel.unknown.join(", ")}`);
  return new Linter(
    sel.rules,
    sel.rules.map((r) => r.rule.id),
  );
}

async function lintWith(l: Linter, text: string, language: LanguageId = "c"): Promise<Finding[]> {
  const res = await l.lint({ path: language === "c" ? "t.c" : "t.cpp", text, language });
  expect(res.notices).toEqual([]);
  return res.findings.filter((f) => f.ruleId === ID);
}

async function lint(
  text: string,
  options: Record<string, number> = {},
  language: LanguageId = "c",
): Promise<Finding[]> {
  const l = linter(options);
  try {
    return await lintWith(l, text, language);
  } finally {
    l.dispose();
  }
}

const lines = (findings: Finding[]): number[] => findings.map((f) => f.range.start.line);

/** Body two tabs in; next statement eight spaces in: aligned only when a tab is 4 columns. */
const TAB_FOUR = ["void f(int x) {", "\tif (x)", "\t\tx++;", "        x--;", "}", ""].join("\n");

describe(ID, () => {
  it("expands tabs to 8 columns by default (GCC's -ftabstop=8)", async () => {
    expect(lines(await lint(TAB_FOUR))).toEqual([]);
    expect(lines(await lint(TAB_FOUR, { tabWidth: 8 }))).toEqual([]);
  });

  it("honours tabWidth (GCC's -ftabstop=4)", async () => {
    expect(lines(await lint(TAB_FOUR, { tabWidth: 4 }))).toEqual([4]);
  });

  it("with tabWidth 1 a tab is one column", async () => {
    const text = ["void f(int x) {", "  if (x)", "\t\t\tx++;", "   x--;", "}", ""].join("\n");
    expect(lines(await lint(text, { tabWidth: 1 }))).toEqual([4]);
    expect(lines(await lint(text))).toEqual([]);
  });

  it("reports the statement, names the guard and points at it", async () => {
    const text = [
      "int f(int err) {",
      "\tif ((err = g()) != 0)",
      "\t\tgoto fail;",
      "\t\tgoto fail;",
      "\treturn 0;",
      "fail:",
      "\treturn err;",
      "}",
      "",
    ].join("\n");
    const [finding, ...rest] = await lint(text);
    expect(rest).toEqual([]);
    expect(finding?.range.start).toMatchObject({ line: 4, column: 3 });
    expect(finding?.range.end).toMatchObject({ line: 4, column: 13 });
    expect(finding?.message).toMatch(
      /^statement is indented as if it were guarded by the 'if' on line 2, but it is not: /,
    );
    expect(finding?.message).toMatch(/add braces or fix the indentation/);
    expect(finding?.related).toHaveLength(1);
    expect(finding?.related[0]?.range.start).toMatchObject({ line: 2, column: 2 });
    expect(finding?.related[0]?.range.end).toMatchObject({ line: 2, column: 4 });
    expect(finding?.related[0]?.message).toBe("this 'if' guards only the statement on line 3");
  });

  it("names else, for and while guards", async () => {
    const text = [
      "void f(int x) {",
      "  if (x) x++;",
      "  else",
      "    x--;",
      "    x--;",
      "  for (;;)",
      "    break;",
      "    x++;",
      "  while (x)",
      "    x--;",
      "    x++;",
      "}",
      "",
    ].join("\n");
    const findings = await lint(text);
    expect(lines(findings)).toEqual([5, 8, 11]);
    expect(findings.map((f) => /the '(\w+)' on line (\d+)/.exec(f.message)?.slice(1))).toEqual([
      ["else", "3"],
      ["for", "6"],
      ["while", "9"],
    ]);
  });

  it("says when the body is empty", async () => {
    const [finding] = await lint(["void f(int x) {", "  if (x);", "    x++;", "}", ""].join("\n"));
    expect(finding?.range.start.line).toBe(3);
    expect(finding?.message).toMatch(/empty body/);
    expect(finding?.related[0]?.message).toBe("this 'if' guards only an empty statement");
  });

  it("gives CRLF files the same lines and columns as LF files", async () => {
    const lf = ["void f(int x) {", "\tif (x)", "\t\tx++;", "\t\tx--;", "}", ""].join("\n");
    const crlf = lf.replace(/\n/g, "\r\n");
    const [a] = await lint(lf);
    const [b] = await lint(crlf);
    expect(a?.range.start).toMatchObject({ line: 4, column: 3 });
    expect(b?.range.start).toMatchObject({ line: 4, column: 3 });
    expect(b?.range.end).toMatchObject({ line: 4, column: 7 });
  });

  it("runs on C++ range-for loops", async () => {
    const text = [
      "int f(int (&v)[3]) {",
      "  int n = 0;",
      "  for (int x : v)",
      "    n += x;",
      "    n++;",
      "  return n;",
      "}",
      "",
    ];
    expect(lines(await lint(text.join("\n"), {}, "cpp"))).toEqual([5]);
  });

  it("keeps per-file state per file (empty macros of one file do not leak into the next)", async () => {
    const body = ["void f(int x) {", "  if (x)", "    emit x++;", "         x--;", "}", ""];
    const withMacro = ["#define emit", ...body].join("\n");
    const withoutMacro = body.join("\n");
    const l = linter();
    try {
      expect(lines(await lintWith(l, withMacro))).toEqual([5]);
      expect(lines(await lintWith(l, withoutMacro))).toEqual([]);
      expect(lines(await lintWith(l, withMacro))).toEqual([5]);
    } finally {
      l.dispose();
    }
  });
});

describe("the pre-filter (files it rules out are never parsed)", () => {
  it.each([
    ["int x; // if this were", false],
    ["/* for all n */ int y;", false],
    ["#ifndef A_H\n#if X\n#else\n#endif\n#endif", false],
    ["int iff, fork, whilst;", false],
    ['s = "if (x) y();";', false],
    ["#define CHECK(x) if (!(x)) abort()", false],
    ["#define LOOP(n) \\\n  for (i = 0; i < n; i++) \\\n    f(i)\nint x;", false],
    ["void f(void) { if (a) { b(); } else { c(); } }", false],
    ["void f(void) {\n  for (i = 0; i < (n); i++)\n  {\n    while (g(')')) { h(); }\n  }\n}", false],
    ["if (a) /* why */ { b(); }", false],
    ['x = "http://a"; if (y) z();', true],
    ["char c = '/'; while (1);", true],
    ["  if (a) b();", true],
    ["if (a) { b(); } else c();", true],
    ["if (a) { b(); } else if (c) { d(); }", true],
    ["do { a(); } while (b);", true],
    ["if (a)\n#ifdef X\n{\n#else\n{\n#endif\n}", true],
    ["if (a\n#if X\n  && b)\n#else\n  )\n#endif\n{ c(); }", true],
    ["if constexpr (A) { b(); }", true],
    ["for (;;", true],
    ["if (a) [[likely]] { b(); }", true],
    ["if (a) \\\n { b(); }", true],
  ])("%j → %s", (text, want) => {
    expect(hasUnbracedGuard(text)).toBe(want);
  });

  it.each([
    // [text, tab width, may the rule report]
    ["if (a)\n    b();\nc();", 8, false],
    ["if (a)\n    b();\n    c();", 8, true],
    ["\tif (a)\n\t\tb();\n\tc();", 8, false],
    ["\tif (a)\n\t\tb();\n\t\tc();", 8, true],
    ["if (a)\n\tb();\n        c();", 8, true],
    ["if (a)\n\tb();\n        c();", 4, false],
    ["if (a) b();\nc();", 8, false],
    ["if (a)\n  b(1,\n    2);\nc();", 8, false],
    ["if (a)\n  b(1,\n    2);\n  c();", 8, true],
    ["if (a)\n  b(); c();", 8, true],
    ["if (a)\n  x();\nelse\n  y();\nz();", 8, false],
    ["if (a) {\n  x();\n} else\n  y();\n  z();", 8, true],
    ["if (a)\n  if (b)\n    c();\n  d();", 8, true],
    ["if (a)\n  if (b)\n    c();\n  else\n    d();\ne();", 8, false],
    ["for (i = 0; i < n; i++)\n  for (;;)\n    x();\ny();", 8, false],
    ["while (a)\n  switch (b) { case 1: c(); }\nd();", 8, false],
    ["while (a)\n  do { b(); } while (c);\nd();", 8, false],
    ["do {\n  x();\n} while (y);\n    z();", 8, false],
    ["while (x)\n  ;\nfoo();", 8, false],
    ["if (x);\n    foo();", 8, true],
    ["if (a)\n  b();\n#ifdef X\n  c();\n#endif", 8, false],
    ["if (a)\n  b();\n#pragma once\n  c();", 8, false],
    ["if (a)\n  b();\n  /* c */ #define X 1\n  c();", 8, true],
    ["if (a)\n  b();\n}", 8, false],
    ["if (a)\n  b();", 8, false],
    ["#define E\nif (a)\n  E b();\nc();", 8, true],
    ["#define E(x)\nif (a)\n  b();\n  E(1) c();", 8, true],
    ["if (a)\n  l: b();\nc();", 8, true],
    ["if constexpr (a)\n  b();\nc();", 8, true],
    ["if (a)\n#ifdef X\n  b();\n#endif\nc();", 8, true],
    ['s = R"(")";\nif (a)\n  b();\n  c();', 8, true],
    ["n = 1'000;\nif (a)\n  b();\n  c();", 8, true],
    ["/* if (a)\n  b();\n  c(); */ int x;", 8, false],
    ["void f(int x) {\n  if (x)\n    [[likely]] {\n      a();\n    }\n    b();\n}", 8, true],
    ["for (;;)\n    [[likely]] if (x) { a(); }\n    b();", 8, true],
    ["  if (x)\r\n    a(); // see C:\\temp\\\r\n            (continued)\r\n    b();\r\n", 8, true],
    ["    if (x)\n        a();\n        #define X 1 /* two\n        lines */\n    return 0;", 8, false],
    ["    if (x)\n        a();\n        #define X 1 /* two\n        lines */\n        b();", 8, true],
    ["#define E(a, \\\n b)\nif (x)\n    a();\n      E(1, 2)\n    b();", 8, true],
    ["int x = 1'000; if (y == 'a')\n    a();\n    b();", 8, true],
  ])("the layout: %j at tab width %i → %s", async (text, tabWidth, want) => {
    expect(mayMislead(text, tabWidth)).toBe(want);
    // What it rules out, the rule never reports.
    const l = unfiltered(tabWidth);
    try {
      const findings = (await l.lint({ path: "t.c", text, language: "c" })).findings.filter((f) => f.ruleId === ID);
      if (!want) expect(findings).toEqual([]);
    } finally {
      l.dispose();
    }
  });

  it.each([
    ["a; // b\nc;", "a;     \nc;"],
    ["a /* b\n c */ d;", "a     \n      d;"],
    ['s = "x\\"y"; t = \'"\';', 's = "    "; t = \' \';'],
    ["#define A(x) \\\n  if (x) f()\nif (y) g();", "#             \n            \nif (y) g();"],
    ["  #if X /* a\nb */\nc;", "  #         \n    \nc;"],
    ['s = R"d(")d"; if (a) b;', 's = R"     "; if (a) b;'],
    ["n = 1'000; c = 'x';", "n = 1'000; c = ' ';"],
    ['s = "open\nx;', 's = "open\nx;'],
    ["a;\r\n// b\r\nc;", "a;\r\n    \r\nc;"],
    ["a; // b\\\r\nc;\r\nd;", "a;      \r\n  \r\nd;"],
  ])("blankCode(%j)", (text, want) => {
    expect(blankCode(text)).toBe(want);
    expect(blankCode(text).length).toBe(text.length);
  });

  /** The C and C++ texts the rule is tested on, each also re-indented at random (seeded) and cut into its functions. */
  function corpus(): { name: string; text: string; language: LanguageId }[] {
    const dir = "test/fixtures/c/misleading-indentation";
    const files = [
      ...readdirSync(dir).map((f) => join(dir, f)),
      "examples/src/sslKeyExchange.c",
    ];
    const random = rng(20261127);
    return files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      const language: LanguageId = /\.(cpp|cc|hpp)$/.test(file) || file.endsWith("cpp-header.h") ? "cpp" : "c";
      const variants = Array.from({ length: 8 }, (_, v) => ({
        name: `${file} #${v + 1}`,
        text: text.replace(/^[ \t]*/gm, () => random.pick(["", " ", "  ", "\t", "    ", "\t  "])),
        language,
      }));
      // Each function alone too (cut after every `}` in column 0): a file's other guards do not hide a miss.
      const parts = text.split(/(?<=\n\}[^\n]*\n)/).map((part, p) => ({ name: `${file} part ${p + 1}`, text: part, language }));
      return [{ name: file, text, language }, ...variants, ...parts];
    });
  }

  /** The rule with its pre-filter off, at a tab width. */
  function unfiltered(tabWidth: number): Linter {
    const sel = selectRules({ only: [ID], settings: { [ID]: { options: { tabWidth } } } });
    if (!sel.ok) throw new Error("rules");
    return new Linter(sel.rules.map((r) => ({ ...r, rule: { ...r.rule, mayReport: undefined } })), [ID]);
  }

  it.each([8, 4, 2, 1])("never rules out a file the rule reports on, at tab width %i (the rule run on every file, pre-filter off)", async (tabWidth) => {
    const l = unfiltered(tabWidth);
    let reported = 0;
    let ruledOutByGuards = 0;
    let ruledOutByLayout = 0;
    try {
      for (const { name, text, language } of corpus()) {
        const res = await l.lint({ path: language === "cpp" ? "t.cpp" : "t.c", text, language });
        const findings = res.findings.filter((f) => f.ruleId === ID).length;
        const may = mayMislead(text, tabWidth);
        if (findings > 0) reported++;
        if (!hasUnbracedGuard(text)) ruledOutByGuards++;
        else if (!may) ruledOutByLayout++;
        expect({ name, ruledOut: findings > 0 && !may }).toEqual({ name, ruledOut: false });
      }
    } finally {
      l.dispose();
    }
    // The corpus has every kind, or the check above proves nothing.
    expect(reported).toBeGreaterThan(50);
    expect(ruledOutByGuards).toBeGreaterThan(0);
    expect(ruledOutByLayout).toBeGreaterThan(20);
  });

  it("a file it rules out still gets its unused suppressions reported", async () => {
    const sel = selectRules({});
    if (!sel.ok) throw new Error("rules");
    const l = new Linter(sel.rules, sel.rules.map((r) => r.rule.id));
    try {
      const res = await l.lint({ path: "a.h", language: "c", text: "// deploylint-disable-next-line c/misleading-indentation\nint x;\n" });
      expect(res.findings.map((f) => f.ruleId)).toEqual(["deploylint/unused-suppression"]);
    } finally {
      l.dispose();
    }
  });
});

describe("braceOnOwnLine (the fix's brace style, from the text)", () => {
  const at = (text: string) => braceOnOwnLine(text, text.lastIndexOf("{"));
  it.each([
    ["if (x) {", false],
    ["if (x)\t {", false],
    ["} else {", false],
    ["if (x) /* why */ {", false],
    ["if (x) /* a */ /* b */{", false],
    ["if (x)\n{", true],
    ["if (x)\r\n\t{", true],
    ["if (x) // why\n  {", true],
    ["if (x) /* two\n lines */ {", true],
    ["if (x) /* a */\n/* b */ {", true],
    ["{", false],
    ["*/ {", false],
  ])("%j → %s", (text, own) => {
    expect(at(text)).toBe(own);
  });

  it("the fix follows the majority of the file's blocks", async () => {
    const allman = "int f(int a) {\n\tif (a)\n\t{\n\t\ta--;\n\t}\n\twhile (a)\n\t{\n\t\ta--;\n\t}\n\tif (a)\n\t\treturn 1;\n\t\treturn 2;\n}\n";
    const kr = allman.replace(/\n\t\{/g, " {");
    const l = linter();
    try {
      const fixOf = async (text: string) => (await l.lint({ path: "a.c", language: "c", text })).findings[0]?.fix?.edits[0]?.text;
      expect(await fixOf(allman)).toBe("\n\t{");
      expect(await fixOf(kr)).toBe(" {");
    } finally {
      l.dispose();
    }
  });
});
