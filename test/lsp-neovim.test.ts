/**
 * The language server in a real editor: Debian's Neovim, headless, with its built-in LSP client
 * (test/nvim/lsp-e2e.lua) starting `deploylint lsp --stdio`. Needs the build (`npm test` does it)
 * and `nvim` on PATH: CI installs it (.ci/run) and fails without it; elsewhere it is skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./lsp-client.js";
import { GOTO_FAIL } from "./support/cli.js";

const hasNvim = spawnSync("nvim", ["--version"], { encoding: "utf8" }).status === 0;
/** In CI (CI=true, or DEPLOYLINT_REQUIRE_NVIM=1 as .ci/run may set) a missing nvim fails the test. */
const inCI = process.env.CI === "true" || process.env.DEPLOYLINT_REQUIRE_NVIM === "1";

const UNIT = "[Unit]\nDescription=web\n\n[Service]\nExecStart=/usr/bin/docker run --rm --name web myorg/web:1.4\n\n[Install]\nWantedBy=multi-user.target\n";

interface Diag {
  lnum: number;
  col: number;
  end_lnum: number;
  end_col: number;
  code: string;
  source: string;
}
interface Output {
  nvim: string;
  error?: string;
  c: { diagnostics: Diag[]; actions: string[]; after: { lines: string[]; diagnostics: Diag[] } };
  unit: { diagnostics: Diag[]; actions: string[]; applied: string; after: { lines: string[]; diagnostics: Diag[] } };
}

describe("Neovim (headless, built-in LSP client)", () => {
  if (!hasNvim && !inCI) {
    it.skip("needs nvim on PATH (apt-get install neovim); skipped locally", () => {});
    return;
  }

  it("shows the findings of a C file and a systemd unit, and applies code actions", () => {
    expect(hasNvim, "nvim is not installed: CI must install Debian's neovim (.ci/run)").toBe(true);
    const dir = mkdtempSync(path.join(os.tmpdir(), "deploylint-nvim-"));
    try {
      writeFileSync(path.join(dir, "goto-fail.c"), GOTO_FAIL);
      writeFileSync(path.join(dir, "web.service"), UNIT);
      const out = path.join(dir, "out.json");
      const run = spawnSync("nvim", ["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", `luafile ${path.join(ROOT, "test/nvim/lsp-e2e.lua")}`], {
        cwd: dir,
        env: { ...process.env, DEPLOYLINT_ROOT: ROOT, DEPLOYLINT_WORKDIR: dir, DEPLOYLINT_OUT: out },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status, `nvim failed: ${run.stderr}${run.stdout}`).toBe(0);
      const res = JSON.parse(readFileSync(out, "utf8")) as Output;
      expect(res.error).toBeUndefined();

      // C: the second goto, 0-based, in UTF-16 (= bytes here) columns.
      expect(res.c.diagnostics.map((d) => [d.code, d.lnum, d.col, d.end_lnum, d.end_col, d.source])).toEqual([
        ["c/misleading-indentation", 3, 2, 3, 12, "deploylint"],
      ]);
      expect(res.c.actions).toEqual(expect.arrayContaining(["Disable c/misleading-indentation for this line", "Disable c/misleading-indentation for this file"]));
      expect(res.c.after.lines.slice(2, 5)).toEqual(["\t\tgoto fail;", "\t\t// deploylint-disable-next-line c/misleading-indentation", "\t\tgoto fail;"]);
      expect(res.c.after.diagnostics).toEqual([]);

      // The unit: its findings on ExecStart=, and the dependency fix applied through the editor.
      expect(res.unit.diagnostics.map((d) => [d.code, d.lnum, d.col])).toEqual([
        ["docker/run-name-unguarded", 4, 10],
        ["unit/missing-docker-dependency", 4, 10],
      ]);
      expect(res.unit.actions).toContain("Disable docker/run-name-unguarded for this line");
      expect(res.unit.applied).toMatch(/Requires=docker\.service/);
      expect(res.unit.after.lines).toContain("Requires=docker.service");
      expect(res.unit.after.lines).toContain("After=docker.service");
      expect(res.unit.after.diagnostics.map((d) => d.code)).toEqual(["docker/run-name-unguarded"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
