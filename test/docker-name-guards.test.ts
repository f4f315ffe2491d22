/**
 * docker/run-name-unguarded and docker/guard-not-fault-tolerant beyond the fixtures: the
 * `rmForceIgnoresMissing` option (the harness runs default options), CRLF line breaks in the
 * inserted guard, and that the fixes converge: after applying them, what was fixed is no longer
 * reported, and the guard that run-name-unguarded inserts does not trip guard-not-fault-tolerant.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectLanguage } from "../src/engine/detect.js";
import { applyFixes } from "../src/engine/fix.js";
import { Linter } from "../src/engine/lint.js";
import { selectRules } from "../src/engine/registry.js";
import type { ShellCommand } from "../src/engine/rule.js";
import type { Finding } from "../src/engine/types.js";
import { parseMakefile, type RecipeLine } from "../src/languages/make/index.js";
import { makeFacts, removalsBefore, type Removal } from "../src/rules/docker/_name-guards.js";

const UNGUARDED = "docker/run-name-unguarded";
const TOLERANT = "docker/guard-not-fault-tolerant";
const FIXTURES = path.join(import.meta.dirname, "fixtures");

/** One linter per rule selection, reused across tests (creating one loads the grammars). */
const linters = new Map<string, Linter>();
afterAll(() => {
  for (const l of linters.values()) l.dispose();
});

function linterFor(ids: string[], options: Record<string, boolean>): Linter {
  const key = JSON.stringify([ids, options]);
  const cached = linters.get(key);
  if (cached) return cached;
  const settings = Object.fromEntries(ids.map((id) => [id, { options }]));
  const sel = selectRules({ only: ids, settings });
  if (!sel.ok) throw new Error(`unknown rules: ${sel.unknown.join(", ")}`);
  const linter = new Linter(
    sel.rules,
    sel.rules.map((r) => r.rule.id),
  );
  linters.set(key, linter);
  return linter;
}

async function lint(file: string, text: string, ids: string[], options: Record<string, boolean> = {}): Promise<Finding[]> {
  const language = detectLanguage(file, text);
  if (!language) throw new Error(`no language for ${file}`);
  const res = await linterFor(ids, options).lint({ path: file, text, language });
  expect(res.notices).toEqual([]);
  return res.findings;
}

describe(`${TOLERANT} option rmForceIgnoresMissing`, () => {
  const unit = ["[Service]", "ExecStartPre=/usr/bin/docker rm -f web", "ExecStartPre=/usr/bin/docker stop web", "ExecStart=/usr/bin/docker run --name web myorg/web", ""].join("\n");

  it("reports `rm -f` by default (engines before docker 20.10 / podman 4.2 exit 1)", async () => {
    const found = await lint("web.service", unit, [TOLERANT]);
    expect(found.map((f) => f.range.start.line)).toEqual([2, 3]);
  });

  it("accepts `rm -f` when the engines are known to be recent, but still reports `stop`", async () => {
    const found = await lint("web.service", unit, [TOLERANT], { rmForceIgnoresMissing: true });
    expect(found.map((f) => f.range.start.line)).toEqual([3]);
  });
});

describe(`${UNGUARDED} fix`, () => {
  it("keeps CRLF line breaks", async () => {
    const text = "#!/bin/sh\r\nset -e\r\n  docker run -d --name web myorg/web\r\n";
    const found = await lint("start.sh", text, [UNGUARDED]);
    expect(found).toHaveLength(1);
    expect(applyFixes(text, found, "unsafe").text).toBe(
      "#!/bin/sh\r\nset -e\r\n  docker rm -f web || true\r\n  docker run -d --name web myorg/web\r\n",
    );
  });

  it("is unsafe: `--fix` alone does not remove containers", async () => {
    const found = await lint("start.sh", "docker run -d --name web myorg/web\n", [UNGUARDED]);
    expect(found[0]?.fix?.applicability).toBe("unsafe");
  });

  it("names the removal that comes too late", async () => {
    const text = ["[Service]", "ExecStart=/usr/bin/docker run --name web myorg/web", "ExecStopPost=-/usr/bin/docker rm -f web", ""].join("\n");
    const [f] = await lint("web.service", text, [UNGUARDED]);
    expect(f?.message).toContain("on line 3 runs after it, too late");
    expect(f?.related.map((r) => r.range.start.line)).toEqual([3]);
  });
});

describe("fixes converge on the fixtures", () => {
  for (const id of [UNGUARDED, TOLERANT]) {
    const dir = path.join(FIXTURES, id);
    for (const name of readdirSync(dir).filter((f) => !/\.fixed(\.|$)/.test(f))) {
      it(`${id}: ${name}`, async () => {
        const text = readFileSync(path.join(dir, name), "utf8");
        const before = await lint(name, text, [id]);
        const fixed = applyFixes(text, before, "unsafe").text;
        const after = await lint(name, fixed, [id]);
        expect(after.filter((f) => f.fix).map((f) => `${f.range.start.line}: ${f.message}`)).toEqual([]);
        expect(after.length).toBe(before.filter((f) => !f.fix).length);
        if (id === UNGUARDED) {
          // The inserted guards tolerate "nothing to remove".
          const tolerantBefore = await lint(name, text, [TOLERANT]);
          const tolerantAfter = await lint(name, fixed, [TOLERANT]);
          expect(tolerantAfter.length).toBe(tolerantBefore.length);
        }
      });
    }
  }
});

describe("removalsBefore", () => {
  /** A command of `scope` whose region lists `before` as its preceding scopes, counting the listings. */
  function command(scope: string, seq: number, before: () => readonly string[]): ShellCommand {
    return { region: { scope, precededBy: before }, seq } as unknown as ShellCommand;
  }

  it("never lists the preceding scopes of a file without removals (a chain of n targets would list n²/2)", () => {
    const cmd = command("make:b", 0, () => {
      throw new Error("listed");
    });
    expect(removalsBefore(new Map(), cmd)).toEqual([]);
  });

  it("walks the preceding scopes in order, then the command's own scope up to it", () => {
    const removal = (scope: string, seq: number): Removal => ({ cmd: command(scope, seq, () => []) }) as unknown as Removal;
    const inA = removal("make:a", 3);
    const inC = removal("make:c", 1);
    const ownEarlier = removal("make:b", 0);
    const ownLater = removal("make:b", 5);
    const byScope = new Map([
      ["make:a", [inA]],
      ["make:c", [inC]],
      ["make:b", [ownEarlier, ownLater]],
    ]);
    expect(removalsBefore(byScope, command("make:b", 2, () => ["make:c", "make:a"]))).toEqual([inC, inA, ownEarlier]);
  });
});

describe("makeFacts", () => {
  const text = ".ONESHELL:\nall: b\n\techo one\n\t-echo two\n\nb:\n\techo b\nc: ; echo same-line\n";
  const doc = parseMakefile(text);
  const facts = makeFacts(doc);

  it("finds the recipe line that holds each offset, as a scan of every rule's lines does", () => {
    const scan = (offset: number): RecipeLine | undefined => doc.rules.flatMap((r) => r.recipe).find((l) => offset >= l.start && offset < l.end);
    expect(doc.rules.flatMap((r) => r.recipe)).toHaveLength(4);
    for (let offset = 0; offset <= text.length; offset++) expect(facts.recipeLineAt(offset), `offset ${offset}`).toBe(scan(offset));
  });

  it("reads .ONESHELL and the shell's -e once", () => {
    expect(facts.oneShell).toBe(true);
    expect(facts.shellErrexit).toBe(false);
    expect(makeFacts(parseMakefile(".POSIX:\nall:\n\ttrue\n"))).toMatchObject({ oneShell: false, shellErrexit: true });
    expect(makeFacts(parseMakefile(".SHELLFLAGS = -ec\nall:\n\ttrue\n")).shellErrexit).toBe(true);
  });
});
