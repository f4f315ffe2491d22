/**
 * Running commands and timing them: one child process per measurement, wall time from spawn
 * to exit, interleaved rounds (A B C, A B C, …) so that a machine that gets busier or quieter
 * during the bench shifts every command alike, and the median of each command's runs.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * One command to time. `captureRss` reads deploylint's `deploylint-maxrss-kb: N` from stderr;
 * `countFindings` reads its `-f json` report from stdout and counts the findings.
 */
export interface Command {
  label: string;
  argv: readonly string[];
  /** Added to the bench's own environment; a variable set to `undefined` is left out. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  captureRss?: boolean;
  countFindings?: boolean;
}

export interface RunSample {
  ms: number;
  /** User + system CPU time of the process and the children it waited for (from GNU time). */
  cpuMs: number | undefined;
  exitCode: number | null;
  rssKb: number | undefined;
  findings?: number | undefined;
  /** The end of stderr when deploylint exited 2 (an internal failure or an unreadable argument). */
  failure?: string | undefined;
}

export interface Timing {
  label: string;
  runs: number;
  medianMs: number;
  /** Median CPU time (user + system): steadier than wall time on a busy machine. */
  medianCpuMs: number | undefined;
  minMs: number;
  maxMs: number;
  /** The highest peak RSS any run reported (deploylint's own figure; for others, GNU time's: the largest process). */
  peakRssKb: number | undefined;
  exitCodes: number[];
  /** Findings reported by the last run (deploylint only), a check that the run linted something. */
  findings: number | undefined;
  /** What deploylint said on the runs that exited 2, if any. */
  failures: string[];
}

const RSS_LINE = /^deploylint-maxrss-kb: (\d+)\s*$/m;

/**
 * GNU time, when installed, wraps each command to report its CPU time and peak RSS (wait4's
 * rusage, which includes the children a driver like gcc waited for). Its own cost is a fork.
 */
const GNU_TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
let scratch: string | undefined;

function timeFile(): string {
  scratch ??= fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-bench-"));
  return path.join(scratch, "time.txt");
}

/** Removes the scratch directory the GNU time reports were written to. */
export function cleanUp(): void {
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

function wrapped(argv: readonly string[]): { argv: readonly string[]; report: string | undefined } {
  if (!GNU_TIME) return { argv, report: undefined };
  const report = timeFile();
  return { argv: [GNU_TIME, "-q", "-f", "%U %S %M", "-o", report, ...argv], report };
}

function readTimeReport(report: string | undefined): { cpuMs: number; rssKb: number } | undefined {
  if (!report) return undefined;
  try {
    const [user, sys, rss] = fs.readFileSync(report, "utf8").trim().split(/\s+/).map(Number);
    if (user === undefined || sys === undefined || rss === undefined || [user, sys, rss].some(Number.isNaN)) return undefined;
    return { cpuMs: (user + sys) * 1000, rssKb: rss };
  } catch {
    return undefined;
  }
}

const lastLines = (text: string, n: number): string => text.trim().split("\n").slice(-n).join(" / ");

function countJsonFindings(json: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.length : undefined;
  } catch {
    return undefined;
  }
}

/** Runs one command to completion: stdout discarded, stderr kept only when the RSS line is wanted. */
export function runOnce(cmd: Command): Promise<RunSample> {
  const { argv, report } = wrapped(cmd.argv);
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error(`empty command: ${cmd.label}`));
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(file, args, {
      cwd: cmd.cwd,
      env: { ...process.env, ...cmd.env },
      stdio: ["ignore", cmd.countFindings ? "pipe" : "ignore", cmd.captureRss ? "pipe" : "ignore"],
    });
    const out: Buffer[] = [];
    child.stdout?.on("data", (chunk: Buffer) => out.push(chunk));
    let tail = "";
    child.stderr?.setEncoding("utf8");
    // Keep only the end of stderr: the RSS line is written last, notices may be many.
    child.stderr?.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-4096);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const own = RSS_LINE.exec(tail);
      const t = readTimeReport(report);
      const findings = cmd.countFindings ? countJsonFindings(Buffer.concat(out).toString("utf8")) : undefined;
      const failure = cmd.captureRss && code !== 0 && code !== 1 ? lastLines(tail.replace(RSS_LINE, ""), 3) : undefined;
      resolve({ ms, cpuMs: t?.cpuMs, exitCode: code, rssKb: own ? Number(own[1]) : t?.rssKb, findings, failure });
    });
  });
}

/** Runs a sequence of commands one after another and times the whole sequence (gcc batches). */
export async function runSequence(cmds: readonly Command[]): Promise<RunSample> {
  const total: RunSample = { ms: 0, cpuMs: 0, exitCode: 0, rssKb: undefined };
  for (const cmd of cmds) {
    const s = await runOnce(cmd);
    total.ms += s.ms;
    total.cpuMs = total.cpuMs === undefined || s.cpuMs === undefined ? undefined : total.cpuMs + s.cpuMs;
    if (s.exitCode !== 0) total.exitCode = s.exitCode;
    if (s.rssKb !== undefined) total.rssKb = Math.max(total.rssKb ?? 0, s.rssKb);
  }
  return total;
}

/** A thing to time: one command, or a batch of commands timed as one. */
export interface Job {
  label: string;
  run: () => Promise<RunSample>;
}

export function job(cmd: Command): Job {
  return { label: cmd.label, run: () => runOnce(cmd) };
}

export function batchJob(label: string, cmds: readonly Command[]): Job {
  return { label, run: () => runSequence(cmds) };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function summarise(label: string, samples: readonly RunSample[]): Timing {
  const ms = samples.map((s) => s.ms);
  const rss = samples.flatMap((s) => (s.rssKb === undefined ? [] : [s.rssKb]));
  const cpu = samples.flatMap((s) => (s.cpuMs === undefined ? [] : [s.cpuMs]));
  return {
    label,
    runs: samples.length,
    medianMs: median(ms),
    medianCpuMs: cpu.length === samples.length ? median(cpu) : undefined,
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    peakRssKb: rss.length > 0 ? Math.max(...rss) : undefined,
    exitCodes: [...new Set(samples.map((s) => s.exitCode ?? -1))],
    findings: samples[samples.length - 1]?.findings,
    failures: [...new Set(samples.flatMap((s) => (s.failure === undefined ? [] : [s.failure])))],
  };
}

/**
 * Times every job `runs` times, interleaved: round 1 runs A, B, C; round 2 runs A, B, C again…
 * After round 1, the group gets only as many rounds as fit in `budgetMs` (at least one; the
 * Timing says how many it got), so a slow corpus cannot stretch the bench past its budget.
 * Returns one Timing per job, in the order given.
 */
export async function interleaved(jobs: readonly Job[], runs: number, progress: (msg: string) => void, budgetMs = Infinity): Promise<Timing[]> {
  const samples: RunSample[][] = jobs.map(() => []);
  let rounds = runs;
  for (let round = 1; round <= rounds; round++) {
    let roundMs = 0;
    for (const [i, j] of jobs.entries()) {
      const s = await j.run();
      (samples[i] as RunSample[]).push(s);
      roundMs += s.ms;
      const cpu = s.cpuMs === undefined ? "" : ` (cpu ${(s.cpuMs / 1000).toFixed(2)} s)`;
      progress(`  round ${round}/${rounds} ${j.label}: ${(s.ms / 1000).toFixed(2)} s${cpu}`);
    }
    if (round === 1) {
      const fit = Math.max(1, Math.min(runs, Math.floor(budgetMs / roundMs)));
      if (fit < runs) progress(`  (a round takes ${(roundMs / 1000).toFixed(0)} s: ${fit} round(s) fit this group's budget of ${(budgetMs / 1000).toFixed(0)} s)`);
      rounds = fit;
    }
  }
  return jobs.map((j, i) => summarise(j.label, samples[i] as RunSample[]));
}

/** Whether a program is on PATH (by asking the shell, as a user would find it). */
export function onPath(program: string): string | undefined {
  const r = spawnSync("sh", ["-c", `command -v ${program}`], { encoding: "utf8" });
  const found = r.stdout.trim();
  return r.status === 0 && found !== "" ? found : undefined;
}

/** The first line a program prints for `--version` (for the record). */
export function versionOf(program: string, flag = "--version"): string | undefined {
  const r = spawnSync(program, [flag], { encoding: "utf8" });
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`;
  const line = text.split("\n").find((l) => /\d+\.\d+/.test(l));
  return line?.trim();
}

/** Splits argv-borne file lists so that no command line exceeds `maxBytes` (well under ARG_MAX). */
export function batches(files: readonly string[], maxBytes = 96 * 1024): string[][] {
  const out: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const f of files) {
    const len = Buffer.byteLength(f) + 1;
    if (cur.length > 0 && size + len > maxBytes) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(f);
    size += len;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
