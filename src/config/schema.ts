/**
 * The config file's JSON Schema, generated from the rule registry (each rule's `options` become
 * the schema of its `[level, { options }]` entry), and validation with ajv that turns ajv's errors
 * into one message per bad key, phrased for people (`must be an integer ≥ 1`, `unknown rule`).
 *
 * The schema avoids `oneOf`/`anyOf` (whose failures report every branch) in favour of
 * `if`/`then`/`else` on the value's type, and carries its own messages in two annotation keywords:
 * `x-message` (what the value must be) and `x-unknown` (what an unexpected key is).
 */
import { createRequire } from "node:module";
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from "ajv";
import type { OptionSpec, OptionValues, RuleMeta } from "../engine/rule.js";
import type { LanguageId, Level } from "../engine/types.js";
import { formatKeyPath } from "./errors.js";

export const LEVELS: readonly Level[] = ["off", "info", "warning", "error"];

/** Every language a `languages` key may name (a record, so the compiler checks it is complete). */
const LANGUAGE_SET: Record<LanguageId, true> = {
  c: true,
  cpp: true,
  shell: true,
  dockerfile: true,
  upstart: true,
  systemd: true,
  make: true,
};
export const LANGUAGE_IDS = Object.keys(LANGUAGE_SET) as LanguageId[];

export const TOP_LEVEL_KEYS = ["root", "extends", "rules", "ignore", "overrides", "languages", "maxFileSize"] as const;

/** A size: bytes, or with a K/M/G suffix (binary units), as `--max-file-size` takes. */
export const SIZE_PATTERN = "^\\s*\\d+(\\.\\d+)?\\s*[kKmMgG]?[bB]?\\s*$";

/** A rule entry as written: a level, or `[level]`, or `[level, { options }]`. */
export type RuleEntryData = Level | [Level] | [Level, OptionValues];
export type RulesData = Record<string, RuleEntryData>;

/** A config file's content once it has passed validation. */
export interface ConfigData {
  $schema?: string;
  root?: boolean;
  extends?: string | string[];
  rules?: RulesData | null;
  ignore?: string[] | null;
  overrides?: { files: string | string[]; rules?: RulesData | null }[] | null;
  languages?: Partial<Record<LanguageId, string[]>> | null;
  maxFileSize?: string | number;
}

type Schema = Record<string, unknown>;

const LEVEL_LIST = "off, info, warning, error";

/** What an option's value must be, from its spec: `must be an integer ≥ 1`. */
export function describeOption(spec: OptionSpec): string {
  switch (spec.type) {
    case "integer": {
      const { minimum: lo, maximum: hi } = spec;
      if (lo !== undefined && hi !== undefined) return `must be an integer from ${lo} to ${hi}`;
      if (lo !== undefined) return `must be an integer ≥ ${lo}`;
      if (hi !== undefined) return `must be an integer ≤ ${hi}`;
      return "must be an integer";
    }
    case "boolean":
      return "must be true or false";
    case "string":
      return "must be a string";
    case "string[]":
      return "must be a list of strings";
  }
}

function optionSchema(spec: OptionSpec): Schema {
  const message = describeOption(spec);
  switch (spec.type) {
    case "integer":
      return {
        type: "integer",
        ...(spec.minimum !== undefined ? { minimum: spec.minimum } : {}),
        ...(spec.maximum !== undefined ? { maximum: spec.maximum } : {}),
        description: spec.description,
        default: spec.default,
        "x-message": message,
      };
    case "boolean":
    case "string":
      return { type: spec.type, description: spec.description, default: spec.default, "x-message": message };
    case "string[]":
      return {
        type: "array",
        items: { type: "string", "x-message": "must be a string" },
        description: spec.description,
        default: spec.default,
        "x-message": message,
      };
  }
}

function ruleEntrySchema(rule: RuleMeta): Schema {
  const options = rule.options ?? {};
  const names = Object.keys(options);
  const takes = names.length === 0 ? `${rule.id} takes no options` : `${rule.id} takes ${names.join(", ")}`;
  return {
    description: `${rule.docs.summary} (default: ${rule.severity})`,
    if: { type: "array" },
    then: {
      type: "array",
      minItems: 1,
      maxItems: 2,
      items: [
        { enum: [...LEVELS], "x-message": `must be one of ${LEVEL_LIST}` },
        {
          type: "object",
          properties: Object.fromEntries(Object.entries(options).map(([k, spec]) => [k, optionSchema(spec)])),
          additionalProperties: false,
          "x-message": `must be an object of options (${takes})`,
          "x-unknown": `unknown option (${takes})`,
        },
      ],
      additionalItems: false,
      "x-message": "must be [level] or [level, { options }]",
    },
    else: { enum: [...LEVELS], "x-message": `must be one of ${LEVEL_LIST}, or [level, { options }]` },
  };
}

function rulesSchema(rules: readonly RuleMeta[]): Schema {
  return {
    type: ["object", "null"],
    properties: Object.fromEntries(rules.map((r) => [r.id, ruleEntrySchema(r)])),
    additionalProperties: false,
    "x-message": "must be a mapping of rule ids to levels",
    "x-unknown": "unknown rule",
  };
}

const GLOB: Schema = {
  type: "string",
  minLength: 1,
  pattern: "^[^!]",
  "x-message": "must be a glob pattern (negation with ! is not supported here)",
};

const GLOB_LIST: Schema = { type: "array", items: GLOB, "x-message": "must be a list of glob patterns" };

const EXTENDS_PATH: Schema = {
  type: "string",
  pattern: "^(\\.\\.?/|/|[A-Za-z]:[\\\\/])",
  "x-message": "must be the path of a config file, relative to this one (./ or ../) or absolute",
};

const SIZE_MESSAGE = "must be a size like 500K or 5M, or a number of bytes ≥ 1";

/** The JSON Schema of a config file, for these rules. */
export function configSchema(rules: readonly RuleMeta[]): Schema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "deploylint configuration",
    type: ["object", "null"],
    properties: {
      $schema: { type: "string", "x-message": "must be a string" },
      root: {
        type: "boolean",
        description: "Stop looking for config files in the directories above this one.",
        "x-message": "must be true or false",
      },
      extends: {
        description: "Config files whose settings this one starts from (paths relative to this file).",
        if: { type: "array" },
        then: { type: "array", items: EXTENDS_PATH, "x-message": "must be a path or a list of paths" },
        else: EXTENDS_PATH,
      },
      rules: rulesSchema(rules),
      ignore: {
        type: ["array", "null"],
        description: "Paths not to lint: gitignore patterns, relative to this file's directory.",
        items: { type: "string", "x-message": "must be a string (a gitignore pattern)" },
        "x-message": "must be a list of gitignore patterns",
      },
      overrides: {
        type: ["array", "null"],
        description: "Rule settings for the files matching some globs; later overrides win.",
        items: {
          type: "object",
          properties: {
            files: {
              if: { type: "array" },
              then: { ...GLOB_LIST, minItems: 1, "x-message": "must be a glob pattern or a non-empty list of them" },
              else: GLOB,
            },
            rules: rulesSchema(rules),
          },
          required: ["files"],
          additionalProperties: false,
          "x-message": "must be an object with files and rules",
          "x-unknown": "unknown key (an override takes files and rules)",
          "x-required": "is required (the glob patterns the override applies to)",
        },
        "x-message": "must be a list of { files, rules } objects",
      },
      languages: {
        type: ["object", "null"],
        description: "More file-name patterns per language, relative to this file's directory.",
        properties: Object.fromEntries(LANGUAGE_IDS.map((l) => [l, GLOB_LIST])),
        additionalProperties: false,
        "x-message": "must be a mapping of languages to lists of glob patterns",
        "x-unknown": `unknown language (expected one of: ${LANGUAGE_IDS.join(", ")})`,
      },
      maxFileSize: {
        description: "Skip files larger than this: bytes, or a size like 500K or 5M.",
        if: { type: "string" },
        then: { type: "string", pattern: SIZE_PATTERN, "x-message": SIZE_MESSAGE },
        else: { type: "integer", minimum: 1, "x-message": SIZE_MESSAGE },
      },
    },
    additionalProperties: false,
    "x-message": "a config file must hold a mapping of settings",
    "x-unknown": `unknown key (expected one of: ${TOP_LEVEL_KEYS.join(", ")})`,
  };
}

/** A bad key: its path for messages, and what is wrong. */
export interface SchemaProblem {
  path: string;
  message: string;
}

export type Validated = { ok: true; value: ConfigData } | { ok: false; problems: SchemaProblem[] };

/** Compiles the schema once; `validate` may then be called for every config file of a run. */
export class ConfigValidator {
  private readonly check: ValidateFunction;
  private readonly ruleIds: readonly string[];

  constructor(rules: readonly RuleMeta[]) {
    // ajv is loaded when the first config file is validated: a run without one never pays its
    // ~50 ms of start-up.
    const { Ajv } = createRequire(import.meta.url)("ajv") as { Ajv: typeof AjvClass };
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true, strictTuples: false }) // [level] or [level, options]: a tuple of 1 or 2;
    ajv.addKeyword({ keyword: "x-message", schemaType: "string" });
    ajv.addKeyword({ keyword: "x-unknown", schemaType: "string" });
    ajv.addKeyword({ keyword: "x-required", schemaType: "string" });
    this.check = ajv.compile(configSchema(rules));
    this.ruleIds = rules.map((r) => r.id);
  }

  validate(value: unknown): Validated {
    if (this.check(value)) return { ok: true, value: (value ?? {}) as ConfigData };
    const problems: SchemaProblem[] = [];
    const seen = new Set<string>();
    for (const e of this.check.errors ?? []) {
      const problem = this.describe(value, e);
      if (!problem || seen.has(problem.path)) continue;
      seen.add(problem.path);
      problems.push(problem);
    }
    return { ok: false, problems };
  }

  private describe(root: unknown, e: ErrorObject): SchemaProblem | undefined {
    if (e.keyword === "if") return undefined; // its branch's own errors say what is wrong
    const segments = pointerSegments(root, e.instancePath);
    const parent = e.parentSchema ?? {};
    if (e.keyword === "additionalProperties") {
      const key = String((e.params as { additionalProperty: string }).additionalProperty);
      let message = typeof parent["x-unknown"] === "string" ? parent["x-unknown"] : "unknown key";
      if (message === "unknown rule") {
        const near = closest(key, this.ruleIds);
        message = near ? `unknown rule; did you mean ${near}?` : "unknown rule (see 'deploylint rules')";
      }
      return { path: formatKeyPath([...segments, key]), message };
    }
    if (e.keyword === "required") {
      const key = String((e.params as { missingProperty: string }).missingProperty);
      const message = typeof parent["x-required"] === "string" ? parent["x-required"] : "is required";
      return { path: formatKeyPath([...segments, key]), message };
    }
    const message = typeof parent["x-message"] === "string" ? parent["x-message"] : (e.message ?? "is not valid");
    return { path: formatKeyPath(segments), message };
  }
}

/** An ajv instance path (`/rules/c~1misleading-indentation/1`) as keys and array indexes. */
function pointerSegments(root: unknown, pointer: string): (string | number)[] {
  if (pointer === "") return [];
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      out.push(Number(key));
      node = node[Number(key)];
    } else {
      out.push(key);
      node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

/** The known name closest to a misspelt one, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = k.startsWith(name) || name.startsWith(k) ? Math.min(3, Math.abs(k.length - name.length)) : distance(name, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 5)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
