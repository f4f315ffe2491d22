/**
 * The prerequisite graph of one Makefile, for `precededBy`: which recipes make runs before a
 * rule's recipe. Names are compared after expanding the Makefile's own simple variables
 * (`build: $(APP)` with `APP = web` reaches the rule `web:`); what cannot be expanded (functions,
 * variables from the environment or the command line) is compared as written.
 */
import type { MakeDoc, MakeRule } from "./parse.js";

export type Expander = (s: string) => string;

const MAX_EXPANSION_DEPTH = 8;

/**
 * Expands `$(NAME)`/`${NAME}` with the values the Makefile assigns (the last assignment wins;
 * `?=` only sets an unset variable; `+=` appends; `!=` and unknown names stay unexpanded).
 * Conditionals are not decided and target-specific values are ignored.
 */
export function makeExpander(doc: MakeDoc): Expander {
  const values = new Map<string, string | undefined>();
  for (const v of doc.variables) {
    if (v.targets) continue;
    if (v.op === "?=") {
      if (!values.has(v.name)) values.set(v.name, v.value);
    } else if (v.op === "+=") {
      const prev = values.get(v.name);
      values.set(v.name, values.has(v.name) && prev === undefined ? undefined : prev ? `${prev} ${v.value}` : v.value);
    } else if (v.op === "!=") {
      values.set(v.name, undefined);
    } else {
      values.set(v.name, v.value);
    }
  }
  const expand = (s: string, depth: number): string =>
    depth > MAX_EXPANSION_DEPTH
      ? s
      : s.replace(/\$(?:\(([\w.-]+)\)|\{([\w.-]+)\})/g, (ref, paren: string | undefined, brace: string | undefined) => {
          const value = values.get(paren ?? brace ?? "");
          return value === undefined ? ref : expand(value, depth + 1);
        });
  return (s) => expand(s, 0);
}

export function hasRecipe(rule: MakeRule): boolean {
  return rule.recipe.length > 0;
}

/** The scope of a rule's recipe: `make:` and its first target as written. */
export function ruleScope(rule: MakeRule): string {
  return `make:${rule.targets[0] ?? ""}`;
}

export interface MakeGraph {
  expand: Expander;
  /** Explicit rules by expanded target name, in file order (pattern rules excluded). */
  byTarget: Map<string, MakeRule[]>;
  /** Pattern rules (`%.o: %.c`) that have a recipe, in file order. */
  patternRules: MakeRule[];
  /** `howToBuild` per name and `ruleScope` per rule, worked out once per graph: every rule's `precededBy` asks again. */
  builds: Map<string, Build>;
  scopes: Map<MakeRule, string>;
}

/** How make builds a name: the rules whose recipe it runs and the prerequisites it builds first. */
interface Build {
  recipes: MakeRule[];
  prerequisites: string[];
}

export function buildGraph(doc: MakeDoc, expand: Expander = makeExpander(doc)): MakeGraph {
  const byTarget = new Map<string, MakeRule[]>();
  const patternRules: MakeRule[] = [];
  for (const rule of doc.rules) {
    const isPattern = rule.targetPattern === undefined && rule.targets.some((t) => t.includes("%"));
    if (isPattern) {
      if (hasRecipe(rule)) patternRules.push(rule);
      continue;
    }
    for (const target of rule.targets) {
      const name = expand(target);
      const list = byTarget.get(name);
      if (list) list.push(rule);
      else byTarget.set(name, [rule]);
    }
  }
  return { expand, byTarget, patternRules, builds: new Map(), scopes: new Map() };
}

/** The stem of `name` for a pattern with one `%` (`%.o` and `main.o` → `main`). */
export function patternStem(pattern: string, name: string): string | undefined {
  const pct = pattern.indexOf("%");
  if (pct === -1) return pattern === name ? "" : undefined;
  const prefix = pattern.slice(0, pct);
  const suffix = pattern.slice(pct + 1);
  const fits = name.length >= prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
  if (!fits) return undefined;
  return name.slice(prefix.length, name.length - suffix.length);
}

/** A rule's prerequisites (normal, then order-only) for one of its targets, `%` replaced by the stem. */
function prerequisitesFor(graph: MakeGraph, rule: MakeRule, target: string): string[] {
  const pattern = rule.targetPattern ?? rule.targets.find((t) => patternStem(graph.expand(t), target) !== undefined);
  const stem = pattern === undefined ? undefined : patternStem(graph.expand(pattern), target);
  return [...rule.prerequisites, ...rule.orderOnly]
    .map(graph.expand)
    .map((p) => (stem !== undefined && pattern?.includes("%") ? p.replace("%", stem) : p));
}

/** How make builds `name` (kept per graph). */
function howToBuild(graph: MakeGraph, name: string): Build {
  let build = graph.builds.get(name);
  if (!build) {
    build = buildOf(graph, name);
    graph.builds.set(name, build);
  }
  return build;
}

function buildOf(graph: MakeGraph, name: string): Build {
  const explicit = graph.byTarget.get(name) ?? [];
  const prerequisites = explicit.flatMap((r) => prerequisitesFor(graph, r, name));
  const recipes = explicit.filter(hasRecipe);
  if (recipes.length > 0) return { recipes, prerequisites };
  const matches = (r: MakeRule): boolean => r.targets.some((t) => patternStem(graph.expand(t), name) !== undefined);
  const implicit = graph.patternRules.find(matches);
  if (!implicit) return { recipes: [], prerequisites };
  return { recipes: [implicit], prerequisites: [...prerequisites, ...prerequisitesFor(graph, implicit, name)] };
}

/**
 * The scopes whose recipes make runs to completion before this rule's recipe: its prerequisites'
 * recipes, transitively, in the order make runs them (depth first, left to right: a
 * prerequisite's own prerequisites come before it). Order-only prerequisites count: make builds
 * them first when they are missing, and a phony one always. Each name is visited once, so
 * cycles end (make drops the circular dependency too).
 */
export function precedingScopes(graph: MakeGraph, rule: MakeRule): string[] {
  const own = ruleScope(rule);
  const first = graph.expand(rule.targets[0] ?? "");
  const start = rule.doubleColon || rule.targetPattern !== undefined || first.includes("%")
    ? prerequisitesFor(graph, rule, first)
    : howToBuild(graph, first).prerequisites;
  const seen = new Set<string>(rule.targets.map(graph.expand));
  const out: string[] = [];
  const listed = new Set<string>();
  // Depth first without recursion (a chain of thousands of targets would overflow the stack): a
  // name's recipes are listed once all its prerequisites have been.
  const stack: { build: Build; next: number }[] = [];
  const enter = (name: string): void => {
    if (seen.has(name) || name.includes("%")) return;
    seen.add(name);
    stack.push({ build: howToBuild(graph, name), next: 0 });
  };
  for (const name of start) {
    enter(name);
    for (let top = stack[stack.length - 1]; top; top = stack[stack.length - 1]) {
      const prerequisite = top.build.prerequisites[top.next++];
      if (prerequisite !== undefined) {
        enter(prerequisite);
        continue;
      }
      stack.pop();
      for (const r of top.build.recipes) {
        const scope = scopeOf(graph, r);
        if (scope !== own && !listed.has(scope)) {
          listed.add(scope);
          out.push(scope);
        }
      }
    }
  }
  return out;
}

/** `ruleScope`, one string per rule of the graph (a chain of n targets lists n²/2 scopes). */
function scopeOf(graph: MakeGraph, rule: MakeRule): string {
  let scope = graph.scopes.get(rule);
  if (scope === undefined) {
    scope = ruleScope(rule);
    graph.scopes.set(rule, scope);
  }
  return scope;
}
