/**
 * The Makefile adapter (GNU make): a line parser for rules, recipes and variables, and the
 * recipes' shell regions.
 */
export {
  buildGraph,
  hasRecipe,
  makeExpander,
  type MakeGraph,
  patternStem,
  precedingScopes,
  ruleScope,
} from "./graph.js";
export {
  type AssignmentOperator,
  type MakeDoc,
  type MakeInclude,
  type MakeRule,
  type MakeVariable,
  parseMakefile,
  type RecipeLine,
} from "./parse.js";
export { makeShellRegions, recipeSettings, type RecipeSettings } from "./regions.js";
export { makeToShell, recipeLineChars } from "./shell-text.js";
