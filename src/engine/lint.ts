/**
 * The engine: `Linter.lint({path, text, language})` → findings and notices for that file.
 * One parse per file; every rule of the language registers its callbacks on the same tree and
 * one cursor walk dispatches them. All state lives in the Linter instance (one per worker).
 */
import { LANGUAGES } from "../languages/index.js";
import { TreeSitter, type Grammar, type Node, type Tree } from "../languages/treesitter.js";
import type { QueryMatch } from "web-tree-sitter";
import type { FixDescriptor, OptionValues, ReportDescriptor, Rule, RuleContext, Target } from "./rule.js";
import { SourceText } from "./source.js";
import { matchSuppressions, parseDirectives, useKey, type Directive } from "./suppressions.js";
import type { Finding, Fix, LanguageId, Notice, Range, Severity } from "./types.js";

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
}

export interface LintResult {
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

export class Linter {
  private readonly ts = new TreeSitter();
  private readonly rules: readonly EnabledRule[];
  private readonly known: ReadonlySet<string>;

  /**
   * @param rules the enabled rules with their resolved severity and options
   * @param knownRuleIds every rule id that exists (a directive naming another id is reported)
   */
  constructor(rules: readonly EnabledRule[], knownRuleIds: Iterable<string>) {
    this.rules = rules;
    this.known = new Set(knownRuleIds);
  }

  dispose(): void {
    this.ts.dispose();
  }

  async lint(input: LintInput): Promise<LintResult> {
    const info = LANGUAGES[input.language];
    const source = new SourceText(input.text);
    const notices: Notice[] = [];
    const raws: Raw[] = [];
    const active = this.rules.filter((r) => r.rule.check && r.rule.languages.includes(input.language));
    if (active.length > 0 && info.grammar) {
      const grammar = await this.ts.grammar(info.grammar);
      this.runTreeSitter(input, source, grammar, active, raws, notices);
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
      tree = this.ts.parse(grammar, source.text);
    } catch (e) {
      notices.push({ file: input.path, kind: "parse-error", message: `could not parse: ${errorText(e)}` });
      return;
    }
    try {
      const listeners = new Map<string, Listener[]>();
      const queries: QueryHook[] = [];
      const failed = new Set<number>();
      const fail = (i: number, e: unknown): void => {
        if (failed.has(i)) return;
        failed.add(i);
        const id = active[i]?.rule.id ?? "?";
        notices.push({
          file: input.path,
          kind: "internal-error",
          ruleId: id,
          message: `rule ${id} failed on this file: ${errorText(e)}`,
        });
      };
      active.forEach((enabled, i) => {
        const ctx = this.context(input, source, enabled, raws, {
          on: (type, fn) => {
            let list = listeners.get(type);
            if (!list) listeners.set(type, (list = []));
            list.push({ rule: i, fn });
          },
          query: (pattern, fn) => queries.push({ rule: i, pattern, fn }),
        });
        try {
          enabled.rule.check?.(ctx);
        } catch (e) {
          fail(i, e);
        }
      });
      if (listeners.size > 0) walk(tree, listeners, failed, fail);
      for (const q of queries) {
        if (failed.has(q.rule)) continue;
        try {
          for (const m of this.ts.query(grammar, q.pattern).matches(tree.rootNode)) q.fn(m);
        } catch (e) {
          fail(q.rule, e);
        }
      }
    } finally {
      tree.delete();
    }
  }

  private context(
    input: LintInput,
    source: SourceText,
    enabled: EnabledRule,
    raws: Raw[],
    hooks: Pick<RuleContext, "on" | "query">,
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
      on: hooks.on,
      query: hooks.query,
      report: (d: ReportDescriptor) => {
        const r = range(d.at);
        const finding: Finding = {
          file: input.path,
          ruleId: rule.id,
          severity,
          message: d.message,
          range: r,
          related: (d.related ?? []).map((rel) => ({ range: range(rel.at), message: rel.message })),
          ...(d.fix ? { fix: hostFix(d.fix) } : {}),
        };
        raws.push({ finding, lines: [r.start.line] });
      },
    };
  }

  private applySuppressions(input: LintInput, source: SourceText, raws: Raw[]): Finding[] {
    const directives = parseDirectives(source, LANGUAGES[input.language].comments);
    if (directives.length === 0) return raws.map((r) => r.finding);
    const { by, used } = matchSuppressions(
      raws.map((r) => ({ ruleId: r.finding.ruleId, lines: r.lines })),
      directives,
    );
    const out: Finding[] = [];
    raws.forEach((r, i) => {
      if (!by[i]) out.push(r.finding);
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

/** One depth-first cursor walk over named nodes, dispatching by node type. */
function walk(
  tree: Tree,
  listeners: ReadonlyMap<string, Listener[]>,
  failed: ReadonlySet<number>,
  fail: (rule: number, e: unknown) => void,
): void {
  const cursor = tree.walk();
  try {
    for (;;) {
      const list = cursor.nodeIsNamed ? listeners.get(cursor.nodeType) : undefined;
      if (list) {
        const node = cursor.currentNode;
        for (const l of list) {
          if (failed.has(l.rule)) continue;
          try {
            l.fn(node);
          } catch (e) {
            fail(l.rule, e);
          }
        }
      }
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}

function offsetsOf(t: Target): [number, number] {
  if ("startIndex" in t) return [t.startIndex, t.endIndex];
  return [t.start, t.end];
}

function hostFix(f: FixDescriptor): Fix {
  return { title: f.title, applicability: f.applicability, edits: f.edits.map((e) => ({ ...e })) };
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
