/**
 * The shell a Dockerfile runs at build time: one region per `RUN` (and `ONBUILD RUN`).
 *
 * - Shell form `RUN cmd`: BuildKit runs `SHELL + [cmd]` (default `/bin/sh -c cmd`, no `-e`).
 *   The region text is the instruction's arguments (continuations joined, comment lines dropped,
 *   flags excluded). If the stage's SHELL is not a POSIX shell (`["powershell", "-command"]`) the
 *   text is not shell and no region is produced; `SHELL ["/bin/bash", "-eo", "pipefail", "-c"]`
 *   sets `errexit`.
 * - Exec form `RUN ["docker", "run", "x"]`: an argv region (no shell); when the argv itself starts
 *   a shell with `-c` (`["/bin/sh", "-c", "…"]`) the command string is also a shell region
 *   (origin `sh-c-argument`).
 * - Heredoc `RUN <<EOF` (the arguments are exactly one heredoc marker): BuildKit runs the body as
 *   the command string (`<<-` strips leading tabs); a body starting with `#!` is instead written
 *   to a file and executed, so it is shell only when the shebang names a POSIX shell (its `-e`
 *   counts). Any other heredoc use (`RUN cat <<EOF > /f`, `RUN python3 <<EOF`, several heredocs) is
 *   handed to the shell whole: `args + "\n" + body + delimiter` per heredoc (dockerfile2llb
 *   `dispatchRun`), so the body is heredoc data in the region, not commands.
 *
 * Scopes: the RUNs of one stage share a build container lineage, so a guard in an earlier RUN of
 * the stage counts for a later one: `dockerfile:stage<N>`. BuildKit builds independent stages
 * concurrently, but a stage waits for the stages it uses — its `FROM <stage>` base, `COPY --from=`,
 * `RUN --mount=…,from=` — so those (transitively) are its `precededBy`. ONBUILD triggers run in
 * downstream builds: `dockerfile:stage<N>:onbuild`, label `ONBUILD RUN`, preceded by nothing.
 *
 * SHELL is part of the image config: a stage `FROM <earlier stage>` inherits that stage's final
 * SHELL, and ONBUILD triggers run with the SHELL the image ends with.
 */
import { NO_PRECEDING_SCOPES, precedingScopesOnce, type ArgvRegion, type ArgvWord, type PrecedingScopes, type ShellRegion, type ShellTextRegion } from "../regions.js";
import { MappedTextBuilder, hostSpan, type MappedText } from "../mapped-text.js";
import type { DInstruction, DockerfileDoc } from "./parse.js";
import { parseShellInvocation } from "./shell-invocation.js";
import { jsonStringArray } from "./words.js";

const DEFAULT_SHELL: readonly string[] = ["/bin/sh", "-c"];

interface RegionContext {
  label: string;
  scope: string;
  precededBy: PrecedingScopes;
  /** The RUN (or ONBUILD) instruction the region comes from. */
  host: DInstruction;
  shell: readonly string[];
}

/** Whether `shell + [script]` runs `script` as POSIX shell text, and with which errexit. */
function shellSemantics(shell: readonly string[]): { posix: boolean; errexit: boolean } {
  const inv = parseShellInvocation([...shell, "SCRIPT"]);
  return { posix: inv?.commandIndex === shell.length, errexit: inv?.errexit === true };
}

function textRegion(ctx: RegionContext, origin: ShellTextRegion["origin"], body: MappedText, errexit: boolean): ShellTextRegion {
  return {
    kind: "shell",
    origin,
    scope: ctx.scope,
    precededBy: ctx.precededBy,
    assumptions: errexit ? { errexit: true } : {},
    label: ctx.label,
    hostStart: ctx.host.start,
    hostEnd: ctx.host.end,
    text: body.text,
    map: body.map.map((s) => ({ ...s })),
  };
}

/** Exec form: the argv, plus the `-c` command string when the argv starts a shell. */
function execRegions(ctx: RegionContext, run: DInstruction): ShellRegion[] {
  const items = jsonStringArray({ text: run.argsText, map: run.argsMap }, 0) ?? [];
  if (items.length === 0) return [];
  const words: ArgvWord[] = items.map((s) => {
    const span = hostSpan(run.argsMap, s.start, s.end);
    return { value: s.value.text, hostStart: span.start, hostEnd: span.end };
  });
  const argv: ArgvRegion = {
    kind: "argv",
    origin: "dockerfile-run",
    scope: ctx.scope,
    precededBy: ctx.precededBy,
    assumptions: {},
    label: ctx.label,
    hostStart: ctx.host.start,
    hostEnd: ctx.host.end,
    words,
  };
  const inv = parseShellInvocation(items.map((s) => s.value.text));
  const script = inv?.commandIndex === undefined ? undefined : items[inv.commandIndex];
  if (!script) return [argv];
  return [argv, textRegion(ctx, "sh-c-argument", script.value, inv?.errexit === true)];
}

/** The interpreter argv of a `#!` line (`#!/usr/bin/env bash -e` → ["/usr/bin/env", "bash", "-e"]). */
function shebangArgv(body: string): string[] {
  const first = body.slice(2, body.indexOf("\n") === -1 ? body.length : body.indexOf("\n"));
  return first.trim().split(/[ \t]+/).filter((w) => w.length > 0);
}

/** `RUN <<EOF … EOF`: the body is the script (run by SHELL, or by its own `#!` interpreter). */
function heredocScriptRegion(ctx: RegionContext, run: DInstruction): ShellRegion[] {
  const doc = run.heredocs[0];
  if (!doc) return [];
  const body = doc.chomp ? chompBody(doc.body, doc.bodyMap) : { text: doc.body, map: doc.bodyMap };
  if (doc.body.startsWith("#!")) {
    // Written to a file and executed: the kernel runs the `#!` interpreter with the file as operand.
    const inv = parseShellInvocation([...shebangArgv(doc.body), "/dev/pipes/script"]);
    if (!inv || inv.operandIndex === undefined || inv.commandMode) return [];
    return [textRegion(ctx, "dockerfile-run", body, inv.errexit === true)];
  }
  const sem = shellSemantics(ctx.shell);
  return sem.posix ? [textRegion(ctx, "dockerfile-run", body, sem.errexit)] : [];
}

/** The body with leading tabs removed from every line (BuildKit's `ChompHeredocContent`). */
function chompBody(text: string, map: MappedText["map"]): MappedText {
  const source: MappedText = { text, map };
  const out = new MappedTextBuilder();
  let lineStart = 0;
  while (lineStart < text.length) {
    const nl = text.indexOf("\n", lineStart);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    let i = lineStart;
    while (i < lineEnd && text[i] === "\t") i++;
    out.appendMapped(source, i, lineEnd);
    lineStart = lineEnd;
  }
  return out.build();
}

/**
 * Any other heredoc RUN: the shell gets the command line, then for each heredoc a newline, its
 * body and its delimiter (BuildKit reconstitutes the heredoc for the shell to handle).
 */
function reconstitutedHeredocRegion(ctx: RegionContext, run: DInstruction, text: string): ShellRegion[] {
  const sem = shellSemantics(ctx.shell);
  if (!sem.posix) return [];
  const out = new MappedTextBuilder();
  const args: MappedText = { text: run.argsText, map: run.argsMap };
  out.appendMapped(args);
  let previousEnd = hostSpan(run.argsMap, 0, run.argsText.length).end;
  for (const doc of run.heredocs) {
    // The newline BuildKit inserts stands where the host's line break before the body is.
    const nl = doc.bodyStart - 1;
    if (nl >= previousEnd && text[nl] === "\n") out.appendHost("\n", nl);
    else out.appendSynthetic("\n");
    out.appendMapped({ text: doc.body, map: doc.bodyMap });
    if (doc.terminatorStart !== undefined && doc.terminatorEnd !== undefined) {
      out.appendHost(doc.name, doc.terminatorStart);
      previousEnd = doc.terminatorEnd;
    } else {
      out.appendSynthetic(doc.name);
      previousEnd = doc.bodyEnd;
    }
  }
  return [textRegion(ctx, "dockerfile-run", out.build(), sem.errexit)];
}

function isSingleHeredocScript(run: DInstruction): boolean {
  // BuildKit's `MustParseHeredoc(args[0])`: the whole command line is one heredoc marker.
  const doc = run.heredocs[0];
  return doc !== undefined && run.args.length === 1 && run.args[0]?.start === doc.start && run.args[0]?.end === doc.end;
}

function runRegions(ctx: RegionContext, run: DInstruction, text: string): ShellRegion[] {
  switch (run.form) {
    case "exec":
      return execRegions(ctx, run);
    case "heredoc":
      return isSingleHeredocScript(run) ? heredocScriptRegion(ctx, run) : reconstitutedHeredocRegion(ctx, run, text);
    case "shell": {
      const sem = shellSemantics(ctx.shell);
      return sem.posix ? [textRegion(ctx, "dockerfile-run", { text: run.argsText, map: run.argsMap }, sem.errexit)] : [];
    }
    case "none":
      return [];
  }
}

/** SHELL's exec-form argv, or undefined when the instruction is not a valid SHELL. */
function shellArgv(ins: DInstruction): string[] | undefined {
  return ins.keyword === "SHELL" && ins.form === "exec" && ins.args.length > 0 ? ins.args.map((a) => a.value) : undefined;
}

/**
 * The SHELL in effect at each instruction (index-aligned with `doc.instructions`) and the final
 * SHELL of each stage.
 */
export function shellsInEffect(doc: DockerfileDoc): { at: (readonly string[])[]; final: Map<number, readonly string[]> } {
  const at: (readonly string[])[] = [];
  const final = new Map<number, readonly string[]>();
  const firstNamed = firstStageNamed(doc);
  let current = DEFAULT_SHELL;
  for (const ins of doc.instructions) {
    if (ins.keyword === "FROM") {
      const image = doc.stages[ins.stage]?.image;
      const base = image === undefined ? undefined : firstNamed.get(image.toLowerCase());
      current = (base !== undefined && base < ins.stage && final.get(base)) || DEFAULT_SHELL;
    }
    at.push(current);
    current = shellArgv(ins) ?? current;
    final.set(ins.stage, current);
  }
  return { at, final };
}

/** The scope of a stage's RUN regions (its ONBUILD triggers' is this plus `:onbuild`). */
export function stageScope(index: number): string {
  return `dockerfile:stage${index}`;
}

/** The index of the first stage of each name (lower case): the one a reference to that name means, from any later stage. */
export function firstStageNamed(doc: DockerfileDoc): Map<string, number> {
  const first = new Map<string, number>();
  for (const stage of doc.stages) {
    const name = stage.name?.toLowerCase();
    if (name !== undefined && !first.has(name)) first.set(name, stage.index);
  }
  return first;
}

/**
 * The stage an `--from=` / `from=` / FROM reference names, among the stages before `before`:
 * a number, or the first stage of that name (`firstNamed`, lower case).
 */
function referencedStage(firstNamed: ReadonlyMap<string, number>, ref: string, before: number): number | undefined {
  const index = /^\d+$/.test(ref) ? Number(ref) : firstNamed.get(ref.toLowerCase());
  return index !== undefined && index < before ? index : undefined;
}

/** The stage references of one instruction: COPY/ADD `--from=`, RUN `--mount=…,from=…`. */
function instructionRefs(ins: DInstruction): string[] {
  return ins.flags.flatMap((f) => {
    if (f.value === undefined) return [];
    if (f.name === "from") return [f.value];
    if (f.name !== "mount") return [];
    const from = f.value.split(",").find((kv) => kv.startsWith("from="));
    return from ? [from.slice(5)] : [];
  });
}

/**
 * For each stage, the earlier stages that complete before it starts (transitively), as scopes in
 * stage order. Each stage's set is a bit set (the union of its references' own), listed as
 * scopes only when asked for: a chain of n stages would list n²/2 of them.
 */
export function stagePrerequisites(doc: DockerfileDoc): Map<number, PrecedingScopes> {
  const firstNamed = firstStageNamed(doc);
  const refs = new Map<number, string[]>(doc.stages.map((stage) => [stage.index, [stage.image]]));
  for (const ins of doc.instructions) refs.get(ins.stage)?.push(...instructionRefs(ins));
  const scopes = doc.stages.map((stage) => stageScope(stage.index));
  const words = Math.ceil(doc.stages.length / 32);
  const sets: Uint32Array[] = [];
  const out = new Map<number, PrecedingScopes>();
  for (const stage of doc.stages) {
    const deps = new Uint32Array(words);
    for (const ref of refs.get(stage.index) ?? []) {
      const dep = referencedStage(firstNamed, ref, stage.index);
      if (dep === undefined) continue;
      deps[dep >>> 5] = (deps[dep >>> 5] as number) | (1 << (dep & 31));
      const own = sets[dep] as Uint32Array;
      for (let w = 0; w < words; w++) deps[w] = (deps[w] as number) | (own[w] as number);
    }
    sets.push(deps);
    const before = stage.index;
    out.set(
      stage.index,
      precedingScopesOnce(() => {
        const list: string[] = [];
        for (let d = 0; d < before; d++) if (((deps[d >>> 5] as number) >>> (d & 31)) & 1) list.push(scopes[d] as string);
        return list;
      }),
    );
  }
  return out;
}

/** The build-time shell regions of a parsed Dockerfile, in file order; `text` is the host text it was parsed from. */
export function dockerfileShellRegions(doc: DockerfileDoc, text: string): ShellRegion[] {
  const shells = shellsInEffect(doc);
  const prerequisites = stagePrerequisites(doc);
  const regions: ShellRegion[] = [];
  doc.instructions.forEach((ins, i) => {
    if (ins.keyword === "RUN") {
      const ctx = { label: "RUN", scope: stageScope(ins.stage), precededBy: prerequisites.get(ins.stage) ?? NO_PRECEDING_SCOPES, host: ins, shell: shells.at[i] ?? DEFAULT_SHELL };
      regions.push(...runRegions(ctx, ins, text));
    } else if (ins.keyword === "ONBUILD" && ins.onbuild?.keyword === "RUN") {
      const ctx = { label: "ONBUILD RUN", scope: `${stageScope(ins.stage)}:onbuild`, precededBy: NO_PRECEDING_SCOPES, host: ins, shell: shells.final.get(ins.stage) ?? DEFAULT_SHELL };
      regions.push(...runRegions(ctx, ins.onbuild, text));
    }
  });
  return regions;
}
