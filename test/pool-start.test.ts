/**
 * A worker pool whose workers cannot all start (Node throws when a thread cannot be made: a
 * container's process limit, say) stops those it had started before the error leaves the
 * constructor: a started worker left running keeps the process alive, and the run would hang
 * after reporting the error instead of exiting.
 */
import { ALL_SOURCE } from "../src/engine/excerpt.js";
import { describe, expect, it } from "vitest";
import type { WorkerOptions } from "node:worker_threads";
import type { FileOutcome, FileTask } from "../src/engine/lint-file.js";
import {
  ONE_WORKER_YOUNG_MB,
  WORKER_YOUNG_MB,
  WorkerPool,
  type BatchRequest,
  type LintWorker,
  type WorkerInit,
  type WorkerRequest,
  type WorkerResponse,
} from "../src/engine/pool.js";
import type { ProjectFacts } from "../src/engine/project.js";

/** A stand-in for a started worker that counts how often it was stopped. */
function fakeWorker(): { worker: LintWorker; stops: () => number } {
  let stops = 0;
  const worker = {
    on() {
      return worker;
    },
    postMessage() {},
    terminate() {
      stops++;
      return Promise.resolve(0);
    },
  };
  return { worker: worker as unknown as LintWorker, stops: () => stops };
}

const INIT: WorkerInit = { selection: {}, maxBytes: 1 << 20, source: ALL_SOURCE };
const SCRIPT = new URL("file:///nonexistent/worker.js");

describe("a worker pool that cannot start every worker", () => {
  it("stops the workers it started and throws the error", () => {
    const started: ReturnType<typeof fakeWorker>[] = [];
    const failure = new Error("ERR_WORKER_INIT_FAILED: could not start a thread");
    const spawn = (): LintWorker => {
      if (started.length === 2) throw failure;
      const f = fakeWorker();
      started.push(f);
      return f.worker;
    };
    expect(() => new WorkerPool(SCRIPT, 4, INIT, undefined, spawn)).toThrow(failure);
    expect(started.map((f) => f.stops())).toEqual([1, 1]);
  });

  it("stops nothing when every worker starts", () => {
    const started: ReturnType<typeof fakeWorker>[] = [];
    const spawn = (): LintWorker => {
      const f = fakeWorker();
      started.push(f);
      return f.worker;
    };
    const pool = new WorkerPool(SCRIPT, 3, INIT, undefined, spawn);
    expect(started.map((f) => f.stops())).toEqual([0, 0, 0]);
    return pool.close().then(() => expect(started.map((f) => f.stops())).toEqual([1, 1, 1]));
  });
});

describe("a worker pool's heap limits", () => {
  /** The young-generation limit each started worker was given. */
  function youngLimits(size: number): (number | undefined)[] {
    const limits: (number | undefined)[] = [];
    const spawn = (_script: URL, options: WorkerOptions): LintWorker => {
      limits.push(options.resourceLimits?.maxYoungGenerationSizeMb);
      return fakeWorker().worker;
    };
    void new WorkerPool(SCRIPT, size, INIT, undefined, spawn).close();
    return limits;
  }

  it("one worker gets the larger nursery, each of several the smaller", () => {
    expect(youngLimits(1)).toEqual([ONE_WORKER_YOUNG_MB]);
    expect(youngLimits(2)).toEqual([WORKER_YOUNG_MB, WORKER_YOUNG_MB]);
    expect(ONE_WORKER_YOUNG_MB).toBeGreaterThan(WORKER_YOUNG_MB);
  });
});

describe("a worker pool's project facts", () => {
  it("go to each worker once; later batches say 'same'", () => {
    const sent: BatchRequest[] = [];
    let reply: ((res: WorkerResponse) => void) | undefined;
    const worker = {
      on(event: string, listener: (res: WorkerResponse) => void) {
        if (event === "message") reply = listener;
        return worker;
      },
      postMessage(req: WorkerRequest) {
        if (req.kind === "batch") sent.push(req);
      },
      terminate: () => Promise.resolve(0),
    };
    const pool = new WorkerPool(SCRIPT, 1, INIT, undefined, () => worker as unknown as LintWorker);
    pool.planCompilation(undefined);
    const task = (i: number, language: FileTask["language"]): FileTask => ({ path: `f${i}`, absPath: `/f${i}`, language, explicit: false });
    const answer = (batch: number) => reply?.({ kind: "batch", batch, outcomes: [{} as FileOutcome], held: 0 });
    const project: ProjectFacts = { entrypoints: new Set(["p/docker-run.sh"]) };
    pool.submit(0, task(0, "c"));
    answer(0);
    pool.submit(1, task(1, "shell"), project);
    answer(1);
    pool.submit(2, task(2, "dockerfile"), project);
    answer(2);
    pool.submit(3, task(3, "c"));
    expect(sent.map((r) => r.project)).toEqual([undefined, project, "same", undefined]);
    return pool.close();
  });
});
