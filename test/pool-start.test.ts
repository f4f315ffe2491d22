/**
 * A worker pool whose workers cannot all start (Node throws when a thread cannot be made: a
 * container's process limit, say) stops those it had started before the error leaves the
 * constructor: a started worker left running keeps the process alive, and the run would hang
 * after reporting the error instead of exiting.
 */
import { ALL_SOURCE } from "../src/engine/excerpt.js";
import { describe, expect, it } from "vitest";
import { WorkerPool, type LintWorker, type WorkerInit } from "../src/engine/pool.js";

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
