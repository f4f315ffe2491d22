/**
 * Config file text → a plain value, or one syntax error with its line and column. JSON files are
 * parsed as strict JSON (no comments, no trailing commas); YAML files with the `yaml` package
 * (YAML 1.2, unique keys, at most one document). Pure: the caller reads the file.
 */
import { createRequire } from "node:module";
import type YAMLModule from "yaml";
import { SourceText } from "../engine/source.js";

/**
 * `yaml` is loaded on first use: most runs find no YAML config, and the package costs ~25 ms of
 * start-up, a sixth of a one-file run's budget.
 */
function yamlModule(): typeof YAMLModule {
  return createRequire(import.meta.url)("yaml") as typeof YAMLModule;
}

export type ParseResult =
  | { ok: true; value: unknown }
  | { ok: false; line: number; column: number; message: string };

export type ConfigFormat = "json" | "yaml";

/** The format a config file's name says: `.json`, or `.yaml`/`.yml`; undefined for anything else. */
export function formatOf(fileName: string): ConfigFormat | undefined {
  if (/\.json$/i.test(fileName)) return "json";
  if (/\.ya?ml$/i.test(fileName)) return "yaml";
  return undefined;
}

/** Parses one config text. A file holding only blanks (or, in YAML, only comments) is an empty config. */
export function parseConfigText(text: string, format: ConfigFormat): ParseResult {
  const body = text.replace(/^\uFEFF/, "");
  if (body.trim() === "") return { ok: true, value: null };
  return format === "json" ? parseJson(body) : parseYaml(body);
}

function parseJson(text: string): ParseResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const found = jsonSyntaxError(text);
    if (found) {
      const { line, column } = new SourceText(text).position(found.offset);
      return { ok: false, line, column, message: `invalid JSON: ${found.message}` };
    }
    // Not expected (the checker accepts exactly JSON); keep V8's own words rather than nothing.
    return { ok: false, line: 1, column: 1, message: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
}

function parseYaml(text: string): ParseResult {
  const doc = yamlModule().parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0];
    const first = (err.message.split("\n")[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, "").trim();
    return { ok: false, line: pos?.line ?? 1, column: pos?.col ?? 1, message: `invalid YAML: ${lowerFirst(first)}` };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
  } catch (e) {
    // An alias to an anchor that is not defined, or too many alias expansions.
    return { ok: false, line: 1, column: 1, message: `invalid YAML: ${lowerFirst(e instanceof Error ? e.message : String(e))}` };
  }
}

function lowerFirst(s: string): string {
  return s.length > 1 && /^[A-Z][a-z]/.test(s) ? s[0]?.toLowerCase() + s.slice(1) : s;
}


/**
 * Where strict JSON syntax first fails in `text`, and why; undefined when `text` is JSON. V8's
 * own messages differ between Node versions and do not always give a position, so deploylint
 * finds the place itself.
 */
export function jsonSyntaxError(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntax(at, message);
  };
  const describe = (at: number): string => (at >= text.length ? "end of file" : `'${text[at]}'`);
  const unexpected = (expected: string): never =>
    fail(i >= text.length ? `unexpected end of file, ${expected}` : `unexpected ${describe(i)}, ${expected}`);
  const ws = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else unexpected("expected a value");
  };
  const string = (): void => {
    const start = i;
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail("unterminated string", start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail(c === 10 ? "unterminated string (a line break inside quotes)" : "control character in a string");
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("bad \\u escape in a string");
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail("bad escape sequence in a string");
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) unexpected("expected a value");
    i += (m as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") object();
    else if (c === "[") array();
    else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) number();
    else unexpected("expected a value");
  };
  const object = (): void => {
    i++;
    ws();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') unexpected("expected a property name in double quotes");
      string();
      ws();
      if (text[i] !== ":") unexpected("expected ':' after a property name");
      i++;
      value();
      ws();
      if (text[i] === ",") {
        i++;
        ws();
        if (text[i] === "}") fail("trailing comma before '}'");
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      unexpected("expected ',' or '}' after a property value");
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (text[i] === ",") {
        i++;
        ws();
        if (text[i] === "]") fail("trailing comma before ']'");
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      unexpected("expected ',' or ']' after an array element");
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return undefined;
  } catch (e) {
    if (e instanceof JsonSyntax) return { offset: e.offset, message: e.message };
    return undefined; // e.g. nesting too deep for the stack: the caller keeps V8's message
  }
}

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}
