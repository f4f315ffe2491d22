import { DockerfileParser } from "dockerfile-ast";
import { describe, expect, test } from "vitest";
import {
  copySources,
  dockerfileShellRegions,
  entrypointTargets,
  parseDockerfile,
  type DInstruction,
} from "../src/languages/dockerfile/index.js";
import { parseShellInvocation } from "../src/languages/dockerfile/shell-invocation.js";
import { toHost, type ShellRegion, type ShellTextRegion } from "../src/languages/regions.js";
import { argvOnly, crlf, hostSlice, shellOnly, syntheticOffsets } from "./support/regions.js";

/* ------------------------------------------------------------------ helpers */

function regionsOf(text: string): ShellRegion[] {
  return dockerfileShellRegions(parseDockerfile(text), text);
}

function only<T>(items: readonly T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

/* ------------------------------------------------------------------ fixtures */

/** The Django app's Dockerfile from the seed post, with a test step and a continued install line. */
const DJANGO = `FROM ccnmtl/django.base
ADD wheelhouse /wheelhouse
RUN apt-get update && apt-get install -y \\
        libxml2-dev \\
        # the XSLT headers lxml needs
        libxslt-dev
RUN /ve/bin/pip install --no-index -f /wheelhouse -r /wheelhouse/requirements.txt
COPY . /app/
RUN /ve/bin/python manage.py test
ADD docker-run.sh /run.sh
ENV APP antisocial
ENTRYPOINT ["/run.sh"]
CMD ["run"]
`;

/** A multi-stage build with a builder stage, BuildKit flags, SHELL and ONBUILD. */
const MULTI_STAGE = `# syntax=docker/dockerfile:1.7
ARG PYTHON=3.12
FROM python:\${PYTHON}-slim AS build
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
RUN --mount=type=cache,target=/root/.cache/pip \\
    pip wheel --wheel-dir /wheels -r requirements.txt | tee /tmp/log
RUN docker ps >/dev/null 2>&1 || echo "no docker in the build"

FROM python:\${PYTHON}-slim AS final
COPY --from=build --chown=app:app /wheels /wheels
RUN pip install --no-index /wheels/*.whl
ONBUILD RUN /ve/bin/python manage.py collectstatic --noinput
ENTRYPOINT ["tini", "--", "/docker-entrypoint.sh"]
`;

/* ------------------------------------------------------------------ parse */

describe("parseDockerfile", () => {
  test("the Django Dockerfile: instructions, offsets, args, forms", () => {
    const doc = parseDockerfile(DJANGO);
    expect(doc.instructions.map((i) => i.keyword)).toEqual(["FROM", "ADD", "RUN", "RUN", "COPY", "RUN", "ADD", "ENV", "ENTRYPOINT", "CMD"]);
    expect(doc.escapeChar).toBe("\\");
    expect(doc.stages).toEqual([{ index: 0, image: "ccnmtl/django.base", fromStart: 0, fromEnd: 23 }]);
    const install = doc.instructions[2] as DInstruction;
    expect(DJANGO.slice(install.start, install.end)).toBe(
      "RUN apt-get update && apt-get install -y \\\n        libxml2-dev \\\n        # the XSLT headers lxml needs\n        libxslt-dev",
    );
    expect(DJANGO.slice(install.keywordStart, install.keywordEnd)).toBe("RUN");
    expect(install.form).toBe("shell");
    expect(install.argsText).toBe("apt-get update && apt-get install -y         libxml2-dev         libxslt-dev");
    expect(install.args.map((a) => a.value)).toEqual(["apt-get", "update", "&&", "apt-get", "install", "-y", "libxml2-dev", "libxslt-dev"]);
    for (const a of install.args) expect(DJANGO.slice(a.start, a.end)).toBe(a.value);
    const entry = doc.instructions[8] as DInstruction;
    expect(entry.form).toBe("exec");
    expect(entry.args).toEqual([{ value: "/run.sh", start: entry.start + 12, end: entry.start + 21 }]);
    expect((doc.instructions[7] as DInstruction).form).toBe("none");
    expect(doc.instructions.every((i) => i.stage === 0)).toBe(true);
  });

  test("stages: names, -1 before the first FROM, flags on FROM", () => {
    const doc = parseDockerfile(MULTI_STAGE);
    expect(doc.directives.map((d) => [d.name, d.value])).toEqual([["syntax", "docker/dockerfile:1.7"]]);
    expect(doc.stages.map((s) => [s.index, s.name, s.image])).toEqual([
      [0, "build", "python:${PYTHON}-slim"],
      [1, "final", "python:${PYTHON}-slim"],
    ]);
    expect(doc.instructions.map((i) => [i.keyword, i.stage])).toEqual([
      ["ARG", -1],
      ["FROM", 0],
      ["SHELL", 0],
      ["RUN", 0],
      ["RUN", 0],
      ["FROM", 1],
      ["COPY", 1],
      ["RUN", 1],
      ["ONBUILD", 1],
      ["ENTRYPOINT", 1],
    ]);
    const from = doc.instructions[5] as DInstruction;
    expect(MULTI_STAGE.slice(doc.stages[1]?.fromStart, doc.stages[1]?.fromEnd)).toBe("FROM python:${PYTHON}-slim AS final");
    expect(from.flags).toEqual([]);
    const platform = parseDockerfile("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n");
    expect(platform.stages[0]).toMatchObject({ image: "golang:1.22", name: "build" });
    expect(platform.instructions[0]?.flags.map((f) => [f.name, f.value])).toEqual([["platform", "$BUILDPLATFORM"]]);
  });

  test("flags: --mount/--network are not arguments; quoted values; a lone -- ends them", () => {
    const text = 'RUN --mount=type=cache,target=/root/.cache --network=none --mount="type=bind,source=a b" make test\nRUN -- --version\nCOPY --link --chown=app:app src /app\n';
    const [run, dashdash, copy] = parseDockerfile(text).instructions as [DInstruction, DInstruction, DInstruction];
    expect(run.flags.map((f) => [f.name, f.value, text.slice(f.start, f.end)])).toEqual([
      ["mount", "type=cache,target=/root/.cache", "--mount=type=cache,target=/root/.cache"],
      ["network", "none", "--network=none"],
      ["mount", "type=bind,source=a b", '--mount="type=bind,source=a b"'],
    ]);
    expect(run.argsText).toBe("make test");
    expect(dashdash.flags).toEqual([]);
    expect(dashdash.argsText).toBe("--version");
    expect(copy.flags.map((f) => [f.name, f.value])).toEqual([
      ["link", undefined],
      ["chown", "app:app"],
    ]);
    expect(copy.args.map((a) => a.value)).toEqual(["src", "/app"]);
  });

  test("keywords are case-insensitive; leading whitespace and blank/comment lines are skipped", () => {
    const text = "\n# a comment\n   from alpine\n\trun echo hi\n";
    const doc = parseDockerfile(text);
    expect(doc.instructions.map((i) => [i.keyword, text.slice(i.keywordStart, i.keywordEnd)])).toEqual([
      ["FROM", "from"],
      ["RUN", "run"],
    ]);
    expect(parseDockerfile("").instructions).toEqual([]);
    // A continuation at the end of the file: the instruction ends with its escape character.
    const dangling = "FROM a\nRUN make \\\n# trailing comment\n";
    const run = parseDockerfile(dangling).instructions[1] as DInstruction;
    expect([dangling.slice(run.start, run.end), run.argsText]).toEqual(["RUN make \\", "make"]);
    expect(parseDockerfile("# only a comment\n\n").instructions).toEqual([]);
  });

  test("JSON that is not an array of strings is shell form (as Docker runs it)", () => {
    const doc = parseDockerfile("CMD ['/run.sh']\nCMD [\"a\", 1]\nCMD [\"a\"] trailing ignored\nCMD []\n");
    expect(doc.instructions.map((i) => i.form)).toEqual(["shell", "shell", "exec", "exec"]);
    expect(doc.instructions[2]?.args.map((a) => a.value)).toEqual(["a"]);
    expect(doc.instructions[3]?.args).toEqual([]);
  });

  test("agrees with dockerfile-ast on instruction boundaries of ordinary files", () => {
    const heredocs = "FROM a\nRUN <<EOF\necho\nEOF\nRUN <<-EOT\n\techo\n\tEOT\nRUN cat <<A <<B\na\nA\nb\nB\n";
    for (const text of [DJANGO, MULTI_STAGE, crlf(DJANGO), heredocs]) {
      const ours = parseDockerfile(text).instructions;
      const theirs = DockerfileParser.parse(text).getInstructions();
      expect(ours.map((i) => i.keyword)).toEqual(theirs.map((i) => i.getKeyword()));
      const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => (m.index as number) + 1)];
      const offset = (p: { line: number; character: number }): number => (lineStarts[p.line] as number) + p.character;
      expect(ours.map((i) => [i.start, i.end])).toEqual(theirs.map((i) => [offset(i.getRange().start), offset(i.getRange().end)]));
    }
  });
});

/* ------------------------------------------------------------------ shell regions */

describe("dockerfileShellRegions: shell form", () => {
  test("one region per RUN, in order, scope per stage, no errexit by default", () => {
    const regions = regionsOf(DJANGO);
    expect(regions.map((r) => [r.kind, r.origin, r.label, r.scope])).toEqual([
      ["shell", "dockerfile-run", "RUN", "dockerfile:stage0"],
      ["shell", "dockerfile-run", "RUN", "dockerfile:stage0"],
      ["shell", "dockerfile-run", "RUN", "dockerfile:stage0"],
    ]);
    for (const r of shellOnly(regions)) {
      expect(r.assumptions).toEqual({});
      expect(r.precededBy()).toEqual([]);
      expect(syntheticOffsets(r, DJANGO)).toEqual([]);
    }
    const test = shellOnly(regions)[2] as ShellTextRegion;
    expect(test.text).toBe("/ve/bin/python manage.py test");
    expect(DJANGO.slice(test.hostStart, test.hostEnd)).toBe("RUN /ve/bin/python manage.py test");
  });

  test("continuations are joined without inserting anything; comment and blank lines inside are dropped", () => {
    const text = "FROM debian:12\nRUN apt-get update \\\n  && apt-get install -y curl \\\n# pinned below\n    \\\n\n  && rm -rf /var/lib/apt/lists/*  \n";
    const r = only(shellOnly(regionsOf(text)));
    // The `    \\` line contributes its four blanks; the blank line after it contributes nothing.
    expect(r.text).toBe("apt-get update   && apt-get install -y curl       && rm -rf /var/lib/apt/lists/*");
    expect(syntheticOffsets(r, text)).toEqual([]);
    expect(hostSlice(r, text, "curl")).toBe("curl");
    expect(hostSlice(r, text, "&& rm")).toBe("&& rm");
    // A word split by a continuation maps back across the line break.
    const split = "FROM a\nRUN ech\\\no hi\n";
    const r2 = only(shellOnly(regionsOf(split)));
    expect(r2.text).toBe("echo hi");
    expect(syntheticOffsets(r2, split)).toEqual([]);
    expect(split.slice(toHost(r2.map, 0), toHost(r2.map, 4))).toBe("ech\\\no");
  });

  test("a `#` that does not start a line is shell text; an escaped escape is not a continuation", () => {
    const text = "FROM a\nRUN echo a # not a Docker comment \\\n  b\nRUN echo c:\\\\\nRUN echo d\n";
    const [first, second, third] = shellOnly(regionsOf(text)) as [ShellTextRegion, ShellTextRegion, ShellTextRegion];
    expect(first.text).toBe("echo a # not a Docker comment   b");
    expect(second.text).toBe("echo c:\\\\");
    expect(third.text).toBe("echo d");
  });

  test("the backtick escape directive: backtick continues, backslash is literal", () => {
    const text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN New-Item -Path C:\\app `\n    -ItemType Directory\n";
    const doc = parseDockerfile(text);
    expect(doc.escapeChar).toBe("`");
    expect(doc.directives.map((d) => [d.name, d.value, text.slice(d.start, d.end)])).toEqual([["escape", "`", "# escape=`"]]);
    const run = doc.instructions[1] as DInstruction;
    expect(run.argsText).toBe("New-Item -Path C:\\app     -ItemType Directory");
    const r = only(shellOnly(dockerfileShellRegions(doc, text)));
    expect(syntheticOffsets(r, text)).toEqual([]);
    // The directive must come first: after an instruction it is an ordinary comment.
    expect(parseDockerfile("FROM a\n# escape=`\n").escapeChar).toBe("\\");
  });

  test("CRLF files: same text as LF, every character maps into the CRLF host, no \\r anywhere", () => {
    const lf = regionsOf(DJANGO);
    const text = crlf(DJANGO);
    const regions = shellOnly(regionsOf(text));
    expect(regions.map((r) => r.text)).toEqual(shellOnly(lf).map((r) => r.text));
    for (const r of regions) expect(syntheticOffsets(r, text)).toEqual([]);
    const doc = parseDockerfile(text);
    for (const i of doc.instructions) expect(text.slice(i.start, i.end).endsWith("\r")).toBe(false);
  });

  test("--mount flags are not part of the shell text", () => {
    const text = "FROM a\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc --network=host npm ci\n";
    const r = only(shellOnly(regionsOf(text)));
    expect(r.text).toBe("npm ci");
    expect(text.slice(toHost(r.map, 0))).toBe("npm ci\n");
    expect(syntheticOffsets(r, text)).toEqual([]);
  });

  test("SHELL with errexit: -e, -eo pipefail, -o errexit; reset by FROM; inherited from a FROM'd stage", () => {
    const text = [
      "FROM a AS base",
      'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]',
      "RUN one",
      'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
      "RUN two",
      'SHELL ["/bin/sh", "-o", "errexit", "-c"]',
      "RUN three",
      "FROM base AS child",
      "RUN four",
      "FROM debian",
      "RUN five",
      'SHELL ["bash", "-ec"]',
      "RUN six",
      "",
    ].join("\n");
    const regions = shellOnly(regionsOf(text));
    expect(regions.map((r) => [r.text, r.assumptions.errexit === true, r.scope])).toEqual([
      ["one", true, "dockerfile:stage0"],
      ["two", false, "dockerfile:stage0"],
      ["three", true, "dockerfile:stage0"],
      ["four", true, "dockerfile:stage1"],
      ["five", false, "dockerfile:stage2"],
      ["six", true, "dockerfile:stage2"],
    ]);
  });

  test("a non-POSIX SHELL makes RUN text not shell: no region", () => {
    const text = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-command"]\nRUN Get-ChildItem\nRUN ["cmd", "/c", "dir"]\n';
    const regions = regionsOf(text);
    expect(regions.map((r) => r.kind)).toEqual(["argv"]);
  });

  test("multi-stage: scopes per stage, errexit from SHELL, ONBUILD separate", () => {
    const regions = regionsOf(MULTI_STAGE);
    expect(regions.map((r) => [r.label, r.scope, r.assumptions.errexit === true])).toEqual([
      ["RUN", "dockerfile:stage0", true],
      ["RUN", "dockerfile:stage0", true],
      ["RUN", "dockerfile:stage1", false],
      ["ONBUILD RUN", "dockerfile:stage1:onbuild", false],
    ]);
    const [pip] = shellOnly(regions) as [ShellTextRegion];
    expect(pip.text).toBe("pip wheel --wheel-dir /wheels -r requirements.txt | tee /tmp/log");
    for (const r of shellOnly(regions)) expect(syntheticOffsets(r, MULTI_STAGE)).toEqual([]);
  });

  test("precededBy: the stages a stage waits for (FROM, COPY --from, RUN --mount from=), transitively", () => {
    const text = [
      "FROM golang:1.22 AS deps",
      "RUN go mod download",
      "FROM deps AS build",
      "RUN go build -o /app",
      "FROM alpine AS assets",
      "RUN ./fetch-assets",
      "FROM alpine",
      "COPY --from=build /app /app",
      "RUN --mount=type=bind,from=assets,source=/assets,target=/mnt cp -r /mnt /srv",
      "COPY --from=0 /go/pkg /pkg",
      "COPY --from=redis:7 /usr/local/bin/redis-server /usr/local/bin/",
      "ONBUILD RUN make",
      "",
    ].join("\n");
    expect(regionsOf(text).map((r) => [r.scope, r.precededBy()])).toEqual([
      ["dockerfile:stage0", []],
      ["dockerfile:stage1", ["dockerfile:stage0"]],
      ["dockerfile:stage2", []],
      ["dockerfile:stage3", ["dockerfile:stage0", "dockerfile:stage1", "dockerfile:stage2"]],
      ["dockerfile:stage3:onbuild", []],
    ]);
  });

  test("precededBy across more stages than one bit-set word: a chain, a skip, a later duplicate name and a forward reference", () => {
    // Stage i copies from stage i-1 (stage 40 from stage 3 only); stage 70 is named like stage 0
    // and stage 71 refers to that name (the first stage of it) and to stage 72, which is later.
    const lines = ["FROM alpine AS s0", "RUN true"];
    for (let i = 1; i < 70; i++) lines.push(`FROM alpine AS s${i}`, `COPY --from=s${i === 40 ? 3 : i - 1} /a /b`, "RUN true");
    lines.push("FROM alpine AS s0", "COPY --from=s69 /a /b", "RUN true");
    lines.push("FROM alpine AS last", "COPY --from=s0 /a /b", "COPY --from=72 /a /b", "RUN true");
    lines.push("FROM alpine", "RUN true", "");
    const text = lines.join("\n");
    const scopes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `dockerfile:stage${from + i}`);
    const byScope = new Map(regionsOf(text).map((r) => [r.scope, r.precededBy()]));
    expect(byScope.get("dockerfile:stage39")).toEqual(scopes(0, 39));
    expect(byScope.get("dockerfile:stage41")).toEqual([...scopes(0, 4), "dockerfile:stage40"]);
    expect(byScope.get("dockerfile:stage70")).toEqual([...scopes(0, 4), ...scopes(40, 70)]);
    expect(byScope.get("dockerfile:stage71")).toEqual(["dockerfile:stage0"]);
    expect(byScope.get("dockerfile:stage72")).toEqual([]);
  });

  test("ONBUILD RUN: label, host range of the ONBUILD line, exec form too; ONBUILD COPY has no region", () => {
    const text = 'FROM a\nONBUILD RUN make \\\n  install\nONBUILD COPY . /src\nONBUILD RUN ["docker", "build", "."]\n';
    const doc = parseDockerfile(text);
    const onbuild = doc.instructions[1] as DInstruction;
    expect(onbuild.onbuild?.keyword).toBe("RUN");
    expect(text.slice(onbuild.onbuild?.keywordStart, onbuild.onbuild?.keywordEnd)).toBe("RUN");
    expect(onbuild.onbuild?.argsText).toBe("make   install");
    const regions = dockerfileShellRegions(doc, text);
    expect(regions.map((r) => [r.kind, r.label, r.scope])).toEqual([
      ["shell", "ONBUILD RUN", "dockerfile:stage0:onbuild"],
      ["argv", "ONBUILD RUN", "dockerfile:stage0:onbuild"],
    ]);
    const r = regions[0] as ShellTextRegion;
    expect(text.slice(r.hostStart, r.hostEnd)).toBe("ONBUILD RUN make \\\n  install");
    expect(syntheticOffsets(r, text)).toEqual([]);
  });
});

describe("dockerfileShellRegions: exec form", () => {
  test("an argv region with JSON-decoded words; host ranges cover the quoted strings", () => {
    const text = 'FROM a\nRUN ["docker", "run", "--name=\\"web\\"", "my\\u0041pp", "a\\\\b"]\n';
    const argv = only(argvOnly(regionsOf(text)));
    expect(argv.origin).toBe("dockerfile-run");
    expect(argv.label).toBe("RUN");
    expect(argv.words.map((w) => w.value)).toEqual(["docker", "run", '--name="web"', "myApp", "a\\b"]);
    expect(argv.words.map((w) => text.slice(w.hostStart, w.hostEnd))).toEqual(['"docker"', '"run"', '"--name=\\"web\\""', '"my\\u0041pp"', '"a\\\\b"']);
    for (const w of argv.words) expect(JSON.parse(text.slice(w.hostStart, w.hostEnd))).toBe(w.value);
    expect(shellOnly(regionsOf(text))).toEqual([]);
  });

  test("an exec-form shell -c: argv plus the command string as a sh-c-argument region", () => {
    const text = 'FROM a\nRUN ["/bin/bash", "-ec", "docker run --rm \\"$IMAGE\\"\\ndocker ps"]\n';
    const regions = regionsOf(text);
    expect(regions.map((r) => [r.kind, r.origin])).toEqual([
      ["argv", "dockerfile-run"],
      ["shell", "sh-c-argument"],
    ]);
    const sh = regions[1] as ShellTextRegion;
    expect(sh.text).toBe('docker run --rm "$IMAGE"\ndocker ps');
    expect(sh.assumptions).toEqual({ errexit: true });
    // `\"` maps to the quote it escapes; `\n` decodes to a newline that is not in the host.
    expect(syntheticOffsets(sh, text)).toEqual([sh.text.indexOf("\n")]);
    expect(hostSlice(sh, text, '"$IMAGE"')).toBe('"$IMAGE\\"');
    expect(hostSlice(sh, text, "docker ps")).toBe("docker ps");
  });

  test("exec form across continuation lines", () => {
    const text = 'FROM a\nCMD ["gunicorn", \\\n     "--bind", "0.0.0.0:8000"]\nRUN ["sh", \\\n  "-c", "echo hi"]\n';
    const doc = parseDockerfile(text);
    expect(doc.instructions[1]?.args.map((a) => [a.value, text.slice(a.start, a.end)])).toEqual([
      ["gunicorn", '"gunicorn"'],
      ["--bind", '"--bind"'],
      ["0.0.0.0:8000", '"0.0.0.0:8000"'],
    ]);
    const sh = only(shellOnly(dockerfileShellRegions(doc, text)));
    expect(sh.text).toBe("echo hi");
    expect(syntheticOffsets(sh, text)).toEqual([]);
  });
});

describe("dockerfileShellRegions: heredocs", () => {
  test("RUN <<EOF: the body is the script", () => {
    const text = "FROM a\nRUN <<EOF\nset -x\ndocker build -t app .\nEOF\nRUN echo after\n";
    const doc = parseDockerfile(text);
    const run = doc.instructions[1] as DInstruction;
    expect(run.form).toBe("heredoc");
    expect(text.slice(run.start, run.end)).toBe("RUN <<EOF\nset -x\ndocker build -t app .\nEOF");
    expect(run.heredocs.map((h) => [h.name, h.chomp, h.expand, h.body, text.slice(h.start, h.end)])).toEqual([
      ["EOF", false, true, "set -x\ndocker build -t app .\n", "<<EOF"],
    ]);
    expect(text.slice(run.heredocs[0]?.terminatorStart, run.heredocs[0]?.terminatorEnd)).toBe("EOF");
    const [script, after] = shellOnly(dockerfileShellRegions(doc, text)) as [ShellTextRegion, ShellTextRegion];
    expect(script.text).toBe("set -x\ndocker build -t app .\n");
    expect(syntheticOffsets(script, text)).toEqual([]);
    expect(after.text).toBe("echo after");
  });

  test("RUN <<-'EOF' with tabs, flags and CRLF: tabs chomped, quoted name, \\r dropped", () => {
    const text = crlf("FROM a\nRUN --mount=type=cache,target=/x <<-'EOT'\n\tdocker pull redis\n\t\tdocker run redis\n\tEOT\nRUN next\n");
    const doc = parseDockerfile(text);
    const run = doc.instructions[1] as DInstruction;
    expect(run.heredocs[0]).toMatchObject({ name: "EOT", chomp: true, expand: false, body: "\tdocker pull redis\n\t\tdocker run redis\n" });
    const [script, next] = shellOnly(dockerfileShellRegions(doc, text)) as [ShellTextRegion, ShellTextRegion];
    expect(script.text).toBe("docker pull redis\ndocker run redis\n");
    expect(syntheticOffsets(script, text)).toEqual([]);
    expect(next.text).toBe("next");
  });

  test("a heredoc that is data: the shell gets the command line, the body and the delimiter", () => {
    const text = "FROM a\nRUN cat <<EOF > /etc/app.conf && chmod 600 /etc/app.conf\nlisten 80\nEOF\n";
    const r = only(shellOnly(regionsOf(text)));
    expect(r.text).toBe("cat <<EOF > /etc/app.conf && chmod 600 /etc/app.conf\nlisten 80\nEOF");
    expect(syntheticOffsets(r, text)).toEqual([]);
    const python = "FROM a\nRUN python3 <<'PY'\nimport os\nPY\n";
    expect(only(shellOnly(regionsOf(python))).text).toBe("python3 <<'PY'\nimport os\nPY");
  });

  test("several heredocs and an fd heredoc (BuildKit reads the bodies in order)", () => {
    const text = "FROM a\nRUN <<A 3<<-B cat - /dev/fd/3\na1\nA\n\tb1\n\tB\nRUN after\n";
    const doc = parseDockerfile(text);
    const run = doc.instructions[1] as DInstruction;
    expect(run.heredocs.map((h) => [h.name, h.fd, h.chomp, h.body])).toEqual([
      ["A", undefined, false, "a1\n"],
      ["B", 3, true, "\tb1\n"],
    ]);
    const [r, after] = shellOnly(dockerfileShellRegions(doc, text)) as [ShellTextRegion, ShellTextRegion];
    expect(r.text).toBe("<<A 3<<-B cat - /dev/fd/3\na1\nA\n\tb1\nB");
    expect(syntheticOffsets(r, text)).toEqual([]);
    expect(after.text).toBe("after");
    expect(doc.instructions.map((i) => i.keyword)).toEqual(["FROM", "RUN", "RUN"]);
  });

  test("a shebang body runs with its own interpreter: shell only if it is a shell", () => {
    const text = "FROM a\nRUN <<EOF\n#!/bin/bash -e\ndocker info\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint('hi')\nEOF\n";
    const r = only(shellOnly(regionsOf(text)));
    expect(r.text).toBe("#!/bin/bash -e\ndocker info\n");
    expect(r.assumptions).toEqual({ errexit: true });
  });

  test("an unterminated heredoc runs to the end of the file; a quoted <<EOF is not a heredoc", () => {
    const text = "FROM a\nRUN <<EOF\necho never closed\n";
    const run = parseDockerfile(text).instructions[1] as DInstruction;
    expect(run.heredocs[0]).toMatchObject({ body: "echo never closed\n", terminatorStart: undefined });
    expect(run.end).toBe(text.length);
    const quoted = 'FROM a\nRUN echo "<<EOF"\nRUN next\n';
    expect(shellOnly(regionsOf(quoted)).map((r) => r.text)).toEqual(['echo "<<EOF"', "next"]);
  });
});

/* ------------------------------------------------------------------ targets and copies */

describe("entrypointTargets", () => {
  const targets = (text: string): string[] => entrypointTargets(parseDockerfile(text));

  test("exec-form ENTRYPOINT wins over CMD (CMD is its arguments)", () => {
    expect(targets(DJANGO)).toEqual(["/run.sh"]);
  });

  test("shell form: the first command word; exec and assignments skipped", () => {
    expect(targets("FROM a\nENTRYPOINT exec /usr/local/bin/docker-entrypoint.sh \"$@\"\n")).toEqual(["/usr/local/bin/docker-entrypoint.sh"]);
    expect(targets("FROM a\nCMD APP=web docker-entrypoint.sh run\n")).toEqual(["docker-entrypoint.sh"]);
  });

  test("through a shell or an init wrapper, the started program is included", () => {
    expect(targets('FROM a\nENTRYPOINT ["/bin/sh", "/run.sh"]\n')).toEqual(["/run.sh"]);
    expect(targets('FROM a\nENTRYPOINT ["sh", "-c", "exec /run.sh \\"$@\\"", "--"]\n')).toEqual(["/run.sh"]);
    expect(targets(MULTI_STAGE)).toEqual(["tini", "/docker-entrypoint.sh"]);
    expect(targets('FROM a\nENTRYPOINT ["gosu", "app", "/entry.sh"]\n')).toEqual(["gosu", "/entry.sh"]);
  });

  test("only the last stage counts; its base stage's ENTRYPOINT is inherited", () => {
    expect(targets('FROM a AS build\nENTRYPOINT ["/build.sh"]\nFROM b\nCMD ["/serve"]\n')).toEqual(["/serve"]);
    expect(targets('FROM a AS base\nENTRYPOINT ["/run.sh"]\nFROM base\nCMD ["run"]\n')).toEqual(["/run.sh"]);
    expect(targets("FROM a\n")).toEqual([]);
    expect(targets('FROM a\nENTRYPOINT []\nCMD ["/only-cmd"]\n')).toEqual(["/only-cmd"]);
  });
});

describe("copySources", () => {
  test("COPY and ADD: sources, destination, --from; JSON form; heredoc source", () => {
    const text = 'FROM a AS build\nFROM b\nCOPY --from=build --chown=app /wheels /src/req.txt /dest/\nADD ["a file.txt", "/opt/"]\nCOPY <<EOF /etc/motd\nhello\nEOF\nADD docker-run.sh /run.sh\n';
    const copies = copySources(parseDockerfile(text));
    expect(copies.map((c) => [c.instruction.keyword, c.sources, c.dest, c.from])).toEqual([
      ["COPY", ["/wheels", "/src/req.txt"], "/dest/", "build"],
      ["ADD", ["a file.txt"], "/opt/", undefined],
      ["COPY", ["<<EOF"], "/etc/motd", undefined],
      ["ADD", ["docker-run.sh"], "/run.sh", undefined],
    ]);
    expect(copySources(parseDockerfile(DJANGO)).map((c) => [c.sources, c.dest])).toEqual([
      [["wheelhouse"], "/wheelhouse"],
      [["."], "/app/"],
      [["docker-run.sh"], "/run.sh"],
    ]);
  });
});

describe("parseShellInvocation", () => {
  test("options, combined flags, env and busybox prefixes", () => {
    expect(parseShellInvocation(["sh", "-c", "x"])).toMatchObject({ shell: "sh", commandIndex: 2, errexit: undefined });
    expect(parseShellInvocation(["/bin/bash", "-euxo", "pipefail", "-c", "x"])).toMatchObject({ commandIndex: 4, errexit: true });
    expect(parseShellInvocation(["/usr/bin/env", "bash", "-c", "x"])).toMatchObject({ shellIndex: 1, commandIndex: 3 });
    expect(parseShellInvocation(["busybox", "sh", "-c", "x"])).toMatchObject({ shellIndex: 1, commandIndex: 3 });
    expect(parseShellInvocation(["bash", "-e", "+e", "-c", "x"])).toMatchObject({ errexit: false });
    expect(parseShellInvocation(["bash", "--login", "-c", "x"])).toMatchObject({ commandIndex: 3 });
    expect(parseShellInvocation(["bash", "/run.sh", "-c"])).toMatchObject({ commandMode: false, operandIndex: 1, commandIndex: undefined });
    expect(parseShellInvocation(["sh", "-c"])).toMatchObject({ commandMode: true, commandIndex: undefined });
    expect(parseShellInvocation(["python3", "-c", "x"])).toBeUndefined();
  });
});
