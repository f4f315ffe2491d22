/**
 * A pool of lint worker threads fed from one queue. Files are handed out in small batches as
 * workers become free (a worker that drew large files simply takes fewer), and outcomes are
 * returned by task index, so the merged result does not depend on which worker finished first.
 *
 * Until the run has chosen how V8 compiles the WebAssembly (`planCompilation`), a worker lints
 * each file it can without parsing and holds the ones that need a tree-sitter parse, with their
 * text, reporting their size (`heldBytes`, which the choice is made on); the choice releases them.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker, type WorkerOptions } from "node:worker_threads";
import type { FixRequest } from "./autofix.js";
import type { SourceNeeds } from "./excerpt.js";
import { Fifo } from "./fifo.js";
import type { FileOutcome, FileTask } from "./lint-file.js";
import type { ProjectFacts } from "./project.js";
import type { RuleSelection } from "./registry.js";
import type { WasmPlan } from "../languages/wasm-compile.js";

export interface WorkerInit {
  selection: RuleSelection;
  maxBytes: number;
  /** `--fix`/`--fix-dry-run`: each worker fixes, re-lints and writes the files it lints. */
  fix?: FixRequest;
  /** What outcomes carry of the text of files with findings (`RunOptions.source`). */
  source: SourceNeeds;
}

export interface BatchRequest {
  kind: "batch";
  batch: number;
  tasks: FileTask[];
  /**
   * The tree-wide facts the tasks' rules use: none (C/C++ files), the facts themselves, or
   * "same", the facts last sent to this worker. A run has one set of facts, which can be large
   * (every Dockerfile's entrypoints), so each worker is sent it once, not with every batch.
   */
  project: ProjectFacts | "same" | undefined;
  /** Which WebAssembly V8 may optimise, once the run has chosen (before any file is parsed). */
  wasm: WasmPlan | undefined;
  /** The choice is not made yet: files that need a parse wait in the worker. */
  hold: boolean;
}

/** The choice is made: lint the files held, then answer with their outcomes in the order they were held. */
export interface ReleaseRequest {
  kind: "release";
  wasm: WasmPlan | undefined;
}

export type WorkerRequest = BatchRequest | ReleaseRequest;

export interface BatchResponse {
  kind: "batch";
  batch: number;
  /** By task; null: held (its outcome comes with the release). */
  outcomes: (FileOutcome | null)[];
  /** Characters of the texts held from this batch. */
  held: number;
}

export interface ReleaseResponse {
  kind: "released";
  outcomes: FileOutcome[];
}

export type WorkerResponse = BatchResponse | ReleaseResponse;

/** Old-generation heap of each worker, in MB (see the constructor). */
export const WORKER_HEAP_MB = 128;

/**
 * Young-generation heap of each worker, in MB. V8's default lets each worker's nursery grow to
 * ~48 MB; with 8 the 81 MB synthetic tree at `-j 2` peaked at 236 MB instead of 281–330 MB, in the
 * same time (more, cheaper scavenges).
 */
export const WORKER_YOUNG_MB = 8;

/**
 * Young-generation heap of a pool's only worker (`--jobs 1` on a large run), in MB: there is
 * memory for one larger nursery, and with 8 the one worker collects more often. The 81 MB tree
 * pinned to one core, a `-j 1` machine's case (interleaved rounds): with a SARIF report 36.98 s
 * with 8, 31.76 s with 32 and 32.38 s in the main thread, peak RSS 214, 209 and 282 MB (three
 * rounds); with JSON 33.92, 33.23 and 30.84 s, 180, 206 and 239 MB (two rounds).
 */
export const ONE_WORKER_YOUNG_MB = 32;

/** The young generation each worker of a pool of `size` gets, in MB. */
export function youngGenerationMb(size: number): number {
  return size === 1 ? ONE_WORKER_YOUNG_MB : WORKER_YOUNG_MB;
}

/**
 * Whether an error is Node's failure to start a worker thread (a process or thread limit): the
 * machine's limit, not a fault in the lint.
 */
export function isWorkerStartFailure(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === "ERR_WORKER_INIT_FAILED";
}

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

/** What the pool uses of a `Worker`. */
export type LintWorker = Pick<Worker, "on" | "postMessage" | "terminate">;

export class WorkerPool {
  private readonly workers: LintWorker[] = [];
  private readonly idle: LintWorker[] = [];
  private readonly queue = new Fifo<Queued>();
  private readonly inFlight = new Map<number, { indexes: number[]; worker: LintWorker }>();
  private readonly outcomes = new Map<number, FileOutcome>();
  private nextBatch = 0;
  private plan: WasmPlan | undefined;
  private planned = false;
  /** Per worker, the indexes of the files it holds, in the order it held them. */
  private readonly heldBy = new Map<LintWorker, number[]>();
  /** Per worker, the project facts last sent to it (see `BatchRequest.project`). */
  private readonly projectSent = new Map<LintWorker, ProjectFacts>();
  private submitted = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  /** Characters of text held by the workers so far: what the files that need a parse weigh. */
  heldBytes = 0;

  /**
   * `onHeld`: told `heldBytes` each time a batch held some. `spawn` starts one worker (tests pass
   * their own). Should one fail to start (a thread limit, say: Node throws), those already
   * started are stopped before the error is thrown: nothing is left to keep the process alive.
   */
  constructor(
    script: URL,
    size: number,
    init: WorkerInit,
    private readonly onHeld?: (heldBytes: number) => void,
    spawn: (script: URL, options: WorkerOptions) => LintWorker = (s, o) => new Worker(s, o),
  ) {
    try {
      for (let i = 0; i < size; i++) this.start(spawn, script, init, youngGenerationMb(size));
    } catch (e) {
      for (const w of this.workers) void w.terminate();
      throw e;
    }
  }

  private start(spawn: (script: URL, options: WorkerOptions) => LintWorker, script: URL, init: WorkerInit, youngMb: number): void {
    // A worker's live data is small (one file's text and findings at a time, and the texts it
    // holds until the WebAssembly choice: what the run wants found, 3 MB, and a batch more at
    // most, shared between the workers; trees live in WebAssembly memory): capping its JS
    // heap makes V8 collect garbage early instead of growing towards its default limit, which
    // kept peak RSS over 300 MB on large trees. Its nursery too (`youngGenerationMb`).
    const w = spawn(script, {
      workerData: init,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: youngMb },
    });
    w.on("message", (res: WorkerResponse) => (res.kind === "batch" ? this.done(w, res) : this.released(w, res)));
    w.on("error", (e) => this.fail(e));
    w.on("exit", (code) => {
      if (code !== 0 && !this.failure) this.fail(new Error(`a lint worker exited with code ${code}`));
    });
    this.workers.push(w);
    this.idle.push(w);
  }

  /**
   * Which WebAssembly the workers' V8 may optimise (undefined: nothing), chosen once: the held
   * files are released, and later batches carry the plan.
   */
  planCompilation(plan: WasmPlan | undefined): void {
    if (this.planned) return;
    this.planned = true;
    this.plan = plan;
    // Every worker, not only those known to hold files: a batch in flight may hold some, and the
    // worker answers it before this.
    const req: ReleaseRequest = { kind: "release", wasm: plan };
    for (const w of this.workers) w.postMessage(req);
  }

  /** Whether the WebAssembly choice is made. */
  get isPlanned(): boolean {
    return this.planned;
  }

  /**
   * Queues a file; `index` orders the outcomes. Before the choice is made, only C/C++ files: a
   * worker holds those that need a parse, and would parse any other file's shell at once.
   */
  submit(index: number, task: FileTask, project?: ProjectFacts): void {
    this.queue.push({ index, task, project });
    this.submitted++;
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as LintWorker;
      // Smaller batches as the queue drains, so the last files spread over every worker.
      const size = Math.max(1, Math.min(16, Math.floor(this.queue.length / (this.workers.length * 2))));
      const first = this.queue.peek() as Queued;
      const take: Queued[] = [];
      while (take.length < size && this.queue.length > 0 && (this.queue.peek() as Queued).project === first.project) {
        take.push(this.queue.take() as Queued);
      }
      const batch = this.nextBatch++;
      this.inFlight.set(batch, { indexes: take.map((q) => q.index), worker });
      const req: BatchRequest = { kind: "batch", batch, tasks: take.map((q) => q.task), project: this.projectFor(worker, first.project), wasm: this.plan, hold: !this.planned };
      worker.postMessage(req);
    }
  }

  private done(worker: LintWorker, res: BatchResponse): void {
    const sent = this.inFlight.get(res.batch);
    this.inFlight.delete(res.batch);
    sent?.indexes.forEach((idx, i) => {
      const o = res.outcomes[i];
      if (o) this.outcomes.set(idx, o);
      else if (o === null) this.heldOn(worker).push(idx);
    });
    this.idle.push(worker);
    this.dispatch();
    if (res.held > 0) {
      this.heldBytes += res.held;
      this.onHeld?.(this.heldBytes);
    }
    this.wake?.();
  }

  /** What a batch for `worker` says of `project`: "same" when the worker has it already. */
  private projectFor(worker: LintWorker, project: ProjectFacts | undefined): BatchRequest["project"] {
    if (project === undefined) return undefined;
    if (this.projectSent.get(worker) === project) return "same";
    this.projectSent.set(worker, project);
    return project;
  }

  private heldOn(worker: LintWorker): number[] {
    let list = this.heldBy.get(worker);
    if (!list) this.heldBy.set(worker, (list = []));
    return list;
  }

  private released(worker: LintWorker, res: ReleaseResponse): void {
    const held = this.heldBy.get(worker) ?? [];
    this.heldBy.delete(worker);
    if (held.length !== res.outcomes.length) return this.fail(new Error(`a lint worker released ${res.outcomes.length} files of ${held.length}`));
    held.forEach((idx, i) => this.outcomes.set(idx, res.outcomes[i] as FileOutcome));
    this.wake?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake?.();
  }

  /** Waits until every file submitted so far has been answered, linted or held: `heldBytes` is then final. */
  async quiet(): Promise<void> {
    await this.until(() => this.queue.length === 0 && this.inFlight.size === 0);
  }

  /** Waits for every submitted file (the choice must be made: held files wait for it); returns outcomes by index. */
  async drain(): Promise<Map<number, FileOutcome>> {
    if (!this.planned) throw new Error("the WebAssembly choice was not made before draining the pool");
    await this.until(() => this.outcomes.size >= this.submitted);
    return this.outcomes;
  }

  private async until(done: () => boolean): Promise<void> {
    while (!this.failure && !done()) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    this.wake = undefined;
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
