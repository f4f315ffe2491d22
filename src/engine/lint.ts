/**
 * The engine: `Linter.lint({path, text, language})` → findings and notices for that file.
 * One parse per file; every rule of the language registers its callbacks on the same tree and
 * one walk inside tree-sitter (`dispatch`) hands them their nodes. Hosts of shell hand rules
 * commands instead (`commands`). All state lives in the Linter instance (one per file
 * configuration in a worker or a run, sharing grammars and region steps: see linters.ts).
 */
import { isHostLanguage, parseHost, type HostDocument } from "../languages/hosts.js";
import { LANGUAGES } from "../languages/index.js";
import {
  argvCommand,
  mayName,
  regionInfo,
  regionSteps,
  resolveSteps,
  type ShellCommand,
  type VariableValues,
} from "../languages/shell/commands.js";
import { StepCache } from "../languages/shell/step-cache.js";
import { regionLocator, type ShellRegion } from "../languages/regions.js";
import { TreeSitter, type Grammar, type Node, type Tree } from "../languages/treesitter.js";
import type { QueryMatch } from "web-tree-sitter";
import { matchLineEndings } from "./fix.js";
import { NO_PROJECT_FACTS, type ProjectFacts } from "./project.js";
import type { FixDescriptor, OptionValues, ReportDescriptor, Rule, RuleContext, Target } from "./rule.js";
import { SourceText } from "./source.js";
import { continuationOf, logicalLineStart, matchSuppressions, parseDirectives, useKey, type Directive } from "./suppressions.js";
import type { Finding, Fix, LanguageId, Notice, Range, Severity, Suppression } from "./types.js";

export const UNUSED_SUPPRESSION = "deploylint/unused-suppression";

export interface EnabledRule {
  rule: Rule;
  severity: Severity;
  options: OptionValues;
}

export interface LintInput {
  path: string;
  text: string;
  language: LanguageId;
  /** Facts about the rest of the scanned tree (which scripts are Dockerfile entrypoints). */
  project?: ProjectFacts;
}

/** A lint whose rules are chosen (`Linter.prepare`), not yet run. */
export interface PreparedLint {
  readonly input: LintInput;
  readonly active: readonly EnabledRule[];
  /** The text will be parsed with a tree-sitter grammar (C/C++), so the WebAssembly choice must be made first. */
  readonly parses: boolean;
}

export interface LintResult {
  /** Sorted; findings an in-source directive covers are kept, with `suppressed` set: callers drop them. */
  findings: Finding[];
  notices: Notice[];
}

/** A finding before suppressions, with the host lines a next-line directive may name. */
interface Raw {
  finding: Finding;
  lines: number[];
}

type Listener = { rule: number; fn: (node: Node) => void };
type QueryHook = { rule: number; pattern: string; fn: (match: QueryMatch) => void };
type CommandHook = { rule: number; names: ReadonlySet<string>; fn: (cmd: ShellCommand) => void };
type EndHook = { rule: number; fn: () => void };

/** Per-file bookkeeping of rules that threw: each is reported once and then skipped. */
class Failures {
  private readonly failed = new Set<number>();
  constructor(
    private readonly file: string,
    private readonly active: readonly EnabledRule[],
    private readonly notices: Notice[],
  ) {}
  has(i: number): boolean {
    return this.failed.has(i);
  }
  fail(i: number, e: unknown): void {
    if (this.failed.has(i)) return;
    this.failed.add(i);
    const id = this.active[i]?.rule.id ?? "?";
    this.notices.push({ file: this.file, kind: "internal-error", ruleId: id, message: `rule ${id} failed on this file: ${errorText(e)}` });
  }
  /** Runs `fn` for rule `i` unless it already failed; a throw marks it failed. */
  run(i: number, fn: () => void): void {
    if (this.failed.has(i)) return;
    try {
      fn();
    } catch (e) {
      this.fail(i, e);
    }
  }
}

/** Whether a rule runs on files of this language: its own, or any host of shell for a shell rule. */
export function ruleApplies(rule: Rule, language: LanguageId): boolean {
  return rule.languages.includes(language) || (rule.languages.includes("shell") && isHostLanguage(language));
}

export class Linter {
  private readonly ts: TreeSitter;
  /** Whether `ts` and `steps` are this Linter's own (disposed with it) rather than lent by its owner. */
  private readonly ownsShared: boolean;
  private readonly rules: readonly EnabledRule[];
  private readonly known: ReadonlySet<string>;
  private readonly incremental: boolean;
  /** Each shell region's steps by its text: an unchanged region (after an edit elsewhere, or a `RUN` line seen in another file) is not parsed again. */
  private readonly steps: StepCache;
  private parsed = 0;

  /**
   * @param rules the enabled rules with their resolved severity and options
   * @param knownRuleIds every rule id that exists (a directive naming another id is reported)
   * @param options.incremental keep each path's last parse trees and reparse incrementally (the
   *   language server, which lints one document again after every edit; see `forget`)
   * @param options.shared grammars and shell-region steps to share with other Linters (their
   *   owner disposes them); absent: this Linter has its own
   */
  constructor(
    rules: readonly EnabledRule[],
    knownRuleIds: Iterable<string>,
    options: { incremental?: boolean; shared?: { treeSitter: TreeSitter; steps: StepCache } } = {},
  ) {
    this.ts = options.shared?.treeSitter ?? new TreeSitter();
    this.steps = options.shared?.steps ?? new StepCache();
    this.ownsShared = options.shared === undefined;
    this.rules = rules;
    this.known = new Set(knownRuleIds);
    this.incremental = options.incremental === true;
  }

  /** How many shell regions this Linter has parsed (the others were found in its step cache, or the pre-filter skipped them): for tests and benchmarks. */
  get parsedRegions(): number {
    return this.parsed;
  }

  dispose(): void {
    if (!this.ownsShared) return;
    this.ts.dispose();
    this.steps.clear();
  }

  /** Drops the parse trees kept for `path` (incremental mode; the document was closed). */
  forget(path: string): void {
    this.ts.forget(`${path}\u0000`);
  }

  /** A parse of `text`, incremental against the last one under `path` + `part` when enabled. */
  private parse(grammar: Grammar, text: string, path: string, part: string): Tree {
    return this.incremental ? this.ts.parseIncremental(grammar, text, `${path}\u0000${part}`) : this.ts.parse(grammar, text);
  }

  /** The rules that run on this text: they apply to its language and their pre-filter lets it through. */
  private active(language: LanguageId, text: string): EnabledRule[] {
    return this.rules.filter((r) => r.rule.check && ruleApplies(r.rule, language) && (!r.rule.mayReport || r.rule.mayReport(text, r.options)));
  }

  /**
   * The first half of `lint`: which rules run on this text (their pre-filters asked once). Nothing
   * is parsed; `parses` says whether `lintPrepared` will parse the text as a whole with a
   * tree-sitter grammar (C, C++), so a run can lint the files that need no WebAssembly before it
   * has chosen how to compile it.
   */
  prepare(input: LintInput): PreparedLint {
    const active = this.active(input.language, input.text);
    const parses = !isHostLanguage(input.language) && LANGUAGES[input.language].grammar !== undefined && active.length > 0;
    return { input, active, parses };
  }

  lint(input: LintInput): Promise<LintResult> {
    return this.lintPrepared(this.prepare(input));
  }

  /** The second half of `lint`, for what `prepare` returned. */
  async lintPrepared(prepared: PreparedLint): Promise<LintResult> {
    const { input, active } = prepared;
    const info = LANGUAGES[input.language];
    const source = new SourceText(input.text);
    const notices: Notice[] = [];
    const raws: Raw[] = [];
    if (active.length > 0) {
      if (isHostLanguage(input.language)) {
        await this.runHost(input, source, active, raws, notices);
      } else if (info.grammar) {
        const grammar = await this.ts.grammar(info.grammar);
        this.runTreeSitter(input, source, grammar, active, raws, notices);
      }
    }
    const findings = this.applySuppressions(input, source, raws);
    findings.sort(compareFindings);
    return { findings, notices };
  }

  private runTreeSitter(
    input: LintInput,
    source: SourceText,
    grammar: Grammar,
    active: readonly EnabledRule[],
    raws: Raw[],
    notices: Notice[],
  ): void {
    let tree: Tree;
    try {
      tree = this.parse(grammar, source.text, input.path, "file");
    } catch (e) {
      notices.push({ file: input.path, kind: "parse-error", message: `could not parse: ${errorText(e)}` });
      return;
    }
    try {
      const listeners = new Map<string, Listener[]>();
      const queries: QueryHook[] = [];
      const ends: EndHook[] = [];
      const failures = new Failures(input.path, active, notices);
      active.forEach((enabled, i) => {
        const ctx = this.context(input, source, enabled, raws, undefined, {
          on: (type, fn) => {
            let list = listeners.get(type);
            if (!list) listeners.set(type, (list = []));
            list.push({ rule: i, fn });
          },
          query: (pattern, fn) => queries.push({ rule: i, pattern, fn }),
          onCommand: () => {
            throw new Error(`onCommand is for shell and its hosts, not ${LANGUAGES[input.language].name}`);
          },
          onEnd: (fn) => ends.push({ rule: i, fn }),
        });
        failures.run(i, () => enabled.rule.check?.(ctx));
      });
      if (listeners.size > 0) this.dispatch(tree, listeners, failures);
      for (const q of queries) {
        failures.run(q.rule, () => {
          for (const m of this.ts.query(grammar, q.pattern).matches(tree.rootNode)) q.fn(m);
        });
      }
      for (const e of ends) failures.run(e.rule, e.fn);
    } finally {
      tree.delete();
    }
  }

  /**
   * Calls `ctx.on(type)` listeners in document order. The walk runs inside tree-sitter
   * (`descendantsOfType`, a pre-order walk in WebAssembly) and yields just the listened-for
   * nodes, instead of a JS cursor visiting every node of the tree. (A query did the same, but
   * compiling it cost every small run ~7 ms, and its walk was no faster.)
   */
  private dispatch(tree: Tree, listeners: ReadonlyMap<string, Listener[]>, failures: Failures): void {
    for (const node of tree.rootNode.descendantsOfType([...listeners.keys()])) {
      const list = listeners.get(node.type);
      if (list) for (const l of list) failures.run(l.rule, () => l.fn(node));
    }
  }

  /** Shell scripts and the hosts of shell: parse the host, then the shell of each region once. */
  private async runHost(
    input: LintInput,
    source: SourceText,
    active: readonly EnabledRule[],
    raws: Raw[],
    notices: Notice[],
  ): Promise<void> {
    if (!isHostLanguage(input.language)) return;
    let host: HostDocument;
    try {
      host = parseHost(input.language, source.text);
    } catch (e) {
      notices.push({ file: input.path, kind: "parse-error", message: `could not parse: ${errorText(e)}` });
      return;
    }
    const hooks: CommandHook[] = [];
    const ends: EndHook[] = [];
    const failures = new Failures(input.path, active, notices);
    const notHere = (what: string) => () => {
      throw new Error(`${what} is for C/C++ rules; use onCommand or ctx.host for ${LANGUAGES[input.language].name}`);
    };
    const regionAt = regionLocator(host.regions);
    active.forEach((enabled, i) => {
      const ctx = this.context(
        input,
        source,
        enabled,
        raws,
        host,
        {
          on: notHere("ctx.on"),
          query: notHere("ctx.query"),
          onCommand: (names, fn) => hooks.push({ rule: i, names: new Set(names), fn }),
          onEnd: (fn) => ends.push({ rule: i, fn }),
        },
        regionAt,
      );
      failures.run(i, () => enabled.rule.check?.(ctx));
    });
    if (hooks.length > 0 && mayCallHooks(hooks, host.regions)) {
      for (const cmd of await this.commands(host, input.path)) {
        for (const h of hooks) {
          if (h.names.size === 0 || h.names.has(cmd.name)) failures.run(h.rule, () => h.fn(cmd));
        }
      }
    }
    for (const e of ends) failures.run(e.rule, e.fn);
  }

  /**
   * Every simple command of the host's regions, in execution order. A region's steps depend on its
   * text alone and are kept per text (`steps`); only what depends on the rest of the file (host
   * offsets, `seq`, variables, errexit) is worked out again.
   */
  private async commands(host: HostDocument, path: string): Promise<ShellCommand[]> {
    const out: ShellCommand[] = [];
    const vars: VariableValues = new Map();
    let bash: Grammar | undefined;
    for (const [index, region] of host.regions.entries()) {
      const info = regionInfo(region, index);
      if (region.kind === "argv") {
        const cmd = argvCommand(region, info, out.length, vars);
        if (cmd) out.push(cmd);
        continue;
      }
      let steps = this.steps.get(region.text);
      if (!steps) {
        bash ??= await this.ts.grammar("bash");
        const tree = this.parse(bash, region.text, path, `region ${index}`);
        this.parsed++;
        try {
          steps = regionSteps(tree);
        } finally {
          tree.delete();
        }
        this.steps.set(region.text, steps);
      }
      for (const cmd of resolveSteps(steps, region, info, out.length, vars)) out.push(cmd);
    }
    return out;
  }

  private context(
    input: LintInput,
    source: SourceText,
    enabled: EnabledRule,
    raws: Raw[],
    host: HostDocument | undefined,
    hooks: Pick<RuleContext, "on" | "query" | "onCommand" | "onEnd">,
    regionAt?: (offset: number) => ShellRegion | undefined,
  ): RuleContext {
    const { rule, severity, options } = enabled;
    const range = (t: Target): Range => {
      const [s, e] = offsetsOf(t);
      return source.range(s, e);
    };
    return {
      path: input.path,
      language: input.language,
      source,
      options,
      host,
      project: input.project ?? NO_PROJECT_FACTS,
      on: hooks.on,
      query: hooks.query,
      onCommand: hooks.onCommand,
      onEnd: hooks.onEnd,
      report: (d: ReportDescriptor) => {
        const r = range(d.at);
        const finding: Finding = {
          file: input.path,
          ruleId: rule.id,
          severity,
          message: d.message,
          range: r,
          related: (d.related ?? []).map((rel) => ({ range: range(rel.at), message: rel.message })),
          ...(d.fix ? { fix: hostFix(d.fix, source.text) } : {}),
        };
        // A directive above a RUN or an ExecStart= covers every finding inside that construct.
        const region = regionAt?.(r.start.offset);
        const lines = region ? [r.start.line, source.lineOf(region.hostStart)] : [r.start.line];
        raws.push({ finding, lines });
      },
    };
  }

  /**
   * Marks each finding a directive covers as `suppressed` (it is kept: SARIF can report it with
   * `suppressions`; every other output drops it, see `unsuppressed` in result.ts), then adds the
   * `deploylint/unused-suppression` findings.
   */
  private applySuppressions(input: LintInput, source: SourceText, raws: Raw[]): Finding[] {
    const directives = parseDirectives(source, LANGUAGES[input.language].comments);
    if (directives.length === 0) return raws.map((r) => r.finding);
    // A directive above the first line of a continued line covers the lines joined to it.
    const how = continuationOf(source.text, input.language);
    const { by, used } = matchSuppressions(
      raws.map((r) => ({ ruleId: r.finding.ruleId, lines: [...r.lines, logicalLineStart(source, r.finding.range.start.line, how)] })),
      directives,
    );
    const out: Finding[] = raws.map((r, i) => {
      const d = by[i]?.directive;
      if (!d) return r.finding;
      const suppressed: Suppression = { kind: "inSource", line: d.line };
      if (d.justification !== undefined) suppressed.justification = d.justification;
      return { ...r.finding, suppressed };
    });
    const unused = this.rules.find((r) => r.rule.id === UNUSED_SUPPRESSION);
    if (unused) out.push(...this.unusedDirectives(input, source, directives, used, unused.severity));
    return out;
  }

  /** `deploylint/unused-suppression`: directives naming unknown rules, or enabled rules that found nothing there. */
  private unusedDirectives(
    input: LintInput,
    source: SourceText,
    directives: readonly Directive[],
    used: ReadonlySet<string>,
    severity: Severity,
  ): Finding[] {
    const enabled = new Set(this.rules.map((r) => r.rule.id));
    const out: Finding[] = [];
    const push = (start: number, end: number, message: string, fix?: Fix): void => {
      out.push({
        file: input.path,
        ruleId: UNUSED_SUPPRESSION,
        severity,
        message,
        range: source.range(start, end),
        related: [],
        ...(fix ? { fix } : {}),
      });
    };
    for (const d of directives) {
      const where = d.kind === "file" ? "in this file" : `on line ${d.line + 1}`;
      if (d.rules.length === 0) {
        if (!used.has(useKey(d, -1))) push(d.start, d.end, `Unused suppression: no finding ${where} to suppress.`);
        continue;
      }
      d.rules.forEach((r, i) => {
        if (r.id === UNUSED_SUPPRESSION) return;
        if (!this.known.has(r.id)) {
          push(r.start, r.end, `Suppression names an unknown rule '${r.id}'.`);
        } else if (enabled.has(r.id) && !used.has(useKey(d, i))) {
          push(r.start, r.end, `Unused suppression: '${r.id}' reports nothing ${where}. Remove it.`);
        }
      });
    }
    return out;
  }
}

/**
 * Whether any command hook may be called: a hook for every command (no names) always may;
 * otherwise one of the names must possibly occur in the regions (`mayName`), or parsing the
 * regions can be skipped.
 */
function mayCallHooks(hooks: readonly CommandHook[], regions: readonly ShellRegion[]): boolean {
  if (hooks.some((h) => h.names.size === 0)) return true;
  return mayName(regions, new Set(hooks.flatMap((h) => [...h.names])));
}

function offsetsOf(t: Target): [number, number] {
  if ("startIndex" in t) return [t.startIndex, t.endIndex];
  return [t.start, t.end];
}

/** A rule's fix as findings carry it: inserted line breaks in the style of the line each edit lands on (rules write `\n`). */
function hostFix(f: FixDescriptor, text: string): Fix {
  return { title: f.title, applicability: f.applicability, edits: f.edits.map((e) => matchLineEndings(text, { ...e })) };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return (
    a.range.start.offset - b.range.start.offset ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    a.range.end.offset - b.range.end.offset ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
