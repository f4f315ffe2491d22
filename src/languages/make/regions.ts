/**
 * The shell regions of a Makefile: one per recipe line (make runs each line in its own `sh -c`),
 * or one per recipe under `.ONESHELL`.
 */
import { precedingScopesOnce, type ShellTextRegion } from "../regions.js";
import { buildGraph, type MakeGraph, precedingScopes, ruleScope } from "./graph.js";
import type { MakeDoc, MakeRule, RecipeLine } from "./parse.js";
import { makeToShell, type MappedChars, push, recipeLineChars, toRegionText } from "./shell-text.js";

/**
 * GNU make's special targets whose "recipe" never runs (`.DEFAULT`'s does, so it is not here):
 * tab lines after `.PHONY: x` belong to `.PHONY` and are no one's recipe.
 */
const SPECIAL_TARGETS: ReadonlySet<string> = new Set([
  ".PHONY",
  ".SUFFIXES",
  ".PRECIOUS",
  ".INTERMEDIATE",
  ".NOTINTERMEDIATE",
  ".SECONDARY",
  ".SECONDEXPANSION",
  ".DELETE_ON_ERROR",
  ".IGNORE",
  ".LOW_RESOLUTION_TIME",
  ".SILENT",
  ".EXPORT_ALL_VARIABLES",
  ".NOTPARALLEL",
  ".ONESHELL",
  ".POSIX",
  ".WAIT",
]);

/** What the special targets and variables of the Makefile change about how recipes run. */
export interface RecipeSettings {
  /** `.ONESHELL`: a rule's whole recipe goes to one shell. */
  oneShell: boolean;
  /** The shell itself runs with `-e`: `.POSIX` (GNU make 4+) or a `.SHELLFLAGS` holding `-e`. */
  shellErrexit: boolean;
  /** `.IGNORE` without prerequisites: every failure is ignored. */
  ignoreAll: boolean;
  /** `.IGNORE: a b`: failures in these targets' recipes are ignored. */
  ignored: ReadonlySet<string>;
}

export function recipeSettings(doc: MakeDoc): RecipeSettings {
  const special = (name: string): MakeRule[] => doc.rules.filter((r) => r.targets.includes(name));
  const ignore = special(".IGNORE");
  const shellFlags = doc.variables.filter((v) => v.name === ".SHELLFLAGS" && !v.targets).at(-1);
  const flagsErrexit = shellFlags !== undefined && /(^|\s)-[A-Za-z]*e/.test(shellFlags.value);
  return {
    oneShell: special(".ONESHELL").length > 0,
    shellErrexit: special(".POSIX").length > 0 || flagsErrexit,
    ignoreAll: ignore.some((r) => r.prerequisites.length === 0),
    ignored: new Set(ignore.flatMap((r) => r.prerequisites)),
  };
}

/**
 * Regions in file order. For each region:
 * - `scope` is `make:<first target>` and `label` that target;
 * - `precededBy` lists the scopes of the prerequisites' recipes, transitively, in the order make
 *   runs them;
 * - `failureTolerated` when the line has the `-` prefix (or `.IGNORE` covers the target);
 * - `errexit`: make runs each line with `sh -c` (no `-e`), but stops the recipe, and the build,
 *   when a line fails. For a guard, a failing line is therefore as fatal as a failing command
 *   under `sh -e`, so a line without `-` has `errexit: true`. This over-approximates a line that
 *   chains commands with `;` (`docker rm x; docker run …`): there only the last command's status
 *   counts. A `-` line has `errexit` only if the shell itself runs with `-e` (`.POSIX`,
 *   `.SHELLFLAGS = -ec`). `make -i` cannot be known.
 * - Under `.ONESHELL` the recipe is one script, so `errexit` is the shell's own (`-e` only with
 *   `.POSIX` or `.SHELLFLAGS`), and `failureTolerated` follows the first line's `-`.
 */
export function makeShellRegions(doc: MakeDoc, text: string): ShellTextRegion[] {
  const settings = recipeSettings(doc);
  const graph = buildGraph(doc);
  return doc.rules
    .filter((rule) => rule.recipe.length > 0 && rule.targets[0] !== undefined && !SPECIAL_TARGETS.has(rule.targets[0]))
    .flatMap((rule) => {
      const base = ruleRegionBase(graph, settings, rule);
      return settings.oneShell
        ? oneShellRegion(text, rule, base, settings)
        : rule.recipe.flatMap((line) => lineRegion(text, line, base, settings));
    });
}

/** What every region of one rule shares; `ignored`: `.IGNORE` covers the rule. */
type RuleRegionBase = Pick<ShellTextRegion, "kind" | "origin" | "scope" | "precededBy" | "label"> & {
  ignored: boolean;
};

function ruleRegionBase(graph: MakeGraph, settings: RecipeSettings, rule: MakeRule): RuleRegionBase {
  return {
    kind: "shell",
    origin: "make-recipe",
    scope: ruleScope(rule),
    precededBy: precedingScopesOnce(() => precedingScopes(graph, rule)),
    label: rule.targets[0] ?? "",
    ignored: settings.ignoreAll || rule.targets.some((t) => settings.ignored.has(t)),
  };
}

function lineRegion(text: string, line: RecipeLine, base: RuleRegionBase, settings: RecipeSettings): ShellTextRegion[] {
  const shell = toRegionText(makeToShell(recipeLineChars(text, line)), line.textStart);
  if (shell.text.trim() === "") return [];
  const tolerated = base.ignored || line.prefixes.includes("-");
  return [
    {
      kind: base.kind,
      origin: base.origin,
      scope: base.scope,
      precededBy: base.precededBy,
      label: base.label,
      assumptions: { errexit: !tolerated || settings.shellErrexit, failureTolerated: tolerated },
      hostStart: line.start,
      hostEnd: line.end,
      ...shell,
    },
  ];
}

/** Under `.ONESHELL`: the recipe's lines, prefixes removed from each, joined by newlines. */
function oneShellRegion(
  text: string,
  rule: MakeRule,
  base: RuleRegionBase,
  settings: RecipeSettings,
): ShellTextRegion[] {
  const joined: MappedChars = { chars: [], hosts: [] };
  rule.recipe.forEach((line, k) => {
    if (k > 0) {
      const prev = rule.recipe[k - 1] as RecipeLine;
      const nl = text.indexOf("\n", prev.end);
      push(joined, "\n", nl === -1 ? prev.end : nl);
    }
    const chars = recipeLineChars(text, line);
    joined.chars.push(...chars.chars);
    joined.hosts.push(...chars.hosts);
  });
  const first = rule.recipe[0] as RecipeLine;
  const last = rule.recipe[rule.recipe.length - 1] as RecipeLine;
  const shell = toRegionText(makeToShell(joined), first.textStart);
  if (shell.text.trim() === "") return [];
  const tolerated = base.ignored || first.prefixes.includes("-");
  return [
    {
      kind: base.kind,
      origin: base.origin,
      scope: base.scope,
      precededBy: base.precededBy,
      label: base.label,
      assumptions: { errexit: settings.shellErrexit, failureTolerated: tolerated },
      hostStart: first.start,
      hostEnd: last.end,
      ...shell,
    },
  ];
}
