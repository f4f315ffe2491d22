import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { allRules } from "../src/engine/registry.js";
import type { RuleMeta } from "../src/engine/rule.js";
import { SourceText } from "../src/engine/source.js";
import type { Finding, Fix, Notice, RelatedLocation, RunResult, Severity, Suppression } from "../src/engine/types.js";
import { hashLines } from "../src/engine/fingerprint.js";
import { excerptsOf } from "../src/engine/excerpt.js";
import {
  DEFAULT_DOCS_BASE_URL,
  format,
  FORMATS,
  INFORMATION_URI,
  isFormatName,
  type FormatOptions,
} from "../src/formatters/index.js";
import type { JsonFinding } from "../src/formatters/json.js";
import { renderRuleMarkdown } from "../src/docs/render.js";
import {
  artifactLocation,
  directoryUri,
  helpMarkdown,
  plainText,
  ruleName,
  sarifLog,
  type SarifLog,
} from "../src/formatters/sarif.js";
import { displayLine, frameWindow } from "../src/formatters/text.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ANSI = /\u001b\[/;

// ---------------------------------------------------------------------------------------------
// Building results by hand

const RULES: RuleMeta[] = [
  {
    id: "docker/run-missing-rm",
    languages: ["shell"],
    severity: "warning",
    fix: "always",
    tags: ["reliability"],
    precision: "very-high",
    docs: {
      summary: "`docker run` without `--rm` leaves a dead container behind",
      why: "Every run of a one-off task adds a stopped container\nthat nobody removes.\n\nSee `docker container prune`.",
      bad: [{ file: "Dockerfile", code: "FROM debian:12\nRUN docker run myorg/web:1.4 migrate\n" }],
      good: ["docker run --rm myorg/web:1.4 migrate"],
      related: ["hadolint DL3000"],
    },
  },
  {
    id: "c/misleading-indentation",
    languages: ["c", "cpp"],
    severity: "error",
    fix: "never",
    tags: ["correctness"],
    precision: "high",
    docs: {
      summary: "A statement indented as if an `if` guarded it",
      why: "The **second** statement runs unconditionally.\n\nGCC warns with `-Wmisleading-indentation`.",
      bad: ["if (x)\n  a();\n  b();\n"],
      good: ["if (x) {\n  a();\n  b();\n}\n", { file: "example.cpp", code: "if (x) a();\nb();\n" }],
      notes: "Tabs count to the next multiple of 8, as GCC counts.",
    },
  },
  {
    id: "shell/example-info",
    languages: ["shell"],
    severity: "info",
    fix: "sometimes",
    docs: { summary: "An informational rule", why: "Just so.", bad: ["echo ```x```"], good: [] },
  },
];

const MAIN_C = "int f(int x) {\n\tif (x)\n\t\tx++;\n\t\tx--;\n\treturn x;\n}\n";
const DOCKERFILE = "FROM debian:12\n" + "RUN docker run myorg/tool:1.0 migrate\n".repeat(5);
const START_SH = "#!/bin/sh\nset -e\necho héllo \u001b[31m\ndocker run img\n";

/** The range of the `occurrence`-th (1-based) `needle` in `text`. */
function rangeOf(text: string, needle: string, occurrence = 1): { start: number; end: number; src: SourceText } {
  let at = -1;
  for (let i = 0; i < occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`no ${needle} #${occurrence}`);
  }
  return { start: at, end: at + needle.length, src: new SourceText(text) };
}

function finding(
  file: string,
  text: string,
  needle: string,
  ruleId: string,
  severity: Severity,
  message: string,
  extra: { occurrence?: number; related?: [string, string][]; fix?: Fix; suppressed?: Suppression } = {},
): Finding {
  const r = rangeOf(text, needle, extra.occurrence);
  const related: RelatedLocation[] = (extra.related ?? []).map(([n, m]) => {
    const rr = rangeOf(text, n);
    return { range: rr.src.range(rr.start, rr.end), message: m };
  });
  const f: Finding = { file, ruleId, severity, message, range: r.src.range(r.start, r.end), related };
  if (extra.fix) f.fix = extra.fix;
  if (extra.suppressed) f.suppressed = extra.suppressed;
  return f;
}

function addRm(text: string, occurrence: number): Fix {
  const at = rangeOf(text, "docker run", occurrence).end;
  return { title: "Add --rm", applicability: "safe", edits: [{ start: at, end: at, text: " --rm" }] };
}

const SH_PATH = "scripts/répertoire é/start.sh";

/** A realistic run: cwd is a subdirectory of the repository root. */
function sampleResult(): RunResult {
  const findings: Finding[] = [
    finding("../ops/Dockerfile", DOCKERFILE, "docker run", "docker/run-missing-rm", "warning", "`docker run` without `--rm`", {
      occurrence: 1,
      fix: addRm(DOCKERFILE, 1),
    }),
    finding("../ops/Dockerfile", DOCKERFILE, "docker run", "docker/run-missing-rm", "warning", "`docker run` without `--rm`", {
      occurrence: 2,
      fix: addRm(DOCKERFILE, 2),
    }),
    finding(SH_PATH, START_SH, "héllo", "shell/example-info", "info", "a note about héllo"),
    finding(SH_PATH, START_SH, "docker run", "docker/run-missing-rm", "warning", "`docker run` without `--rm`", {
      suppressed: { kind: "inSource", justification: "the host reaps it", line: 3 },
    }),
    finding("src/main.c", MAIN_C, "x--;", "c/misleading-indentation", "error", "`x--;` is not guarded by the `if`", {
      related: [["if", "this 'if' guards only `x++;`"]],
      fix: {
        title: "Add braces",
        applicability: "unsafe",
        edits: [
          { start: MAIN_C.indexOf("(x)") + 3, end: MAIN_C.indexOf("(x)") + 3, text: " {" },
          { start: MAIN_C.indexOf("\treturn"), end: MAIN_C.indexOf("\treturn"), text: "\t}\n" },
        ],
      },
    }),
  ];
  const notices: Notice[] = [
    { file: "assets/logo.bin", kind: "skipped", message: "binary file (NUL byte at offset 12); skipped" },
    {
      file: "src/main.c",
      kind: "internal-error",
      ruleId: "c/misleading-indentation",
      message: "rule c/misleading-indentation failed on this file: boom",
    },
  ];
  return {
    findings,
    notices,
    filesLinted: 4,
    cwd: "/work/repo/app",
    root: "/work/repo",
    sources: excerptsOf(
      new Map([
        ["../ops/Dockerfile", DOCKERFILE],
        [SH_PATH, START_SH],
        ["src/main.c", MAIN_C],
      ]),
      findings,
    ),
  };
}

/** `texts`: the whole text of files, of which the result keeps what the reports need of each (excerpt.ts). */
function emptyResult(over: Partial<RunResult> = {}, texts: Record<string, string> = {}): RunResult {
  const findings = over.findings ?? [];
  return { findings: [], notices: [], filesLinted: 0, cwd: "/r", root: "/r", sources: excerptsOf(new Map(Object.entries(texts)), findings), ...over };
}

const OPTIONS: FormatOptions = {
  color: false,
  version: "1.2.3",
  informationUri: INFORMATION_URI,
  docsBaseUrl: DEFAULT_DOCS_BASE_URL,
};

// ---------------------------------------------------------------------------------------------

describe("format dispatch", () => {
  it("knows text, json, sarif and github", () => {
    expect(FORMATS).toEqual(["text", "json", "sarif", "github"]);
    expect(isFormatName("sarif")).toBe(true);
    expect(isFormatName("xml")).toBe(false);
    for (const name of FORMATS) expect(format(name, sampleResult(), RULES, OPTIONS).endsWith("\n")).toBe(true);
  });
});

describe("text", () => {
  it("prints grouped findings, code frames, notes, notices and a summary", () => {
    const out = format("text", sampleResult(), RULES, OPTIONS);
    expect(out).toBe(
      [
        "../ops/Dockerfile",
        "  2:5  warning  `docker run` without `--rm`  docker/run-missing-rm",
        "    2 | RUN docker run myorg/tool:1.0 migrate",
        "      |     ^~~~~~~~~~",
        "",
        "  3:5  warning  `docker run` without `--rm`  docker/run-missing-rm",
        "    3 | RUN docker run myorg/tool:1.0 migrate",
        "      |     ^~~~~~~~~~",
        "",
        "scripts/répertoire é/start.sh",
        "  3:6  info     a note about héllo  shell/example-info",
        "    3 | echo héllo ␛[31m",
        "      |      ^~~~~",
        "",
        "  4:1  warning  `docker run` without `--rm`  docker/run-missing-rm  (suppressed: the host reaps it)",
        "    4 | docker run img",
        "      | ^~~~~~~~~~",
        "",
        "src/main.c",
        "  4:3  error  `x--;` is not guarded by the `if`  c/misleading-indentation",
        "    4 |                 x--;",
        "      |                 ^~~~",
        "    note: line 2: this 'if' guards only `x++;`",
        "",
        "assets/logo.bin: notice: binary file (NUL byte at offset 12); skipped",
        "src/main.c: notice: rule c/misleading-indentation failed on this file: boom",
        "",
        "✖ 4 problems (1 error, 2 warnings, 1 info) in 3 files",
        "  2 problems are fixable with `--fix`",
        "  1 more problem is fixable with `--fix-unsafe`",
        "",
      ].join("\n"),
    );
    expect(out).not.toMatch(ANSI);
  });

  it("uses colour only when asked", () => {
    const plain = format("text", sampleResult(), RULES, OPTIONS);
    const coloured = format("text", sampleResult(), RULES, { ...OPTIONS, color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain("\u001b[31m"); // error: red
    expect(coloured).toContain("\u001b[33m"); // warning: yellow
    expect(coloured).toContain("\u001b[34m"); // info: blue
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(plain);
  });

  it("never lets a file's control characters reach the terminal", () => {
    const out = format("text", sampleResult(), RULES, OPTIONS);
    expect(out).not.toContain("\u001b");
    expect(out).toContain("␛[31m");
  });

  it("lines the caret up under tabs", () => {
    const text = "a\tb\t\tx = 1;\n";
    const result = emptyResult({ findings: [finding("t.c", text, "x", "c/misleading-indentation", "error", "m")], filesLinted: 1 }, { "t.c": text });
    const lines = format("text", result, RULES, OPTIONS).split("\n");
    const [src, caret] = [lines[2] ?? "", lines[3] ?? ""];
    expect(src).toBe("    1 | a       b               x = 1;");
    expect(caret).toBe("      |                         ^");
    expect(caret.indexOf("^")).toBe(src.indexOf("x"));
  });

  it("lays out wide characters, surrogate pairs and long lines", () => {
    const d = displayLine("漢字\tx😀y", 8);
    expect(d.text).toBe("漢字    x😀y");
    expect(d.columns).toEqual([0, 2, 4, 8, 9, 9, 11, 12]);
    const long = "a".repeat(500) + "TARGET" + "b".repeat(500);
    const w = frameWindow(long, 500, 506);
    expect(w.text.startsWith("…")).toBe(true);
    expect(w.text.endsWith("…")).toBe(true);
    expect(w.text.slice(w.start, w.end)).toBe("TARGET");
  });

  it("spans only the first line of a multi-line range", () => {
    const text = "RUN apt-get update && \\\n    apt-get install -y curl\n";
    const src = new SourceText(text);
    const f: Finding = {
      file: "Dockerfile",
      ruleId: "docker/run-missing-rm",
      severity: "warning",
      message: "m",
      range: src.range(4, text.indexOf("curl")),
      related: [],
    };
    const out = format("text", emptyResult({ findings: [f] }, { Dockerfile: text }), RULES, OPTIONS);
    expect(out.split("\n").slice(2, 4)).toEqual([
      "    1 | RUN apt-get update && \\",
      "      |     ^~~~~~~~~~~~~~~~~~~",
    ]);
  });

  it("pluralises the summary", () => {
    const text = "x\n";
    const one = emptyResult({ findings: [finding("a.c", text, "x", "c/misleading-indentation", "error", "m")] }, { "a.c": text });
    const summary = (r: RunResult): string[] => format("text", r, RULES, OPTIONS).trimEnd().split("\n").slice(-1);
    expect(summary(one)).toEqual(["✖ 1 problem (1 error, 0 warnings) in 1 file"]);
    const two = emptyResult({
      findings: [
        finding("a.c", text, "x", "c/misleading-indentation", "warning", "m"),
        finding("b.c", text, "x", "c/misleading-indentation", "warning", "m", { fix: addRm("docker run", 1) }),
      ],
    });
    expect(format("text", two, RULES, OPTIONS).trimEnd().split("\n").slice(-2)).toEqual([
      "✖ 2 problems (0 errors, 2 warnings) in 2 files",
      "  1 problem is fixable with `--fix`",
    ]);
    const infos = emptyResult({
      findings: [
        finding("a.c", text, "x", "c/misleading-indentation", "info", "m"),
        finding("a.c", "x x", "x", "c/misleading-indentation", "info", "m", { occurrence: 2 }),
      ],
    });
    expect(summary(infos)).toEqual(["✖ 2 problems (0 errors, 0 warnings, 2 infos) in 1 file"]);
  });

  it("prints nothing without findings or notices, and only notices without findings", () => {
    expect(format("text", emptyResult(), RULES, OPTIONS)).toBe("");
    const notices = emptyResult({ notices: [{ file: "x.bin", kind: "skipped", message: "binary file; skipped" }] });
    expect(format("text", notices, RULES, OPTIONS)).toBe("x.bin: notice: binary file; skipped\n");
  });

  it("prints findings without a frame when the source is not at hand", () => {
    const f = finding("gone.c", "x\n", "x", "c/misleading-indentation", "error", "m");
    expect(format("text", emptyResult({ findings: [f] }), RULES, OPTIONS)).toBe(
      "gone.c\n  1:1  error  m  c/misleading-indentation\n\n✖ 1 problem (1 error, 0 warnings) in 1 file\n",
    );
  });
});

describe("json", () => {
  it("prints the documented shape, pretty with a trailing newline", () => {
    const out = format("json", sampleResult(), RULES, OPTIONS);
    expect(out.endsWith("]\n")).toBe(true);
    expect(out.split("\n")[1]).toBe("  {");
    const parsed = JSON.parse(out) as JsonFinding[];
    expect(parsed).toHaveLength(5);
    const at = MAIN_C.indexOf("(x)") + 3;
    const ret = MAIN_C.indexOf("\treturn");
    expect(parsed[4]).toEqual({
      file: "src/main.c",
      line: 4,
      column: 3,
      endLine: 4,
      endColumn: 7,
      ruleId: "c/misleading-indentation",
      severity: "error",
      message: "`x--;` is not guarded by the `if`",
      related: [{ line: 2, column: 2, endLine: 2, endColumn: 4, message: "this 'if' guards only `x++;`" }],
      fix: {
        title: "Add braces",
        applicability: "unsafe",
        edits: [
          { start: at, end: at, text: " {" },
          { start: ret, end: ret, text: "\t}\n" },
        ],
      },
    });
    expect(Object.keys(parsed[4] ?? {})).toEqual([
      "file",
      "line",
      "column",
      "endLine",
      "endColumn",
      "ruleId",
      "severity",
      "message",
      "related",
      "fix",
    ]);
    expect(parsed[3]?.suppressed).toEqual({ kind: "inSource", justification: "the host reaps it", line: 3 });
    expect(parsed[2]).not.toHaveProperty("fix");
    expect(parsed[2]).not.toHaveProperty("suppressed");
  });

  it("prints an empty array without findings", () => {
    expect(format("json", emptyResult(), RULES, OPTIONS)).toBe("[]\n");
  });
});

// ---------------------------------------------------------------------------------------------

function loadSchemaValidator(): (data: unknown) => string[] {
  // CI lays shared/ beside the clone; a missing schema must fail, not skip.
  const schemaPath = path.resolve(repoRoot, "../shared/schemas/sarif-schema-2.1.0.json");
  const schema = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  // Both packages are CommonJS: under Node's ESM the default import is `module.exports`, whose
  // `.default` is the class (the plugin) itself; that is also what their typings say.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message ?? ""}`));
}

function sarif(result: RunResult = sampleResult(), rules: readonly RuleMeta[] = RULES, options = OPTIONS): SarifLog {
  return JSON.parse(format("sarif", result, rules, options)) as SarifLog;
}

describe("sarif", () => {
  const validate = loadSchemaValidator();

  it("validates against the SARIF 2.1.0 schema", () => {
    const log = sarif();
    expect(validate(log)).toEqual([]);
    // Every real rule's metadata too, plus a file outside the root and a notice without a file.
    const real = allRules();
    const rules = [...real, ...RULES.filter((r) => !real.some((x) => x.id === r.id))];
    const result = sampleResult();
    const outside = finding("/elsewhere/x.c", MAIN_C, "x--;", "c/misleading-indentation", "error", "m");
    const wide = emptyResult({
      ...result,
      findings: [...result.findings, outside],
      notices: [...result.notices, { file: "", kind: "unreadable", message: "EACCES" }],
    });
    expect(validate(sarif(wide, rules, { ...OPTIONS, automationId: "deploylint/nightly/" }))).toEqual([]);
    expect(validate(sarif(emptyResult()))).toEqual([]);
  });

  it("rejects what the schema forbids (the validator is really on)", () => {
    const log = sarif() as unknown as { runs: { results: { level: string }[] }[] };
    const first = log.runs[0]?.results[0];
    if (first) first.level = "fatal";
    expect(validate(log).length).toBeGreaterThan(0);
  });

  it("describes the tool and every rule, sorted by id", () => {
    const run = sarif().runs[0];
    const driver = run?.tool.driver;
    expect(driver?.name).toBe("deploylint");
    expect(driver?.version).toBe("1.2.3");
    expect(driver?.semanticVersion).toBe("1.2.3");
    expect(driver?.informationUri).toBe(INFORMATION_URI);
    expect(driver?.rules.map((r) => r.id)).toEqual(["c/misleading-indentation", "docker/run-missing-rm", "shell/example-info"]);
    expect(driver?.rules[0]).toEqual({
      id: "c/misleading-indentation",
      name: "MisleadingIndentation",
      shortDescription: { text: "A statement indented as if an if guarded it" },
      fullDescription: { text: "The second statement runs unconditionally." },
      help: {
        text: [
          "A statement indented as if an if guarded it",
          "",
          "The second statement runs unconditionally.",
          "",
          "GCC warns with -Wmisleading-indentation.",
          "",
          "Bad:",
          "",
          "    if (x)",
          "      a();",
          "      b();",
          "",
          "Good:",
          "",
          "    if (x) {",
          "      a();",
          "      b();",
          "    }",
          "",
          "example.cpp:",
          "    if (x) a();",
          "    b();",
          "",
          "Tabs count to the next multiple of 8, as GCC counts.",
          "",
        ].join("\n"),
        markdown: helpMarkdown(RULES[1] as RuleMeta),
      },
      helpUri: "https://github.com/deploylint/deploylint/blob/main/docs/rules/c/misleading-indentation.md",
      defaultConfiguration: { level: "error" },
      properties: { tags: ["correctness", "c"], precision: "high" },
    });
    // help.markdown is the docs page (src/docs/render.ts) without its generated-file comment and title.
    const page = renderRuleMarkdown(RULES[1] as RuleMeta);
    const help = driver?.rules[0]?.help?.markdown ?? "";
    expect(page.endsWith(help)).toBe(true);
    expect(help.startsWith("A statement indented as if an `if` guarded it\n")).toBe(true);
    expect(help).not.toContain("<!--");
    expect(help).not.toContain("# c/misleading-indentation\n");
    expect(help).toContain("The **second** statement runs unconditionally.");
    expect(help).toMatch(/## Bad\n\n[^]*```c\nif \(x\)\n  a\(\);\n  b\(\);\n```/);
    expect(help).toMatch(/`example.cpp`:\n\n```cpp\nif \(x\) a\(\);\nb\(\);\n```/);
    const docker = driver?.rules[1];
    expect(docker?.fullDescription?.text).toBe("Every run of a one-off task adds a stopped container that nobody removes.");
    expect(docker?.help?.text).toContain("Bad:\n\nDockerfile:\n    FROM debian:12\n");
    expect(docker?.help?.text).toContain("Related: hadolint DL3000.");
    expect(docker?.help?.markdown).toContain("- hadolint DL3000");
    expect(docker?.properties).toEqual({ tags: ["reliability", "docker"], precision: "very-high" });
    const info = driver?.rules[2];
    expect(info?.defaultConfiguration?.level).toBe("note");
    expect(info?.properties).toEqual({ tags: ["shell"] });
    expect(ruleName("docker/run-name-unguarded")).toBe("RunNameUnguarded");
    expect(plainText("Use `__attribute__((unused))` or **not**, see [GCC](https://gcc.gnu.org/)\nand __init__ ``a`b``.")).toBe(
      "Use __attribute__((unused)) or not, see GCC and init a`b.",
    );
  });

  it("points each result at its rule by index", () => {
    const run = sarif().runs[0];
    const rules = run?.tool.driver.rules ?? [];
    expect(run?.results).toHaveLength(5);
    for (const r of run?.results ?? []) {
      expect(r.ruleIndex).toBeDefined();
      expect(rules[r.ruleIndex ?? -1]?.id).toBe(r.ruleId);
    }
    expect(run?.results.map((r) => r.level)).toEqual(["warning", "warning", "note", "warning", "error"]);
    // A finding of a rule that was not passed in has no ruleIndex.
    const orphan = sarif(sampleResult(), RULES.slice(0, 1)).runs[0]?.results[4];
    expect(orphan?.ruleId).toBe("c/misleading-indentation");
    expect(orphan).not.toHaveProperty("ruleIndex");
  });

  it("makes URIs relative to the repository root, not the working directory", () => {
    const run = sarif().runs[0];
    expect(run?.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/repo/" } });
    const uris = run?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation);
    expect(uris).toEqual([
      { uri: "ops/Dockerfile", uriBaseId: "%SRCROOT%" },
      { uri: "ops/Dockerfile", uriBaseId: "%SRCROOT%" },
      { uri: "app/scripts/r%C3%A9pertoire%20%C3%A9/start.sh", uriBaseId: "%SRCROOT%" },
      { uri: "app/scripts/r%C3%A9pertoire%20%C3%A9/start.sh", uriBaseId: "%SRCROOT%" },
      { uri: "app/src/main.c", uriBaseId: "%SRCROOT%" },
    ]);
    expect(artifactLocation("../../../elsewhere/x.c", "/work/repo/app", "/work/repo")).toEqual({ uri: "file:///elsewhere/x.c" });
    expect(artifactLocation("a#b?.c", "/r", "/r")).toEqual({ uri: "a%23b%3F.c", uriBaseId: "%SRCROOT%" });
    expect(directoryUri("/")).toBe("file:///");
    expect(directoryUri("/a b/c")).toBe("file:///a%20b/c/");
  });

  it("writes 1-based regions with exclusive end columns and related locations", () => {
    const result = sarifLog(sampleResult(), RULES, OPTIONS).runs[0]?.results[4];
    expect(result?.locations[0]?.physicalLocation.region).toEqual({ startLine: 4, startColumn: 3, endLine: 4, endColumn: 7 });
    expect(result?.message.text).toBe("`x--;` is not guarded by the `if`");
    expect(result?.relatedLocations).toEqual([
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: "app/src/main.c", uriBaseId: "%SRCROOT%" },
          region: { startLine: 2, startColumn: 2, endLine: 2, endColumn: 4 },
        },
        message: { text: "this 'if' guards only `x++;`" },
      },
    ]);
    const run = sarif().runs[0];
    expect(run?.columnKind).toBe("utf16CodeUnits");
    expect(run?.automationDetails).toEqual({ id: "deploylint/" });
    expect(sarif(sampleResult(), RULES, { ...OPTIONS, automationId: "x/y/" }).runs[0]?.automationDetails).toEqual({ id: "x/y/" });
  });

  it("fingerprints the primary line as the upload action does, counting repeats", () => {
    const results = sarif().runs[0]?.results ?? [];
    const docker = hashLines(DOCKERFILE);
    expect(results[0]?.partialFingerprints).toEqual({ primaryLocationLineHash: docker[1] });
    expect(results[1]?.partialFingerprints).toEqual({ primaryLocationLineHash: docker[2] });
    const [h1, n1] = (docker[1] ?? "").split(":");
    const [h2, n2] = (docker[2] ?? "").split(":");
    expect(h1).toBe(h2);
    expect([n1, n2]).toEqual(["1", "2"]);
    expect(results[4]?.partialFingerprints?.primaryLocationLineHash).toBe(hashLines(MAIN_C)[3]);
    const noSource = sarif(emptyResult({ findings: [finding("a.c", "x", "x", "c/misleading-indentation", "error", "m")] }));
    expect(noSource.runs[0]?.results[0]).not.toHaveProperty("partialFingerprints");
  });

  it("writes fixes and suppressions", () => {
    const results = sarif().runs[0]?.results ?? [];
    const at = rangeOf(DOCKERFILE, "docker run").end;
    expect(results[0]?.fixes).toEqual([
      {
        description: { text: "Add --rm" },
        artifactChanges: [
          {
            artifactLocation: { uri: "ops/Dockerfile", uriBaseId: "%SRCROOT%" },
            replacements: [{ deletedRegion: { charOffset: at, charLength: 0 }, insertedContent: { text: " --rm" } }],
          },
        ],
        properties: { applicability: "safe" },
      },
    ]);
    expect(results[3]?.suppressions).toEqual([
      {
        kind: "inSource",
        justification: "the host reaps it",
        location: {
          physicalLocation: {
            artifactLocation: { uri: "app/scripts/r%C3%A9pertoire%20%C3%A9/start.sh", uriBaseId: "%SRCROOT%" },
            region: { startLine: 3 },
          },
        },
      },
    ]);
    expect(results[2]).not.toHaveProperty("suppressions");
    expect(results[2]).not.toHaveProperty("fixes");
  });

  it("reports notices as tool execution notifications", () => {
    const run = sarif().runs[0];
    const invocation = run?.invocations[0];
    expect(invocation?.executionSuccessful).toBe(false);
    expect(invocation?.toolExecutionNotifications).toEqual([
      {
        level: "warning",
        message: { text: "binary file (NUL byte at offset 12); skipped" },
        descriptor: { id: "skipped", index: 2 },
        locations: [{ physicalLocation: { artifactLocation: { uri: "app/assets/logo.bin", uriBaseId: "%SRCROOT%" } } }],
      },
      {
        level: "error",
        message: { text: "rule c/misleading-indentation failed on this file: boom" },
        descriptor: { id: "internal-error", index: 0 },
        locations: [{ physicalLocation: { artifactLocation: { uri: "app/src/main.c", uriBaseId: "%SRCROOT%" } } }],
        associatedRule: { id: "c/misleading-indentation", index: 0 },
      },
    ]);
    expect(run?.tool.driver.notifications.map((d) => d.id)).toEqual(["internal-error", "parse-error", "skipped", "unreadable"]);
    const clean = sarif(emptyResult({ notices: [{ file: "a", kind: "skipped", message: "m" }] })).runs[0];
    expect(clean?.invocations[0]?.executionSuccessful).toBe(true);
    expect(clean?.results).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The test vectors of github/codeql-action's src/fingerprints.test.ts ("hash").

describe("hashLines (port of github/codeql-action's fingerprints)", () => {
  const cases: [string, string[]][] = [
    ["", ["c129715d7a2bc9a3:1"]],
    [" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]],
    [
      " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
      [
        "8b7cf3e952e7aeb2:1",
        "b1ae1287ec4718d9:1",
        "bff680108adb0fcc:1",
        "c6805c5e1288b612:1",
        "b86d3392aea1be30:1",
        "e6ceba753e1a442:1",
      ],
    ],
  ];
  const ending = [
    "e9496ae3ebfced30:1",
    "fb7c023a8b9ccb3f:1",
    "ce8ba1a563dcdaca:1",
    "e20e36e16fcb0cc8:1",
    "b3edc88f2938467e:1",
    "c8e28b0b4002a3a0:1",
    "c129715d7a2bc9a3:1",
  ];
  cases.push(
    [" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n", ending],
    [" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r", ending],
    [" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n", ending],
    [" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n", ending],
    [
      "Lorem ipsum dolor sit amet.\n".repeat(10),
      [
        "a7f2ff13bc495cf2:1",
        "a7f2ff13bc495cf2:2",
        "a7f2ff13bc495cf2:3",
        "a7f2ff13bc495cf2:4",
        "a7f2ff13bc495cf2:5",
        "a7f2ff13bc495cf2:6",
        "a7f2ff1481e87703:1",
        "a9cf91f7bbf1862b:1",
        "55ec222b86bcae53:1",
        "cc97dc7b1d7d8f7b:1",
        "c129715d7a2bc9a3:1",
      ],
    ],
  );

  it.each(cases.map(([input, hashes], i) => ({ i, input, hashes })))("vector $i", ({ input, hashes }) => {
    const got = hashLines(input);
    expect(got).toEqual(hashes);
    expect(got).toHaveLength(input.split(/\r\n|\r|\n/).length);
  });

  it("agrees with a direct BigInt transcription of the action's algorithm on random text", () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pool = ["a", "Z", "9", " ", "\t", "\n", "\r", "\r\n", "é", "😀", "\uffff", "\ufffe", "{"];
    for (let n = 0; n < 60; n++) {
      const length = Math.floor(random() * 600);
      const text = Array.from({ length }, () => pool[Math.floor(random() * pool.length)] ?? "").join("");
      expect(hashLines(text)).toEqual(referenceHashLines(text));
    }
  });

  it("hashes a long file in one pass, one hash per line", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i % 7}\tvalue`).join("\n");
    const got = hashLines(text);
    expect(got).toHaveLength(5000);
    expect(got.every((h) => /^[0-9a-f]{1,16}:\d+$/.test(h))).toBe(true);
  });
});

/** The action's `hash()` transcribed with BigInt and a callback-free array, as a reference. */
function referenceHashLines(text: string): string[] {
  const size = 100;
  const mask = (1n << 64n) - 1n;
  const firstMod = 37n ** BigInt(size) & mask;
  const window: number[] = Array<number>(size).fill(0);
  const lineNumbers: number[] = Array<number>(size).fill(-1);
  const counts = new Map<string, number>();
  const out: string[] = [];
  let hash = 0n;
  let index = 0;
  let lineNumber = 0;
  let lineStart = true;
  let prevCR = false;
  const outputHash = (): void => {
    const value = hash.toString(16);
    counts.set(value, (counts.get(value) ?? 0) + 1);
    out.push(`${value}:${counts.get(value) ?? 0}`);
    expect(lineNumbers[index]).toBe(out.length);
    lineNumbers[index] = -1;
  };
  const updateHash = (current: number): void => {
    const begin = window[index] ?? 0;
    window[index] = current;
    hash = (37n * hash + BigInt(current) - firstMod * BigInt(begin)) & mask;
    index = (index + 1) % size;
  };
  const processCharacter = (c: number): void => {
    let current = c;
    if (current === 32 || current === 9 || (prevCR && current === 10)) {
      prevCR = false;
      return;
    }
    if (current === 13) {
      current = 10;
      prevCR = true;
    } else prevCR = false;
    if (lineNumbers[index] !== -1) outputHash();
    if (lineStart) {
      lineStart = false;
      lineNumber++;
      lineNumbers[index] = lineNumber;
    }
    if (current === 10) lineStart = true;
    updateHash(current);
  };
  for (let i = 0; i < text.length; i++) processCharacter(text.charCodeAt(i));
  processCharacter(65535);
  for (let i = 0; i < size; i++) {
    if (lineNumbers[index] !== -1) outputHash();
    updateHash(0);
  }
  return out;
}
