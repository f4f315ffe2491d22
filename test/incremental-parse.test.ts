/**
 * Incremental reparsing (the language server's `Linter` option): after any sequence of edits the
 * tree, and so every finding, is exactly what a fresh parse gives — for text that parses without
 * errors. Around a syntax error tree-sitter's error recovery may take another path when it
 * reparses incrementally (it never reuses an ERROR node, so this does not outlive the error).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Linter } from "../src/engine/lint.js";
import { allRules, selectRules } from "../src/engine/registry.js";
import type { LanguageId } from "../src/engine/types.js";
import { parseHost, type HostLanguage } from "../src/languages/hosts.js";
import { TreeSitter, textEdit, type GrammarId, type Node } from "../src/languages/treesitter.js";
import { rng } from "../bench/rng.js";

const FIXTURES = path.join(import.meta.dirname, "fixtures");
const ts = new TreeSitter();
afterAll(() => ts.dispose());

const PIECES = ["\t", " ", "\n", "if (x)\n", "{", "}", ";", "é", "😀", "goto fail;\n", "docker run --name a x\n", "\\\n", "\r\n", "'", '"'];

/**
 * An editing session: mostly edits that keep the text well-formed (indentation, blank lines,
 * comments with non-ASCII text, duplicated lines), some raw character edits that break it, and
 * undo back to an earlier state — so the reparse goes from broken text back to valid text too.
 */
function session(start: string, comment: string, seed: number, steps: number): string[] {
  const r = rng(seed).next; // seeded: a failure can be replayed
  const states = [start];
  let text = start;
  let beforeBreak: string | undefined;
  for (let i = 0; i < steps; i++) {
    const lines = text.split("\n");
    const n = Math.floor(r() * lines.length);
    const line = lines[n] ?? "";
    const k = r();
    if (beforeBreak !== undefined && k < 0.7) {
      text = beforeBreak; // undo the breaking edit
      beforeBreak = undefined;
    } else if (k < 0.3) {
      lines[n] = r() < 0.5 ? `\t${line}` : line.replace(/^[ \t]/, "");
      text = lines.join("\n");
    } else if (k < 0.45) {
      lines.splice(n, 0, "");
      text = lines.join("\n");
    } else if (k < 0.65) {
      lines.splice(n, 0, `${/^[ \t]*/.exec(line)?.[0] ?? ""}${comment} é😀 ${i}`);
      text = lines.join("\n");
    } else if (k < 0.85) {
      if (line.trimEnd().endsWith(";") || (comment === "#" && !/\\$/.test(line))) lines.splice(n, 0, line);
      text = lines.join("\n");
    } else {
      beforeBreak ??= text;
      const at = Math.floor(r() * (text.length + 1));
      const del = r() < 0.5 ? Math.floor(r() * 4) : 0;
      text = text.slice(0, at) + (PIECES[Math.floor(r() * PIECES.length)] as string) + text.slice(Math.min(text.length, at + del));
    }
    states.push(text);
  }
  return states.slice(1);
}

/** Whether tree-sitter parses the text (a C file, or every shell region of a host) without an error. */
async function parsesCleanly(language: LanguageId, text: string): Promise<boolean> {
  const texts = language === "c" ? [text] : parseHost(language as HostLanguage, text).regions.flatMap((r) => (r.kind === "shell" ? [r.text] : []));
  const g = await ts.grammar(language === "c" ? "c" : "bash");
  return texts.every((t) => {
    const tree = ts.parse(g, t);
    const ok = !tree.rootNode.hasError;
    tree.delete();
    return ok;
  });
}

function shape(node: Node): string {
  const parts: string[] = [`${node.type}@${node.startIndex}-${node.endIndex}:${node.startPosition.row}.${node.startPosition.column}`];
  for (const c of node.children) if (c) parts.push(shape(c));
  return `(${parts.join(" ")})`;
}

describe("incremental parse", () => {
  it("describes an edit by the texts' common prefix and suffix, in UTF-16 units", () => {
    const e = textEdit("ab\ncé😀d", "ab\ncé😀Xd");
    expect([e.startIndex, e.oldEndIndex, e.newEndIndex]).toEqual([7, 7, 8]);
    expect([e.startPosition, e.oldEndPosition, e.newEndPosition]).toEqual([
      { row: 1, column: 4 },
      { row: 1, column: 4 },
      { row: 1, column: 5 },
    ]);
    // Never inside a surrogate pair.
    const s = textEdit("a😀", "a😁");
    expect([s.startIndex, s.oldEndIndex, s.newEndIndex]).toEqual([1, 3, 3]);
  });

  for (const [grammar, fixture] of [
    ["c", "c/misleading-indentation/goto-fail.c"],
    ["bash", "docker/run-name-unguarded/deploy.sh"],
  ] as const satisfies readonly (readonly [GrammarId, string])[]) {
    it(`gives the tree of a fresh parse after random edits (${grammar})`, async () => {
      const g = await ts.grammar(grammar);
      const start = readFileSync(path.join(FIXTURES, fixture), "utf8");
      let valid = 0;
      let i = 0;
      for (const text of session(start, grammar === "c" ? "//" : "#", 7, 120)) {
        i++;
        const inc = ts.parseIncremental(g, text, `test ${grammar}`);
        const fresh = ts.parse(g, text);
        try {
          expect(inc.rootNode.hasError, `edit ${i}`).toBe(fresh.rootNode.hasError);
          if (!fresh.rootNode.hasError) {
            expect(shape(inc.rootNode), `edit ${i}`).toBe(shape(fresh.rootNode));
            valid++;
          }
        } finally {
          inc.delete();
          fresh.delete();
        }
      }
      expect(valid).toBeGreaterThan(30);
    });
  }

  it("lints alike with and without it, edit after edit", async () => {
    const sel = selectRules({});
    if (!sel.ok) throw new Error("rules");
    const ids = allRules().map((rule) => rule.id);
    const inc = new Linter(sel.rules, ids, { incremental: true });
    const plain = new Linter(sel.rules, ids);
    try {
      for (const [language, fixture] of [
        ["c", "c/misleading-indentation/goto-fail.c"],
        ["dockerfile", "docker/run-name-unguarded/Dockerfile"],
        ["make", "docker/run-name-unguarded/Makefile"],
      ] as const satisfies readonly (readonly [LanguageId, string])[]) {
        const start = readFileSync(path.join(FIXTURES, fixture), "utf8");
        let compared = 0;
        let i = 0;
        for (const text of session(start, language === "c" ? "//" : "#", 11, 40)) {
          i++;
          const a = await inc.lint({ path: fixture, text, language });
          const b = await plain.lint({ path: fixture, text, language });
          if (await parsesCleanly(language, text)) {
            expect(a, `${fixture}, edit ${i}`).toEqual(b);
            compared++;
          }
        }
        expect(compared, fixture).toBeGreaterThan(5);
        inc.forget(fixture);
      }
    } finally {
      inc.dispose();
      plain.dispose();
    }
  });
});
