/**
 * The one line the bin prints when a run fails: a usage error as it is, a worker thread Node
 * could not start (a thread or process limit) as the machine's limit with the way round it, and
 * anything else as an internal error.
 */
import { describe, expect, it } from "vitest";
import { failureLine, UsageError } from "../src/cli/main.js";

/** What Node throws from `new Worker` when it cannot make the thread (src/node_worker.cc). */
function workerInitFailure(): Error {
  return Object.assign(new Error("Worker initialization failure: EAGAIN"), { code: "ERR_WORKER_INIT_FAILED" });
}

describe("the line a failed run prints", () => {
  it("a usage error, as it is", () => {
    expect(failureLine(new UsageError("unknown rule 'x'"))).toBe("deploylint: unknown rule 'x'");
  });

  it("a worker thread that could not start: the limit, and --jobs 1", () => {
    expect(failureLine(workerInitFailure())).toBe(
      "deploylint: could not start a worker thread (Worker initialization failure: EAGAIN); try --jobs 1, which lints in one thread",
    );
  });

  it("anything else: an internal error, with its message", () => {
    expect(failureLine(new Error("boom"))).toBe("deploylint: internal error: boom");
    expect(failureLine("text")).toBe("deploylint: internal error: text");
    expect(failureLine(null)).toBe("deploylint: internal error: null");
  });
});
