/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time,
 * and self time grouped by where the code lives (deploylint's own modules, web-tree-sitter, Node's
 * internals, GC…).
 *
 *   node --cpu-prof --cpu-prof-dir=DIR dist/bundle/deploylint.js -j 1 /usr/include > /dev/null
 *   node dist/bench/profile.js DIR/CPU.*.cpuprofile [--top N]
 *
 * The bundle puts deploylint and its JS dependencies in a few chunks, so time is attributed per
 * chunk; profile the unbundled entry (dist/src/cli/bin.js) to see it per module and per package.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { table } from "./table.js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Entry {
  key: string;
  selfMs: number;
}

/** Self time (ms) per profile node id: each sample's delta belongs to the node it hit. */
function selfTimes(p: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  return self;
}

/** `node_modules/web-tree-sitter/…` → `web-tree-sitter`; `dist/src/engine/x.js` → `src/engine/x.js`. */
export function origin(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native / V8 builtin)";
  if (url.startsWith("node:")) return "node internals";
  if (url.startsWith("wasm://")) return `wasm ${path.basename(url)} (tree-sitter)`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1] as string;
  const src = /\/dist\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  if (src) return (src[1] as string).replace(/\.js$/, "");
  if (url.includes("/dist/bundle/")) return `bundle ${path.basename(url)}`;
  return path.basename(url);
}

function frameKey(f: CallFrame): string {
  if (f.url.startsWith("wasm://")) return `${f.functionName} (wasm ${path.basename(f.url)})`;
  const where = f.url === "" ? "" : ` ${origin(f.url, f.functionName)}:${f.lineNumber + 1}`;
  return `${f.functionName || "(anonymous)"}${where}`;
}

export interface Summary {
  totalMs: number;
  /** Time the thread waited with nothing to run (I/O, or a busy machine's scheduler). */
  idleMs: number;
  byFunction: Entry[];
  byOrigin: Entry[];
}

export function summarise(p: CpuProfile): Summary {
  const self = selfTimes(p);
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  for (const n of p.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (ms === 0) continue;
    const fk = frameKey(n.callFrame);
    byFunction.set(fk, (byFunction.get(fk) ?? 0) + ms);
    const ok = origin(n.callFrame.url, n.callFrame.functionName);
    byOrigin.set(ok, (byOrigin.get(ok) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>): Entry[] => [...m].map(([key, selfMs]) => ({ key, selfMs })).sort((a, b) => b.selfMs - a.selfMs);
  const idleMs = byOrigin.get("(idle)") ?? 0;
  return { totalMs: (p.endTime - p.startTime) / 1000, idleMs, byFunction: sorted(byFunction), byOrigin: sorted(byOrigin) };
}

/** Top entries, with shares of the busy (non-idle) time. */
function render(entries: readonly Entry[], busyMs: number, top: number, title: string): string {
  return table(
    [{ title }, { title: "self ms", align: "right" }, { title: "% of busy", align: "right" }],
    entries
      .filter((e) => e.key !== "(idle)")
      .slice(0, top)
      .map((e) => [e.key, e.selfMs.toFixed(0), ((100 * e.selfMs) / busyMs).toFixed(1)]),
  );
}

function main(): void {
  const { values, positionals } = parseArgs({ args: process.argv.slice(2), options: { top: { type: "string" } }, allowPositionals: true });
  const top = values.top === undefined ? 25 : Number(values.top);
  if (positionals.length === 0) throw new Error("usage: node dist/bench/profile.js FILE.cpuprofile [--top N]");
  for (const file of positionals) {
    const s = summarise(JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile);
    const busyMs = s.totalMs - s.idleMs;
    process.stdout.write(`${file}: ${(s.totalMs / 1000).toFixed(2)} s profiled, ${(s.idleMs / 1000).toFixed(2)} s idle, ${(busyMs / 1000).toFixed(2)} s busy\n\n`);
    process.stdout.write(`${render(s.byOrigin, busyMs, top, "where")}\n\n${render(s.byFunction, busyMs, top, "function (self time)")}\n\n`);
  }
}

try {
  main();
} catch (e) {
  process.stderr.write(`profile: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
