/**
 * Project facts (src/engine/project.ts): which scripts the scanned Dockerfiles run as their
 * entrypoint, and shell/entrypoint-without-exec on a script that only a Dockerfile reference makes
 * an entrypoint (the fixture harness lints one file at a time, without project facts). Also the
 * shell model's tail positions, which that rule is built on.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { Linter } from "../src/engine/lint.js";
import { entrypointSources, normalizeDisplayPath, projectFacts, type ProjectFacts } from "../src/engine/project.js";
import { selectRules } from "../src/engine/registry.js";
import { entrypointTargets, parseDockerfile } from "../src/languages/dockerfile/index.js";
import { applyFixes } from "../src/engine/fix.js";
import { scriptRegion } from "../src/languages/hosts.js";
import { regionInfo, shellTextCommands } from "../src/languages/shell/commands.js";
import { TreeSitter } from "../src/languages/treesitter.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const RULE = "shell/entrypoint-without-exec";
const read = (rel: string): string => readFileSync(path.join(ROOT, rel), "utf8");

async function lintScript(file: string, text: string, project?: ProjectFacts) {
  const sel = selectRules({ only: [RULE] });
  if (!sel.ok) throw new Error(sel.unknown.join(", "));
  const linter = new Linter(
    sel.rules,
    sel.rules.map((r) => r.rule.id),
  );
  try {
    return await linter.lint({ path: file, text, language: "shell", ...(project ? { project } : {}) });
  } finally {
    linter.dispose();
  }
}

describe("the shipped example (examples/deploy)", () => {
  const dockerfile = read("examples/deploy/Dockerfile");
  const script = read("examples/deploy/docker-run.sh");

  test("ADD docker-run.sh /run.sh + ENTRYPOINT [\"/run.sh\"] makes docker-run.sh an entrypoint", () => {
    expect(entrypointSources("examples/deploy/Dockerfile", dockerfile)).toEqual(["examples/deploy/docker-run.sh"]);
    expect([...projectFacts([{ path: "examples/deploy/Dockerfile", text: dockerfile }]).entrypoints]).toEqual([
      "examples/deploy/docker-run.sh",
    ]);
    // However the paths were spelled on the command line.
    expect(entrypointSources("./examples/deploy/Dockerfile", dockerfile)).toEqual(["examples/deploy/docker-run.sh"]);
  });

  test("docker-run.sh is reported at its gunicorn line through the Dockerfile reference", async () => {
    const project = projectFacts([{ path: "examples/deploy/Dockerfile", text: dockerfile }]);
    const res = await lintScript("examples/deploy/docker-run.sh", script, project);
    expect(res.notices).toEqual([]);
    const found = res.findings.filter((f) => f.ruleId === RULE);
    expect(found.map((f) => [f.range.start.line, f.range.start.column])).toEqual([[31, 1]]);
    expect(script.split("\n")[30]).toMatch(/^\/ve\/bin\/gunicorn /);
    expect(found[0]?.message).toContain("Dockerfile's ENTRYPOINT/CMD");
    const fixed = applyFixes(script, found, "unsafe").text;
    expect(fixed.split("\n")[30]).toMatch(/^exec \/ve\/bin\/gunicorn /);
    // The branches above already exec: nothing else changes.
    expect(fixed.replace("exec /ve/bin/gunicorn", "/ve/bin/gunicorn")).toBe(script);
  });

  test("without the Dockerfile, docker-run.sh is not named like an entrypoint and is not checked", async () => {
    const res = await lintScript("examples/deploy/docker-run.sh", script);
    expect(res.findings.filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  test("a display path spelled differently still matches", async () => {
    const project = projectFacts([{ path: "examples/deploy/Dockerfile", text: dockerfile }]);
    const res = await lintScript("./examples/deploy/../deploy/docker-run.sh", script, project);
    expect(res.findings.filter((f) => f.ruleId === RULE)).toHaveLength(1);
    expect(normalizeDisplayPath("./a/b/../c.sh")).toBe("a/c.sh");
  });
});

describe("entrypointSources", () => {
  const sources = (text: string, file = "svc/Dockerfile"): string[] => entrypointSources(file, text).sort();

  test("a file copied to the target path, relative to the Dockerfile's directory", () => {
    expect(sources('FROM a\nCOPY docker-run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n')).toEqual(["svc/docker-run.sh"]);
    expect(sources('FROM a\nCOPY ./bin/entry.sh /entry.sh\nCMD /entry.sh run\n', "Dockerfile")).toEqual(["bin/entry.sh"]);
  });

  test("into a directory: trailing slash, several sources, or an existing directory such as /usr/local/bin", () => {
    expect(sources('FROM a\nCOPY entrypoint.sh /usr/local/bin/\nENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\n')).toEqual([
      "svc/entrypoint.sh",
    ]);
    expect(sources('FROM a\nCOPY a.sh entrypoint.sh /opt/\nENTRYPOINT ["/opt/entrypoint.sh"]\n')).toEqual(["svc/entrypoint.sh"]);
    expect(sources('FROM a\nCOPY scripts/start.sh /usr/local/bin\nCMD ["start.sh"]\n')).toEqual(["svc/scripts/start.sh"]);
  });

  test("a directory's contents (COPY . /app/) and a glob (COPY *.sh …)", () => {
    expect(sources('FROM a\nCOPY . /app/\nENTRYPOINT ["/app/docker-entrypoint.sh"]\n')).toEqual(["svc/docker-entrypoint.sh"]);
    expect(sources('FROM a\nCOPY rootfs/ /\nENTRYPOINT ["/init.sh"]\n')).toEqual(["svc/rootfs/init.sh"]);
    expect(sources('FROM a\nCOPY docker/*.sh /usr/local/bin/\nENTRYPOINT ["docker-entrypoint.sh"]\n')).toEqual([
      "svc/docker/docker-entrypoint.sh",
    ]);
  });

  test("relative destinations and targets resolve against WORKDIR", () => {
    expect(sources('FROM a\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\n')).toEqual(["svc/docker-entrypoint.sh"]);
    expect(sources('FROM a\nWORKDIR /srv\nWORKDIR app\nCOPY run.sh bin/\nCMD ["/srv/app/bin/run.sh"]\n')).toEqual(["svc/run.sh"]);
    // An unknown WORKDIR does not matter to absolute paths.
    expect(sources('FROM a\nARG APP\nWORKDIR /srv/$APP\nCOPY run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n')).toEqual(["svc/run.sh"]);
  });

  test("a bare name is found on PATH, or by the copied file's name", () => {
    expect(sources('FROM a\nCOPY entry.sh /usr/local/bin/docker-entrypoint.sh\nENTRYPOINT ["docker-entrypoint.sh"]\n')).toEqual([
      "svc/entry.sh",
    ]);
    expect(sources('FROM a\nCOPY docker-entrypoint.sh /app/\nENV PATH=/app:$PATH\nENTRYPOINT ["docker-entrypoint.sh"]\n')).toEqual([
      "svc/docker-entrypoint.sh",
    ]);
  });

  test("only the final stage's copies; not COPY --from, heredocs or URLs", () => {
    expect(sources('FROM a AS build\nCOPY build.sh /run.sh\nFROM b\nCOPY --from=build /run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n')).toEqual([]);
    expect(sources('FROM a AS base\nCOPY run.sh /run.sh\nFROM base\nENTRYPOINT ["/run.sh"]\n')).toEqual(["svc/run.sh"]);
    expect(sources('FROM a\nCOPY <<EOF /run.sh\nexec app\nEOF\nENTRYPOINT ["/run.sh"]\n')).toEqual([]);
    expect(sources('FROM a\nADD https://example.com/run.sh /run.sh\nENTRYPOINT ["/run.sh"]\n')).toEqual([]);
  });

  test("an init wrapper's program may come from CMD", () => {
    expect(sources('FROM a\nCOPY entrypoint.sh /\nENTRYPOINT ["tini", "--"]\nCMD ["/entrypoint.sh"]\n')).toEqual(["svc/entrypoint.sh"]);
  });
});

describe("entrypointTargets: ENTRYPOINT + CMD is the argv", () => {
  const targets = (text: string): string[] => entrypointTargets(parseDockerfile(text));

  test("exec-form ENTRYPOINT takes CMD as its arguments", () => {
    expect(targets('FROM a\nENTRYPOINT ["tini", "--"]\nCMD ["/docker-entrypoint.sh", "web"]\n')).toEqual(["tini", "/docker-entrypoint.sh"]);
    expect(targets('FROM a\nENTRYPOINT ["/run.sh"]\nCMD ["/not-a-program"]\n')).toEqual(["/run.sh"]);
    expect(targets('FROM a\nENTRYPOINT ["/bin/sh"]\nCMD ["/start.sh"]\n')).toEqual(["/start.sh"]);
  });

  test("shell-form ENTRYPOINT ignores CMD; a base stage's CMD is reset by a later ENTRYPOINT", () => {
    expect(targets('FROM a\nENTRYPOINT tini --\nCMD ["/docker-entrypoint.sh"]\n')).toEqual(["tini"]);
    expect(targets('FROM a AS base\nCMD ["/entry.sh"]\nFROM base\nENTRYPOINT ["tini", "--"]\n')).toEqual(["tini"]);
    expect(targets('FROM a AS base\nENTRYPOINT ["tini", "--"]\nFROM base\nCMD ["/entry.sh"]\n')).toEqual(["tini", "/entry.sh"]);
  });
});

describe("ShellCommand.tail (the commands that can end a script)", () => {
  async function tails(text: string): Promise<string[]> {
    const ts = new TreeSitter();
    try {
      const bash = await ts.grammar("bash");
      const region = scriptRegion(text);
      if (region.kind !== "shell") throw new Error("a script is shell text");
      const tree = ts.parse(bash, text);
      try {
        return shellTextCommands(tree, region, regionInfo(region, 0), 0, new Map())
          .filter((c) => c.tail)
          .map((c) => `${c.name}${c.tail?.alone ? "" : " (in " + text.slice(c.tail?.start, c.tail?.end) + ")"}`);
      } finally {
        tree.delete();
      }
    } finally {
      ts.dispose();
    }
  }

  test("the last statement; through if/elif/else, case and { } the last of each branch", async () => {
    expect(await tails("a\nb # done\n")).toEqual(["b"]);
    expect(await tails("if a; b; then c; d\nelif e; then f\nelse g; fi\n# end\n")).toEqual(["d", "f", "g"]);
    expect(await tails('case "$1" in x) a; b ;; y) c ;; esac\n')).toEqual(["b", "c"]);
    expect(await tails("a\n{ b; c >/dev/null; }\n")).toEqual(["c"]);
  });

  test("every command of a list or pipeline, not alone", async () => {
    expect(await tails("a && b || c\n")).toEqual(["a (in a && b || c)", "b (in a && b || c)", "c (in a && b || c)"]);
    expect(await tails("a | b\n")).toEqual(["a (in a | b)", "b (in a | b)"]);
    expect(await tails("cat <<EOF | b\nx\nEOF\n")).toEqual(["cat (in cat <<EOF | b\nx\nEOF)", "b (in cat <<EOF | b\nx\nEOF)"]);
  });

  test("not in loops, subshells, functions or substitutions, nor earlier statements", async () => {
    expect(await tails("while a; do b; done\n")).toEqual([]);
    expect(await tails("(a; b)\n")).toEqual([]);
    expect(await tails("f() { a; }\n")).toEqual([]);
    expect(await tails("echo $(a)\n")).toEqual(["echo"]);
    expect(await tails("a\nif b; then c; fi\n")).toEqual(["c"]);
  });
});
