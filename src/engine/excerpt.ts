/**
 * What a report shows of a file's source (`RunResult.sources`): the text of each line a finding
 * starts on (the text report's code frames) and that line's SARIF fingerprint
 * (`primaryLocationLineHash`). It is worked out where the file is linted, in a worker thread at
 * `-j N`, so a run neither copies each file's whole text back to the main thread nor holds it
 * until the report; and the fingerprints, which hash the whole text, are computed in parallel.
 */
import { hashLines } from "./fingerprint.js";
import { SourceText } from "./source.js";
import type { Finding } from "./types.js";

/** What the report needs of the source of files with findings (serialisable: workers get it). */
export interface SourceNeeds {
  /** Each finding's first line, as code frames show it. */
  lines: boolean;
  /** Each finding's first line's fingerprint, as SARIF reports it. */
  hashes: boolean;
}

export const ALL_SOURCE: SourceNeeds = { lines: true, hashes: true };
export const NO_SOURCE: SourceNeeds = { lines: false, hashes: false };

export interface SourceExcerpt {
  /** By 1-based line: the line's content without its line break (`SourceText.lineText`). */
  lines: ReadonlyMap<number, string>;
  /** By 1-based line: the line's fingerprint (`hashLines`). */
  hashes: ReadonlyMap<number, string>;
}

/**
 * The excerpt of `text` that the report needs for `findings` (those of this file), or undefined
 * when it needs none (no findings, or a report that shows no source).
 */
export function excerptOf(text: string, findings: readonly Finding[], needs: SourceNeeds): SourceExcerpt | undefined {
  if (findings.length === 0 || !(needs.lines || needs.hashes)) return undefined;
  const wanted = [...new Set(findings.map((f) => f.range.start.line))];
  const lines = new Map<number, string>();
  const hashes = new Map<number, string>();
  if (needs.lines) {
    const source = new SourceText(text);
    for (const n of wanted) if (n >= 1 && n <= source.lineCount) lines.set(n, source.lineText(n));
  }
  if (needs.hashes) {
    const all = hashLines(text);
    for (const n of wanted) {
      const hash = all[n - 1];
      if (hash !== undefined) hashes.set(n, hash);
    }
  }
  return { lines, hashes };
}

/** The excerpt of every file in `texts` that has a finding (the `--stdin` run, tests). */
export function excerptsOf(texts: ReadonlyMap<string, string>, findings: readonly Finding[], needs: SourceNeeds = ALL_SOURCE): Map<string, SourceExcerpt> {
  const out = new Map<string, SourceExcerpt>();
  for (const [file, text] of texts) {
    const excerpt = excerptOf(
      text,
      findings.filter((f) => f.file === file),
      needs,
    );
    if (excerpt) out.set(file, excerpt);
  }
  return out;
}
