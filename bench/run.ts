/**
 * `npm run bench`: prints figures, never asserts timings.
 *
 * For each corpus (the machine's C, the machine's shell scripts, the fixtures, a synthetic
 * deployment tree at 1×, 4× and 16×) it times deploylint at `-j 1` and `-j 2` and the anchor tool
 * on the same files, interleaved (A B C, A B C…) and takes the median; then single-file and
 * pre-commit-sized (20 files) latency. Progress goes to stderr, the tables to stdout.
 *
 *   node dist/bench/run.js [--quick] [--runs N] [--budget SECONDS] [--json FILE] [--only c,shell,fixtures,synthetic,latency]
 *
 * --runs N (default 5; --quick: 1) is how many rounds each group gets (the latency group at
 * least twice as many); --budget SECONDS (default: none) bounds a group's time instead, for a
 * quicker look, and a slow corpus then gets fewer rounds (the "runs" column says how many).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { clangTidyAnchor, gccAnchor, shellcheckAnchor, type AnchorSpec } from "./anchors.js";
import { fixtures, mb, synthetic, systemC, systemShell, type Corpus, type CorpusContext } from "./corpus.js";
import { cleanUp, interleaved, job, type Command, type Job, type Timing } from "./measure.js";
import { fixed, millis, rssMb, seconds, table, times } from "./table.js";
import { ONE_WORKER_FROM } from "../src/engine/run.js";

const SECTIONS = ["c", "shell", "fixtures", "synthetic", "latency"] as const;
type Section = (typeof SECTIONS)[number];

interface Settings {
  quick: boolean;
  runs: number;
  json: string | undefined;
  only: ReadonlySet<Section>;
  /** Bytes of C (sources first, then a sample of headers). */
  cCapBytes: number;
  /** Bytes of the larger C corpus that throughput is measured on (deploylint only). */
  cLargeCapBytes: number;
  /** Bytes of the C corpus that clang-tidy is timed on. */
  clangTidyCapBytes: number;
  shellMaxFiles: number;
  /** Projects in the 1× synthetic tree (about 55 KB each). */
  baseProjects: number;
  scales: readonly number[];
  /** Time one group (a corpus, its anchors) may take: rounds beyond it are dropped. */
  groupBudgetMs: number;
}

const SEED = 20151206;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "dist", "bundle", "deploylint.js");
const SAMPLE_C = path.join(ROOT, "examples", "src", "sslKeyExchange.c");
const LARGE_C = "system C, large";
const log = (msg: string): void => void process.stderr.write(`${msg}\n`);

const USAGE = `Usage: npm run bench -- [--quick] [--runs N] [--budget SECONDS] [--json FILE] [--only SECTIONS]
  --quick           one run, small corpora (a smoke test)
  --runs N          rounds per group (default 5)
  --budget SECONDS  time a group may take before its remaining rounds are dropped (default 0: no limit)
  --json FILE       also write the results as JSON to FILE
  --only SECTIONS   comma-separated: ${SECTIONS.join(",")}`;

function parseSettings(argv: readonly string[]): Settings | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean" },
      runs: { type: "string" },
      json: { type: "string" },
      only: { type: "string" },
      budget: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const quick = values.quick === true;
  const runs = values.runs === undefined ? (quick ? 1 : 5) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number ≥ 1, not '${values.runs}'`);
  const budget = values.budget === undefined ? 0 : Number(values.budget);
  if (!Number.isFinite(budget) || budget < 0) throw new Error(`--budget takes seconds (0: no limit), not '${values.budget}'`);
  const only = values.only === undefined ? SECTIONS : values.only.split(",").map((s) => s.trim());
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new Error(`--only: unknown section(s) ${unknown.join(", ")} (choose from ${SECTIONS.join(", ")})`);
  return {
    quick,
    runs,
    json: values.json,
    only: new Set(only as Section[]),
    cCapBytes: quick ? 1e6 : 3e6,
    cLargeCapBytes: quick ? 3e6 : 30e6,
    clangTidyCapBytes: quick ? 150e3 : 0.6e6,
    shellMaxFiles: quick ? 40 : 5000,
    baseProjects: quick ? 8 : 100,
    scales: [1, 4, 16],
    groupBudgetMs: budget === 0 ? Infinity : budget * 1000,
  };
}

// ---------------------------------------------------------------- the machine

interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** The commit deploylint was built from (`+dirty` when src/ has uncommitted changes). */
  commit: string;
  loadAtStart: number[];
  loadAtEnd?: number[];
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
    return m?.[1]?.trim() ?? os.cpus()[0]?.model ?? "unknown";
  } catch {
    return os.cpus()[0]?.model ?? "unknown";
  }
}

/** HEAD, with `+dirty` when what deploylint is built from (src/, the package files) has changes. */
function gitCommit(): string {
  const git = (args: string[]): string => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const head = git(["rev-parse", "--short", "HEAD"]);
  if (head === "") return "unknown";
  const dirty = git(["status", "--porcelain", "--untracked-files=no", "--", "src", "package.json", "package-lock.json"]);
  return dirty === "" ? head : `${head}+dirty`;
}

function machine(): Machine {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    commit: gitCommit(),
    loadAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

// ---------------------------------------------------------------- measuring a corpus

interface CorpusResult {
  name: string;
  files: number;
  bytes: number;
  note: string | undefined;
  j1: Timing;
  j2: Timing;
  /** `-j 1` with the whole process pinned to one CPU (`taskset`): what one core gives (largest synthetic tree only). */
  oneCore?: Timing;
  /** The reports users read (`-f text`, the default) and upload (`-f sarif`): largest synthetic tree only. */
  formats?: { format: ReportFormat; jobs: number; timing: Timing }[];
  anchors: AnchorResult[];
}

type ReportFormat = "text" | "sarif";

/**
 * The reports timed besides JSON (see `CorpusResult.formats`): each at `-j 2`, and SARIF, the
 * largest report, also at `-j 1` (a one-core machine's default), whose peak RSS is the highest.
 */
const REPORT_RUNS: readonly { format: ReportFormat; jobs: number }[] = [
  { format: "text", jobs: 2 },
  { format: "sarif", jobs: 2 },
  { format: "sarif", jobs: 1 },
];

interface AnchorResult {
  corpus: string;
  tool: string;
  version: string | undefined;
  files: number;
  bytes: number;
  timing: Timing;
  /** The anchor's time scaled per byte to the whole corpus (equal to the median when timed on all of it). */
  projectedMs: number;
  corpusBytes: number;
  ratioJ1: number;
  ratioJ2: number;
  /** The same ratio on CPU time (anchor CPU, scaled likewise, ÷ deploylint -j1 CPU). */
  cpuRatioJ1: number;
  target: number;
  note: string | undefined;
}

/**
 * deploylint with the JSON reporter (its findings are counted, a check that it linted something),
 * or with another report (`format`; its output is discarded).
 */
function deploylint(label: string, args: readonly string[], jobs?: number, env?: Command["env"], format?: ReportFormat): Command {
  const j = jobs === undefined ? [] : ["-j", String(jobs)];
  return {
    label,
    argv: [process.execPath, BIN, "-f", format ?? "json", ...j, ...args],
    env: { DEPLOYLINT_BENCH_RSS: "1", ...env },
    captureRss: true,
    countFindings: format === undefined,
    cwd: ROOT,
  };
}

/**
 * The command prefix that pins a process, and every thread it starts, to one CPU: `taskset -c N`
 * with N the first CPU this process may run on. Undefined when there is no second CPU to leave
 * out, or no `taskset` (util-linux) that works here.
 *
 * Why: `-j 1` is one lint thread, not one core. V8's optimising compiler and garbage collector
 * run on threads of their own, and on two cores they take the second one: at d84b6df a `-j 1`
 * run of the 81 MB tree used 1.13 CPU-seconds per second of wall time, and took 1.17× longer
 * pinned to one core (29.3 s against 25.0 s). So `-j 1` against `-j 2` on two cores measures
 * what a second worker adds, and a pinned `-j 1` against `-j 2` what a second core adds.
 */
function oneCorePrefix(): string[] | undefined {
  if (os.availableParallelism() < 2) return undefined;
  let cpu: string | undefined;
  try {
    cpu = /^Cpus_allowed_list:\s*(\d+)/m.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1];
  } catch {
    return undefined;
  }
  if (cpu === undefined) return undefined;
  const prefix = ["taskset", "-c", cpu];
  const probe = spawnSync(prefix[0] as string, [...prefix.slice(1), process.execPath, "-e", "0"], { stdio: "ignore" });
  return probe.status === 0 ? prefix : undefined;
}

/**
 * `pinned`: also `-j 1` pinned to one core, with this command prefix (see `oneCorePrefix`).
 * `formats`: also the text and SARIF reports (`REPORT_RUNS`).
 */
async function measureCorpus(
  corpus: Corpus,
  anchors: readonly AnchorSpec[],
  s: Settings,
  extra: { pinned?: readonly string[] | undefined; formats?: boolean } = {},
): Promise<CorpusResult> {
  log(`${corpus.name}: ${corpus.files.length} files, ${mb(corpus.bytes)} MB`);
  const { pinned } = extra;
  const onOneCore = (c: Command): Command => ({ ...c, label: `${c.label}, one core`, argv: [...(pinned ?? []), ...c.argv] });
  const formats = extra.formats ? REPORT_RUNS : [];
  const jobs: Job[] = [
    job(deploylint("deploylint -j 1", corpus.args, 1)),
    job(deploylint("deploylint -j 2", corpus.args, 2)),
    ...(pinned ? [job(onOneCore(deploylint("deploylint -j 1", corpus.args, 1)))] : []),
    ...formats.map((f) => job(deploylint(`deploylint -j ${f.jobs} -f ${f.format}`, corpus.args, f.jobs, undefined, f.format))),
    ...anchors.map((a) => a.job),
  ];
  const timings = await interleaved(jobs, s.runs, log, s.groupBudgetMs);
  const [j1, j2] = timings;
  const oneCore = pinned ? timings[2] : undefined;
  const formatTimings = timings.slice(pinned ? 3 : 2, (pinned ? 3 : 2) + formats.length);
  const anchorTimings = timings.slice((pinned ? 3 : 2) + formats.length);
  if (!j1 || !j2) throw new Error("missing deploylint timings");
  return {
    name: corpus.name,
    files: corpus.files.length,
    bytes: corpus.bytes,
    note: corpus.note,
    j1,
    j2,
    ...(oneCore ? { oneCore } : {}),
    ...(formats.length > 0 ? { formats: formats.map((f, i) => ({ ...f, timing: formatTimings[i] as Timing })) } : {}),
    anchors: anchors.map((a, i) => anchorResult(corpus, a, anchorTimings[i] as Timing, j1, j2)),
  };
}

function anchorResult(corpus: Corpus, a: AnchorSpec, timing: Timing, j1: Timing, j2: Timing): AnchorResult {
  const scale = corpus.bytes / a.bytes;
  const projectedMs = timing.medianMs * scale;
  const cpuRatioJ1 = timing.medianCpuMs !== undefined && j1.medianCpuMs !== undefined ? (timing.medianCpuMs * scale) / j1.medianCpuMs : Number.NaN;
  return {
    corpus: corpus.name,
    tool: a.tool,
    version: a.version,
    files: a.files.length,
    bytes: a.bytes,
    timing,
    projectedMs,
    corpusBytes: corpus.bytes,
    cpuRatioJ1,
    ratioJ1: projectedMs / j1.medianMs,
    ratioJ2: projectedMs / j2.medianMs,
    target: a.target,
    note: a.note,
  };
}

// ---------------------------------------------------------------- latency

interface LatencyTimings {
  node: Timing;
  oneFile: Timing;
  twentyFiles: Timing;
}

interface LatencyResult extends LatencyTimings {
  twentyFileNames: string[];
  /**
   * The same runs without `NODE_EXTRA_CA_CERTS`, when the bench's environment sets it: Node 20
   * reads and parses that certificate file as it starts, before any JavaScript runs, in every
   * process (~70 ms here for Debian's 144-certificate bundle), whether the program ever opens a
   * TLS connection or not.
   */
  withoutExtraCaCerts?: LatencyTimings;
}

/** The variable that makes every Node process on this machine start ~70 ms slower (see `LatencyResult`). */
const EXTRA_CA_CERTS = "NODE_EXTRA_CA_CERTS";

/**
 * Twenty files of the first synthetic projects (C, shell, Dockerfile, units, Makefile), copied to
 * a scratch directory: bench/.corpus is gitignored, and deploylint (like git) silently skips an
 * ignored file named on its command line.
 */
function preCommitFiles(tree: Corpus, scratch: string): string[] {
  const treeDir = tree.args[0] as string;
  return [...tree.files]
    .sort()
    .slice(0, 20)
    .map((f) => {
      const dest = path.join(scratch, path.relative(treeDir, f));
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(f, dest);
      return dest;
    });
}

async function measureLatency(tree: Corpus, s: Settings): Promise<LatencyResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-bench-precommit-"));
  try {
    const files = preCommitFiles(tree, scratch);
    const caCerts = process.env[EXTRA_CA_CERTS] !== undefined && process.env[EXTRA_CA_CERTS] !== "";
    log(`latency: node -e 0, deploylint on one file, deploylint on ${files.length} files${caCerts ? `; each also without ${EXTRA_CA_CERTS}` : ""}`);
    const commands = (env: Command["env"], note: string): Command[] => [
      { label: `node -e 0${note}`, argv: [process.execPath, "-e", "0"], ...(env ? { env } : {}) },
      deploylint(`deploylint one file${note}`, [SAMPLE_C], undefined, env),
      deploylint(`deploylint ${files.length} files${note}`, files, undefined, env),
    ];
    const asIs = commands(undefined, "");
    const without = caCerts ? commands({ [EXTRA_CA_CERTS]: undefined }, ` (no ${EXTRA_CA_CERTS})`) : [];
    const timings = await interleaved(
      [...asIs, ...without].map((c) => job(c)),
      Math.max(s.runs * 2, s.quick ? 3 : 10),
      log,
      s.groupBudgetMs,
    );
    const [node, oneFile, twentyFiles, node2, oneFile2, twentyFiles2] = timings;
    if (!node || !oneFile || !twentyFiles) throw new Error("missing latency timings");
    const withoutExtraCaCerts = node2 && oneFile2 && twentyFiles2 ? { node: node2, oneFile: oneFile2, twentyFiles: twentyFiles2 } : undefined;
    return { node, oneFile, twentyFiles, twentyFileNames: files.map((f) => path.relative(scratch, f)), ...(withoutExtraCaCerts ? { withoutExtraCaCerts } : {}) };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the report

interface Results {
  machine: Machine;
  settings: Omit<Settings, "only"> & { only: Section[] };
  corpora: CorpusResult[];
  latency: LatencyResult | undefined;
}

const flag = (t: Timing): string => (t.exitCodes.some((c) => c !== 0 && c !== 1) ? ` (exit ${t.exitCodes.join("/")})` : "");

/** The findings count; both counts when -j1 and -j2 disagree (they must not). */
function findingsCell(c: CorpusResult): string {
  const [a, b] = [c.j1.findings, c.j2.findings];
  if (a === undefined) return "n/a";
  return a === b ? String(a) : `${a} ≠ ${b ?? "n/a"}`;
}

const cpuSeconds = (t: Timing): string => (t.medianCpuMs === undefined ? "n/a" : seconds(t.medianCpuMs));

function deploylintTable(corpora: readonly CorpusResult[]): string {
  return table(
    [
      { title: "corpus" },
      { title: "files", align: "right" },
      { title: "MB", align: "right" },
      { title: "-j1 s", align: "right" },
      { title: "-j2 s", align: "right" },
      { title: "t1/t2", align: "right" },
      { title: "MB/s -j1", align: "right" },
      { title: "cpu s -j1", align: "right" },
      { title: "cpu s -j2", align: "right" },
      { title: "peak RSS MB -j1/-j2", align: "right" },
      { title: "findings", align: "right" },
      { title: "runs", align: "right" },
    ],
    corpora.map((c) => [
      c.name,
      String(c.files),
      mb(c.bytes),
      seconds(c.j1.medianMs) + flag(c.j1),
      seconds(c.j2.medianMs) + flag(c.j2),
      times(c.j1.medianMs / c.j2.medianMs),
      fixed(c.bytes / 1e6 / (c.j1.medianMs / 1000), 2),
      cpuSeconds(c.j1),
      cpuSeconds(c.j2),
      `${rssMb(c.j1.peakRssKb)} / ${rssMb(c.j2.peakRssKb)}`,
      findingsCell(c),
      String(c.j1.runs),
    ]),
  );
}

function anchorTable(anchors: readonly AnchorResult[]): string {
  return table(
    [
      { title: "corpus" },
      { title: "anchor" },
      { title: "timed on", align: "right" },
      { title: "anchor s", align: "right" },
      { title: "anchor s, whole corpus", align: "right" },
      { title: "÷ deploylint -j1", align: "right" },
      { title: "÷ deploylint -j2", align: "right" },
      { title: "cpu ÷ cpu -j1", align: "right" },
      { title: "target", align: "right" },
      { title: "runs", align: "right" },
    ],
    anchors.map((a) => [
      a.corpus,
      `${a.tool}${a.version ? ` (${shortVersion(a.version)})` : ""}`,
      `${a.files} files, ${mb(a.bytes)} MB`,
      seconds(a.timing.medianMs),
      seconds(a.projectedMs) + (a.bytes < a.corpusBytes ? " (scaled)" : ""),
      times(a.ratioJ1),
      times(a.ratioJ2),
      times(a.cpuRatioJ1),
      `≥${a.target}×`,
      String(a.timing.runs),
    ]),
  );
}

const shortVersion = (v: string): string => /\d+\.\d+(\.\d+)?/.exec(v)?.[0] ?? v;

function scalingTable(synth: readonly CorpusResult[]): string {
  const base = synth[0];
  if (!base) return "";
  return table(
    [
      { title: "tree" },
      { title: "files", align: "right" },
      { title: "MB", align: "right" },
      { title: "byte ratio", align: "right" },
      { title: "time ratio -j1", align: "right" },
      { title: "time ratio -j2", align: "right" },
      { title: "MB/s -j1", align: "right" },
      { title: "MB/s -j2", align: "right" },
      { title: "MB per cpu-s -j1", align: "right" },
      { title: "t1/t2", align: "right" },
      { title: "peak RSS MB -j1/-j2", align: "right" },
      { title: "runs", align: "right" },
    ],
    synth.map((c) => [
      c.name,
      String(c.files),
      mb(c.bytes),
      times(c.bytes / base.bytes),
      times(c.j1.medianMs / base.j1.medianMs),
      times(c.j2.medianMs / base.j2.medianMs),
      fixed(c.bytes / 1e6 / (c.j1.medianMs / 1000), 2),
      fixed(c.bytes / 1e6 / (c.j2.medianMs / 1000), 2),
      c.j1.medianCpuMs === undefined ? "n/a" : fixed(c.bytes / 1e6 / (c.j1.medianCpuMs / 1000), 2),
      times(c.j1.medianMs / c.j2.medianMs),
      `${rssMb(c.j1.peakRssKb)} / ${rssMb(c.j2.peakRssKb)}`,
      String(c.j1.runs),
    ]),
  );
}

/** Throughput once start-up is paid: extra bytes ÷ extra time between the smallest and largest tree. */
function marginal(synth: readonly CorpusResult[], ms: (c: CorpusResult) => number | undefined): number {
  const a = synth[0];
  const b = synth[synth.length - 1];
  if (!a || !b || a === b) return Number.NaN;
  return (b.bytes - a.bytes) / 1e6 / (((ms(b) ?? Number.NaN) - (ms(a) ?? Number.NaN)) / 1000);
}

/** The largest synthetic tree at -j1 on one core and on two, and at -j2 on two. */
function coresTable(c: CorpusResult, oneCore: Timing, cores: number): string {
  const row = (what: string, t: Timing): string[] => [
    what,
    seconds(t.medianMs) + flag(t),
    cpuSeconds(t),
    t.medianCpuMs === undefined ? "n/a" : fixed(t.medianCpuMs / t.medianMs, 2),
    times(t.medianMs / c.j2.medianMs),
    rssMb(t.peakRssKb),
    t.findings === undefined ? "n/a" : String(t.findings),
    String(t.runs),
  ];
  return table(
    [
      { title: `${c.name}, ${mb(c.bytes)} MB` },
      { title: "s", align: "right" },
      { title: "cpu s", align: "right" },
      { title: "cores busy", align: "right" },
      { title: "÷ -j2", align: "right" },
      { title: "peak RSS MB", align: "right" },
      { title: "findings", align: "right" },
      { title: "runs", align: "right" },
    ],
    [row("-j 1, pinned to one core", oneCore), row(`-j 1, all ${cores} cores`, c.j1), row(`-j 2, all ${cores} cores`, c.j2)],
  );
}

/** The largest synthetic tree with each report; "÷ json" against the JSON run at the same `-j`. */
function formatsTable(c: CorpusResult, formats: NonNullable<CorpusResult["formats"]>): string {
  const json = (jobs: number): Timing => (jobs === 1 ? c.j1 : c.j2);
  const row = (jobs: number, format: string, t: Timing): string[] => [
    `-j ${jobs} -f ${format}`,
    seconds(t.medianMs) + flag(t),
    cpuSeconds(t),
    times(t.medianMs / json(jobs).medianMs),
    rssMb(t.peakRssKb),
    String(t.runs),
  ];
  const jobsTimed = [...new Set(formats.map((f) => f.jobs))].sort((a, b) => b - a);
  return table(
    [
      { title: `${c.name}, ${mb(c.bytes)} MB` },
      { title: "s", align: "right" },
      { title: "cpu s", align: "right" },
      { title: "÷ json", align: "right" },
      { title: "peak RSS MB", align: "right" },
      { title: "runs", align: "right" },
    ],
    jobsTimed.flatMap((jobs) => [
      row(jobs, "json", json(jobs)),
      ...formats.filter((f) => f.jobs === jobs).map((f) => row(jobs, f.format, f.timing)),
    ]),
  );
}

function latencyTable(l: LatencyResult): string {
  const row = (what: string, t: Timing, target: string): string[] => [
    what,
    millis(t.medianMs) + flag(t),
    millis(t.minMs),
    t.medianCpuMs === undefined ? "n/a" : millis(t.medianCpuMs),
    rssMb(t.peakRssKb),
    target,
    String(t.runs),
  ];
  return table(
    [
      { title: "run" },
      { title: "median ms", align: "right" },
      { title: "min ms", align: "right" },
      { title: "cpu ms", align: "right" },
      { title: "peak RSS MB", align: "right" },
      { title: "target" },
      { title: "runs", align: "right" },
    ],
    [
      ...rows(l, ""),
      ...(l.withoutExtraCaCerts ? rows(l.withoutExtraCaCerts, `, without ${EXTRA_CA_CERTS}`) : []),
    ],
  );
  function rows(t: LatencyTimings, note: string): string[][] {
    return [
      row(`node -e 0 (bare Node start-up${note})`, t.node, ""),
      row(`deploylint examples/src/sslKeyExchange.c${note}`, t.oneFile, "≤150 ms"),
      row(`deploylint on ${l.twentyFileNames.length} files (pre-commit; ${t.twentyFiles.findings ?? "?"} findings${note})`, t.twentyFiles, "≤250 ms"),
    ];
  }
}

/** CPU time when GNU time measured it (steadier on a busy machine), else wall time. */
const cost = (t: Timing): number => t.medianCpuMs ?? t.medianMs;

/**
 * How the cost of one more MB changes with size: (Δcost/ΔB from the second-largest to the
 * largest tree) ÷ (Δcost/ΔB from the smallest to the next), at -j1. 1 is linear; start-up cancels out.
 */
function costGrowth(synth: readonly CorpusResult[]): number {
  if (synth.length < 3) return Number.NaN;
  const step = (a: CorpusResult, b: CorpusResult): number => (cost(b.j1) - cost(a.j1)) / (b.bytes - a.bytes);
  return step(synth[synth.length - 2] as CorpusResult, synth[synth.length - 1] as CorpusResult) / step(synth[0] as CorpusResult, synth[1] as CorpusResult);
}

interface Verdict {
  target: string;
  figure: string;
  met: boolean | undefined;
}

function verdicts(r: Results): Verdict[] {
  const out: Verdict[] = [];
  for (const a of r.corpora.flatMap((c) => c.anchors)) {
    out.push({
      target: `${a.corpus}: ${a.tool.split(" ")[0]} time ÷ deploylint -j1 time ≥ ${a.target}× (cpu-time ratio in brackets)`,
      figure: `${times(a.ratioJ1)} (${times(a.cpuRatioJ1)})`,
      met: a.ratioJ1 >= a.target,
    });
  }
  const synth = r.corpora.filter((c) => c.name.startsWith("synthetic"));
  const largest = synth[synth.length - 1];
  if (largest) {
    const sp = largest.j1.medianMs / largest.j2.medianMs;
    out.push({ target: `2-worker speedup t1/t2 on ${largest.name} ≥ 1.6× (both runs on all ${r.machine.cores} cores)`, figure: times(sp), met: sp >= 1.6 });
    if (largest.oneCore) {
      const cores = largest.oneCore.medianMs / largest.j2.medianMs;
      out.push({ target: `2-core speedup on ${largest.name} ≥ 1.6× (-j1 pinned to one core ÷ -j2 on all ${r.machine.cores})`, figure: times(cores), met: cores >= 1.6 });
    }
    const lin = costGrowth(synth);
    if (Number.isFinite(lin)) {
      out.push({ target: "cost linear in bytes: (cpu) seconds per extra MB at -j1, top step ÷ first step ≤ 1.2", figure: fixed(lin, 2), met: lin <= 1.2 });
    }
  }
  const rss = r.corpora
    .flatMap((c) => [c.j1.peakRssKb, c.j2.peakRssKb, c.oneCore?.peakRssKb, ...(c.formats ?? []).map((f) => f.timing.peakRssKb)])
    .filter((x): x is number => x !== undefined);
  if (rss.length > 0) out.push({ target: "peak RSS ≤ 300 MB on every corpus", figure: `${rssMb(Math.max(...rss))} MB`, met: Math.max(...rss) <= 300 * 1024 });
  for (const c of r.corpora.filter((x) => x.name === "system C" || x.name === LARGE_C)) {
    const perCpu = c.j1.medianCpuMs === undefined ? "" : `; ${fixed(c.bytes / 1e6 / (c.j1.medianCpuMs / 1000), 2)} MB per cpu-s`;
    const mbps = c.bytes / 1e6 / (c.j1.medianMs / 1000);
    out.push({
      target: `C throughput per core ≥ 5 MB/s (bytes ÷ -j1 wall time), ${c.name}, ${fixed(c.bytes / 1e6, 1)} MB`,
      figure: `${fixed(mbps, 2)} MB/s${perCpu}`,
      met: mbps >= 5,
    });
  }
  if (r.latency) {
    const l = r.latency;
    const without = l.withoutExtraCaCerts;
    const asIs = without ? ` (${EXTRA_CA_CERTS} set, as in this environment)` : "";
    out.push({ target: `single-file latency ≤ 150 ms${asIs}`, figure: `${millis(l.oneFile.medianMs)} ms`, met: l.oneFile.medianMs <= 150 });
    out.push({ target: `20-file run ≤ 250 ms${asIs}`, figure: `${millis(l.twentyFiles.medianMs)} ms`, met: l.twentyFiles.medianMs <= 250 });
    if (without) {
      out.push({ target: `single-file latency ≤ 150 ms (without ${EXTRA_CA_CERTS})`, figure: `${millis(without.oneFile.medianMs)} ms`, met: without.oneFile.medianMs <= 150 });
      out.push({ target: `20-file run ≤ 250 ms (without ${EXTRA_CA_CERTS})`, figure: `${millis(without.twentyFiles.medianMs)} ms`, met: without.twentyFiles.medianMs <= 250 });
    }
  }
  return out;
}

function report(r: Results): string {
  const m = r.machine;
  const parts: string[] = [
    `deploylint bench (commit ${m.commit}) — ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.os}`,
    `load average at start ${m.loadAtStart.join(" ")}, at end ${(m.loadAtEnd ?? []).join(" ")}; median of interleaved runs${r.settings.quick ? " (--quick: one run, small corpora)" : ""}`,
  ];
  const load = Math.max(...m.loadAtStart.slice(0, 1), ...(m.loadAtEnd ?? []).slice(0, 1));
  if (load > m.cores) parts.push(`NOTE: the machine was busy (load ${fixed(load, 1)} on ${m.cores} cores): wall times are inflated; the cpu columns are steadier.`);
  parts.push("");
  if (r.corpora.length > 0) {
    parts.push("## deploylint", "", deploylintTable(r.corpora), "");
    for (const c of r.corpora) if (c.note) parts.push(`- ${c.name}: ${c.note}`);
    for (const c of r.corpora) {
      for (const t of [c.j1, c.j2, ...(c.oneCore ? [c.oneCore] : []), ...(c.formats ?? []).map((f) => f.timing)]) for (const f of t.failures) parts.push(`- ${c.name}, ${t.label} exited 2: ${f}`);
    }
    parts.push("");
  }
  const anchors = r.corpora.flatMap((c) => c.anchors);
  if (anchors.length > 0) {
    parts.push("## anchors (same files; ratio = anchor time ÷ deploylint time)", "", anchorTable(anchors), "");
    for (const a of anchors) if (a.note) parts.push(`- ${a.tool}: ${a.note}`);
    parts.push("");
  }
  const synth = r.corpora.filter((c) => c.name.startsWith("synthetic"));
  if (synth.length > 1) {
    parts.push("## scaling (synthetic tree)", "", scalingTable(synth), "");
    const [w1, w2, c1] = [marginal(synth, (c) => c.j1.medianMs), marginal(synth, (c) => c.j2.medianMs), marginal(synth, (c) => c.j1.medianCpuMs)];
    parts.push(`- marginal throughput (extra MB ÷ extra seconds, smallest → largest tree, start-up cancelled): ${fixed(w1, 2)} MB/s at -j1, ${fixed(w2, 2)} MB/s at -j2, ${fixed(c1, 2)} MB per cpu-s at -j1`, "");
  }
  const pinned = synth.find((c) => c.oneCore);
  if (pinned?.oneCore) {
    parts.push("## one core against two", "", coresTable(pinned, pinned.oneCore, r.machine.cores), "");
    parts.push("- one core: the whole process pinned with taskset, V8's compiler and collector threads included; cores busy = cpu s ÷ s");
    if (pinned.files >= ONE_WORKER_FROM) parts.push(`- -j 1 on ${pinned.files} files: one worker thread lints (from ${ONE_WORKER_FROM} files), the main thread discovers and reports`);
    parts.push("");
  }
  const formatted = synth.find((c) => c.formats);
  if (formatted?.formats) {
    parts.push("## report formats", "", formatsTable(formatted, formatted.formats), "");
    parts.push("- the bench's other runs report JSON; text is the default report, SARIF what code scanning uploads", "");
  }
  if (r.latency) parts.push("## latency", "", latencyTable(r.latency), "");
  const v = verdicts(r);
  if (v.length > 0) {
    const mark = (x: Verdict): string => (x.met === undefined ? "—" : x.met ? "met" : "NOT met");
    parts.push("## targets", "", table([{ title: "target" }, { title: "figure", align: "right" }, { title: "" }], v.map((x) => [x.target, x.figure, mark(x)])), "");
  }
  return parts.join("\n");
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const s = parseSettings(process.argv.slice(2));
  if (!s) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!fs.existsSync(BIN)) throw new Error(`${path.relative(ROOT, BIN)} is missing: build first (npm run build)`);
  const started = Date.now();
  const ctx: CorpusContext = { root: ROOT, corpusDir: path.join(ROOT, "bench", ".corpus"), seed: SEED, log };
  const results: Results = { machine: machine(), settings: { ...s, only: [...s.only] }, corpora: [], latency: undefined };

  if (s.only.has("c")) {
    const c = systemC(ctx, s.cCapBytes);
    const anchors = [gccAnchor(c), clangTidyAnchor(c, s.clangTidyCapBytes, SEED)].filter((a): a is AnchorSpec => a !== undefined);
    results.corpora.push(await measureCorpus(c, anchors, s));
    // The anchors take minutes per round on 3 MB; throughput is measured on ten times more, alone.
    results.corpora.push(await measureCorpus(systemC(ctx, s.cLargeCapBytes, LARGE_C), [], s));
  }
  if (s.only.has("shell")) {
    const sh = systemShell(ctx, s.shellMaxFiles);
    results.corpora.push(await measureCorpus(sh, [shellcheckAnchor(sh)].filter((a): a is AnchorSpec => a !== undefined), s));
  }
  if (s.only.has("fixtures")) results.corpora.push(await measureCorpus(fixtures(ctx), [], s));
  if (s.only.has("synthetic")) {
    // One core against two is measured on the largest tree only (a pinned -j 1 round there takes ~30 s).
    const pinned = oneCorePrefix();
    if (!pinned) log("one core: no taskset here (or one CPU): the pinned -j 1 run is left out");
    const largest = s.scales[s.scales.length - 1];
    for (const scale of s.scales) {
      const extra = scale === largest ? { pinned, formats: true } : {};
      results.corpora.push(await measureCorpus(synthetic(ctx, `${scale}x`, s.baseProjects * scale), [], s, extra));
    }
  }
  if (s.only.has("latency")) results.latency = await measureLatency(synthetic(ctx, "1x", s.baseProjects), s);

  results.machine.loadAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
  process.stdout.write(`${report(results)}\n`);
  if (s.json) fs.writeFileSync(s.json, `${JSON.stringify(results, null, 2)}\n`);
  cleanUp();
  log(`bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  cleanUp();
  log(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 2;
});

