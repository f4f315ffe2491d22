/**
 * Configuration errors are values (`Result<…, ConfigError[]>`); only the CLI turns them into
 * output and exit status 2. Each names the file and, where there is one, the path of the bad key.
 */

export interface ConfigError {
  /** The config file (or directory) as displayed: relative to the working directory when inside it. */
  file: string;
  /** 1-based, for syntax errors. */
  line?: number;
  column?: number;
  /** The bad key, as `rules."c/misleading-indentation"[1].tabWidth`. */
  path?: string;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: ConfigError[] };

/** `file[:line:col]: [path: ]message`: one line, no stack. */
export function formatConfigError(e: ConfigError): string {
  const where = e.line === undefined ? e.file : `${e.file}:${e.line}:${e.column ?? 1}`;
  return `${where}: ${e.path ? `${e.path}: ` : ""}${e.message}`;
}

/**
 * Thrown through callbacks that cannot return a result (discovery hooks): the CLI catches it and
 * prints each error on its own line with exit status 2.
 */
export class ConfigLoadError extends Error {
  constructor(readonly errors: readonly ConfigError[]) {
    super(errors.map(formatConfigError).join("\n"));
    this.name = "ConfigLoadError";
  }
}

/** A key path for messages: `rules."c/misleading-indentation"[1].tabWidth`. */
export function formatKeyPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else {
      const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : JSON.stringify(s);
      out += out === "" ? key : `.${key}`;
    }
  }
  return out;
}
