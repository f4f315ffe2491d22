/**
 * One large file of each kind, at two sizes: does deploylint's cost grow linearly within a file?
 * The corpus benchmark (run.ts) scales the number of files; this one scales what a single file
 * holds — commands under one `if`, `ExecStartPre=` lines, chained build stages and make targets,
 * suppression comments — where a walk that looks back over the whole file once per construct goes
 * quadratic. Prints figures; not a test (timings depend on the machine).
 *
 *   npm run build && node dist/bench/large-files.js [--size N] [--runs N]
 *
 * For each shape: the file at N and at 4N constructs, deploylint's median wall time on each
 * (bundled bin, JSON reporter, interleaved rounds), peak RSS, and the time ratio. Linear cost
 * gives a ratio of at most 4× (less, as start-up does not grow); a walk quadratic in the file
 * gives up to 16×.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cleanUp, interleaved, job, type Command } from "./measure.js";
import { millis, table, times } from "./table.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = path.join(ROOT, "dist", "bundle", "deploylint.js");

interface Shape {
  name: string;
  /** The file's name (deploylint recognises the kind by it). */
  file: string;
  text(n: number): string;
}

const lines = (n: number, line: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => line(i));

const SHAPES: readonly Shape[] = [
  {
    name: "shell: commands in one if, in a function",
    file: "deploy.sh",
    text: (n) =>
      ["#!/bin/sh", "deploy() {", '  if [ -n "$X" ]; then', ...lines(n, (i) => `    docker run --name app${i} img:${i} || echo "failed $(date) ${i}"`), "  fi", "}", "deploy", ""].join("\n"),
  },
  {
    name: "shell: a suppression comment per command",
    file: "suppressed.sh",
    text: (n) => ["#!/bin/sh", ...lines(n, (i) => `# deploylint-disable-next-line docker/run-missing-rm\ndocker run --name a${i} img`), ""].join("\n"),
  },
  {
    name: "systemd: ExecStartPre= lines with sh -c",
    file: "app.service",
    text: (n) => ["[Service]", ...lines(n, (i) => `ExecStartPre=/bin/sh -c "docker run --name app${i} img || true"`), "ExecStart=/usr/bin/app", ""].join("\n"),
  },
  {
    name: "upstart: lines of one script block",
    file: "app.conf",
    text: (n) => ['description "app"', "script", ...lines(n, (i) => `  docker run --name app${i} img:${i} || echo fail`), "end script", ""].join("\n"),
  },
  {
    name: "Dockerfile: RUN lines",
    file: "Dockerfile",
    text: (n) => ["FROM debian:12", ...lines(n, (i) => `RUN apt-get install -y pkg${i} && docker run --name x${i} img || true`), ""].join("\n"),
  },
  {
    name: "Dockerfile: stages, each copying from the one before",
    file: "Dockerfile",
    text: (n) => [...lines(n, (i) => `FROM debian:12 AS s${i}\nRUN make\nCOPY --from=s${Math.max(0, i - 1)} /a /b`), ""].join("\n"),
  },
  {
    name: "Makefile: targets, each needing the one before",
    file: "Makefile",
    text: (n) => [...lines(n, (i) => `t${i}:${i > 0 ? ` t${i - 1}` : ""}\n\tdocker run --name a${i} img`), ""].join("\n"),
  },
  {
    name: "C: guards in one function",
    file: "main.c",
    text: (n) => ["int f(int a) {", ...lines(n, (i) => `  if (a == ${i})\n    goto fail;\n    goto fail;`), "fail: return a; }", ""].join("\n"),
  },
];

function deploylint(label: string, file: string): Command {
  return { label, argv: [process.execPath, BIN, "-f", "json", "-j", "1", file], env: { DEPLOYLINT_BENCH_RSS: "1" }, captureRss: true, countFindings: true };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { size: { type: "string", default: "1000" }, runs: { type: "string", default: "3" } } });
  const size = Number(values.size);
  const runs = Number(values.runs);
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(runs) || runs < 1) throw new Error("--size and --runs take positive integers");
  if (!fs.existsSync(BIN)) throw new Error(`${path.relative(ROOT, BIN)} is missing: build first (npm run build)`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "deploylint-bench-large-"));
  const log = (msg: string): void => void process.stderr.write(`${msg}\n`);
  try {
    const rows: string[][] = [];
    for (const [k, shape] of SHAPES.entries()) {
      const files = [size, 4 * size].map((n) => {
        const dir = path.join(scratch, `${k}-${n}`);
        fs.mkdirSync(dir);
        const file = path.join(dir, shape.file);
        fs.writeFileSync(file, shape.text(n));
        return file;
      });
      log(shape.name);
      const [small, large] = await interleaved(
        files.map((f, i) => job(deploylint(`${i === 0 ? size : 4 * size} constructs`, f))),
        runs,
        log,
      );
      if (!small || !large) throw new Error(`no timings for ${shape.name}`);
      for (const t of [small, large]) if (t.failures.length > 0) throw new Error(`${shape.name}: deploylint failed: ${t.failures[0]}`);
      const kb = files.map((f) => (fs.statSync(f).size / 1024).toFixed(0));
      rows.push([
        shape.name,
        `${kb[0]} / ${kb[1]}`,
        `${millis(small.medianMs)} / ${millis(large.medianMs)}`,
        times(large.medianMs / small.medianMs),
        `${((small.peakRssKb ?? NaN) / 1024).toFixed(0)} / ${((large.peakRssKb ?? NaN) / 1024).toFixed(0)}`,
        `${small.findings ?? "?"} / ${large.findings ?? "?"}`,
      ]);
    }
    console.log(`deploylint on one large file, ${size} and ${4 * size} constructs (node ${process.version}, ${os.availableParallelism()} CPUs, median of ${runs} interleaved runs)\n`);
    console.log(
      table(
        [
          { title: "file", align: "left" },
          { title: "KB", align: "right" },
          { title: "ms", align: "right" },
          { title: "time ratio (4× the file)", align: "right" },
          { title: "peak RSS MB", align: "right" },
          { title: "findings", align: "right" },
        ],
        rows,
      ),
    );
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
    cleanUp();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
