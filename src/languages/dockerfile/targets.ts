/**
 * Facts rules ask of a Dockerfile beyond its shell: which programs the image runs at start
 * (ENTRYPOINT/CMD of the final stage) and what COPY/ADD bring in.
 */
import type { DInstruction, DockerfileDoc, DStage } from "./parse.js";
import { firstStageNamed, shellsInEffect } from "./shell-regions.js";
import { baseName, parseShellInvocation } from "./shell-invocation.js";
import { unquoteWord, whitespaceWords } from "./words.js";

/** Wrappers that exec the program after their own options (and a user argument for gosu/su-exec). */
const INIT_WRAPPERS: ReadonlySet<string> = new Set(["tini", "dumb-init", "catatonit"]);
const USER_WRAPPERS: ReadonlySet<string> = new Set(["gosu", "su-exec"]);

/** The stage chain of `stage`: itself, then the earlier stage it is FROM, and so on. */
function stageChain(doc: DockerfileDoc, stage: DStage | undefined): DStage[] {
  const firstNamed = firstStageNamed(doc);
  const chain: DStage[] = [];
  let current = stage;
  while (current) {
    chain.push(current);
    const base = firstNamed.get(current.image.toLowerCase());
    // Only an earlier stage: each step goes back, so the chain ends.
    current = base !== undefined && base < current.index ? doc.stages[base] : undefined;
  }
  return chain;
}

/**
 * The final stage's chain (see `stageChain`): the stage the image is built from, then its bases
 * that are stages of this file. Instructions of other stages never reach the image.
 */
export function finalStageChain(doc: DockerfileDoc): DStage[] {
  return stageChain(doc, doc.stages[doc.stages.length - 1]);
}

/** The last instruction with `keyword` in the stage chain (a stage's own one wins over its base's), with its chain position. */
function lastInChain(doc: DockerfileDoc, chain: readonly DStage[], keyword: string): { ins: DInstruction; depth: number } | undefined {
  for (const [depth, stage] of chain.entries()) {
    const found = doc.instructions.filter((i) => i.stage === stage.index && i.keyword === keyword).pop();
    if (found) return { ins: found, depth };
  }
  return undefined;
}

/** The first command word of a shell command string (after `VAR=value` assignments and `exec`). */
function firstCommandWord(script: string): string | undefined {
  for (const w of whitespaceWords(script)) {
    const word = unquoteWord(w.value);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value) || word === "exec") continue;
    return word.split(/[;&|]/)[0] || undefined;
  }
  return undefined;
}

/** The programs an argv runs: itself, or through a shell / init wrapper the program it starts. */
function programsOfArgv(argv: readonly string[]): string[] {
  const program = argv[0];
  if (program === undefined) return [];
  const inv = parseShellInvocation(argv);
  if (inv) {
    const operand = inv.operandIndex === undefined ? undefined : argv[inv.operandIndex];
    if (operand === undefined) return [];
    if (!inv.commandMode) return [operand];
    const first = firstCommandWord(operand);
    return first === undefined ? [] : [first];
  }
  const name = baseName(program);
  if (INIT_WRAPPERS.has(name) || USER_WRAPPERS.has(name)) {
    let i = 1;
    while (i < argv.length && (argv[i] as string).startsWith("-")) {
      if (argv[i++] === "--") break;
    }
    if (USER_WRAPPERS.has(name)) i++;
    return [program, ...programsOfArgv(argv.slice(i))];
  }
  return [program];
}

/** The argv an ENTRYPOINT/CMD instruction makes the container run (shell form goes through SHELL). */
function commandArgv(ins: DInstruction, shell: readonly string[]): string[] {
  if (ins.form === "exec") return ins.args.map((a) => a.value);
  return ins.argsText.length > 0 ? [...shell, ins.argsText] : [];
}

/**
 * The programs the final stage runs at container start. The container's argv is the effective
 * ENTRYPOINT followed by the effective CMD when the ENTRYPOINT is in exec form (a shell-form
 * ENTRYPOINT ignores CMD), else the CMD alone; its program is the first element (shell form: the
 * first command word). Through a shell (`["sh", "/run.sh"]`, `sh -c "exec /run.sh"`) or an init
 * wrapper (`["tini", "--", "/entrypoint.sh"]`, or `["tini", "--"]` with `CMD ["/entrypoint.sh"]`)
 * the program it starts is included. ENTRYPOINT/CMD inherited from an earlier stage
 * (`FROM build AS final`) count, but as in Docker a CMD of a base stage is reset by an ENTRYPOINT
 * set in a later stage.
 */
export function entrypointTargets(doc: DockerfileDoc): string[] {
  const chain = finalStageChain(doc);
  const shells = shellsInEffect(doc);
  const argvOf = (ins: DInstruction | undefined): string[] => {
    if (!ins) return [];
    const index = doc.instructions.indexOf(ins);
    return commandArgv(ins, shells.at[index] ?? ["/bin/sh", "-c"]);
  };
  const ep = lastInChain(doc, chain, "ENTRYPOINT");
  const cmd = lastInChain(doc, chain, "CMD");
  const cmdArgv = cmd && (!ep || cmd.depth <= ep.depth) ? argvOf(cmd.ins) : [];
  const entrypoint = argvOf(ep?.ins);
  if (entrypoint.length === 0) return programsOfArgv(cmdArgv);
  return programsOfArgv(ep?.ins.form === "exec" ? [...entrypoint, ...cmdArgv] : entrypoint);
}

export interface CopySource {
  instruction: DInstruction;
  /** Source paths as written, quotes removed (a heredoc source appears as its `<<EOF` word). */
  sources: string[];
  dest: string;
  /** `--from=<stage|image>`, when given. */
  from?: string;
}

/** Every COPY and ADD (not ONBUILD triggers): sources, destination and `--from`. */
export function copySources(doc: DockerfileDoc): CopySource[] {
  return doc.instructions
    .filter((i) => i.keyword === "COPY" || i.keyword === "ADD")
    .map((instruction) => {
      const values = instruction.args.map((a) => (instruction.form === "exec" ? a.value : unquoteWord(a.value)));
      const from = instruction.flags.find((f) => f.name === "from")?.value;
      const entry: CopySource = { instruction, sources: values.slice(0, -1), dest: values[values.length - 1] ?? "" };
      if (from !== undefined) entry.from = from;
      return entry;
    });
}
