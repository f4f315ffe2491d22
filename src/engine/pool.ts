/**
 * A pool of lint worker threads fed from one queue. Files are handed out in small batches as
 * workers become free (a worker that drew large files simply takes fewer), and outcomes are
 * returned by task index, so the merged result does not depend on which worker finished first.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { FixRequest } from "./autofix.js";
import type { FileOutcome, FileTask } from "./lint-file.js";
import type { ProjectFacts } from "./project.js";
import type { RuleSelection } from "./registry.js";
import type { WasmPlan } from "../languages/wasm-compile.js";

export interface WorkerInit {
  selection: RuleSelection;
  maxBytes: number;
  /** `--fix`/`--fix-dry-run`: each worker fixes, re-lints and writes the files it lints. */
  fix?: FixRequest;
}

export interface BatchRequest {
  batch: number;
  tasks: FileTask[];
  project: ProjectFacts | undefined;
  /** Which WebAssembly V8 may optimise, once the run has chosen (before any file is parsed). */
  wasm: WasmPlan | undefined;
}

export interface BatchResponse {
  batch: number;
  outcomes: FileOutcome[];
}

/** Old-generation heap of each worker, in MB (see the constructor). */
export const WORKER_HEAP_MB = 128;

/**
 * Young-generation heap of each worker, in MB. V8's default lets each worker's nursery grow to
 * ~48 MB; with 8 the 81 MB synthetic tree at `-j 2` peaked at 236 MB instead of 281–330 MB, in the
 * same time (more, cheaper scavenges).
 */
export const WORKER_YOUNG_MB = 8;

/** The compiled worker script, or undefined when running from TypeScript sources (tests). */
export function workerScript(): URL | undefined {
  const url = new URL("./worker.js", import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

interface Queued {
  index: number;
  task: FileTask;
  project: ProjectFacts | undefined;
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Queued[] = [];
  private readonly inFlight = new Map<number, { indexes: number[]; worker: Worker }>();
  private readonly outcomes = new Map<number, FileOutcome>();
  private nextBatch = 0;
  private plan: WasmPlan | undefined;
  private submitted = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(script: URL, size: number, init: WorkerInit) {
    for (let i = 0; i < size; i++) {
      // A worker's live data is small (one file's text and findings at a time; trees live in
      // WebAssembly memory): capping its JS heap makes V8 collect garbage early instead of
      // growing towards its default limit, which kept peak RSS over 300 MB on large trees. Its
      // nursery too (WORKER_YOUNG_MB).
      const w = new Worker(script, {
        workerData: init,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      w.on("message", (res: BatchResponse) => this.done(w, res));
      w.on("error", (e) => this.fail(e));
      w.on("exit", (code) => {
        if (code !== 0 && !this.failure) this.fail(new Error(`a lint worker exited with code ${code}`));
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Which WebAssembly the workers' V8 may optimise; set before the first file is submitted. */
  planCompilation(plan: WasmPlan): void {
    this.plan = plan;
  }

  /** Queues a file; `index` orders the outcomes. */
  submit(index: number, task: FileTask, project?: ProjectFacts): void {
    this.queue.push({ index, task, project });
    this.submitted++;
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      // Smaller batches as the queue drains, so the last files spread over every worker.
      const size = Math.max(1, Math.min(16, Math.floor(this.queue.length / (this.workers.length * 2))));
      const first = this.queue[0] as Queued;
      const take: Queued[] = [];
      while (take.length < size && this.queue.length > 0 && (this.queue[0] as Queued).project === first.project) {
        take.push(this.queue.shift() as Queued);
      }
      const batch = this.nextBatch++;
      this.inFlight.set(batch, { indexes: take.map((q) => q.index), worker });
      const req: BatchRequest = { batch, tasks: take.map((q) => q.task), project: first.project, wasm: this.plan };
      worker.postMessage(req);
    }
  }

  private done(worker: Worker, res: BatchResponse): void {
    const sent = this.inFlight.get(res.batch);
    this.inFlight.delete(res.batch);
    sent?.indexes.forEach((idx, i) => {
      const o = res.outcomes[i];
      if (o) this.outcomes.set(idx, o);
    });
    this.idle.push(worker);
    this.dispatch();
    this.wake?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  /** Waits for every submitted file; returns outcomes by index. */
  async drain(): Promise<Map<number, FileOutcome>> {
    while (!this.failure && this.outcomes.size < this.submitted) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    this.wake = undefined;
    if (this.failure) throw this.failure;
    return this.outcomes;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
