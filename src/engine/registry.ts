/**
 * Rule selection: from the registry and the user's choices to the list of enabled rules with
 * their resolved severity and options. Pure; the CLI and the LSP server both call it.
 */
import { RULES } from "../rules/index.js";
import type { EnabledRule } from "./lint.js";
import { defaultOptions, type OptionValues, type Rule } from "./rule.js";
import type { Level } from "./types.js";

export function allRules(): readonly Rule[] {
  return RULES;
}

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id);
}

export interface RuleSelection {
  /** `--rule`: only these rules run (empty or absent: all). */
  only?: readonly string[];
  /** `--disable`: these rules do not run. */
  disable?: readonly string[];
  /** Per-rule level and option overrides (from configuration). */
  settings?: Readonly<Record<string, { level?: Level; options?: OptionValues }>>;
}

export type Selected = { ok: true; rules: EnabledRule[] } | { ok: false; unknown: string[] };

export function selectRules(selection: RuleSelection, rules: readonly Rule[] = RULES): Selected {
  const ids = new Set(rules.map((r) => r.id));
  const named = [...(selection.only ?? []), ...(selection.disable ?? []), ...Object.keys(selection.settings ?? {})];
  const unknown = named.filter((id) => !ids.has(id));
  if (unknown.length > 0) return { ok: false, unknown: [...new Set(unknown)] };
  const only = selection.only && selection.only.length > 0 ? new Set(selection.only) : undefined;
  const disable = new Set(selection.disable ?? []);
  const out: EnabledRule[] = [];
  for (const rule of rules) {
    if (only && !only.has(rule.id)) continue;
    if (disable.has(rule.id)) continue;
    const s = selection.settings?.[rule.id];
    const level = s?.level ?? rule.severity;
    if (level === "off" && !only?.has(rule.id)) continue;
    out.push({
      rule,
      severity: level === "off" ? rule.severity : level,
      options: { ...defaultOptions(rule), ...(s?.options ?? {}) },
    });
  }
  return { ok: true, rules: out };
}

/**
 * The effective settings of enabled rules as a stable string (ids in order, each with its
 * severity and options, object keys sorted): equal settings give equal keys however they were
 * spelled. The cache's key and config's `configKey` are built on it.
 */
export function rulesKey(rules: readonly EnabledRule[]): string {
  const rows = rules.map((r) => [r.rule.id, r.severity, canonical(r.options)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify(rows);
}

/** A value with its object keys sorted (arrays keep their order). */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}
