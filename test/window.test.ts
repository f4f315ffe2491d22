import { describe, expect, it } from "vitest";
import { inWindow } from "../src/engine/window.js";

/** A promise and the functions that settle it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("inWindow", () => {
  it("starts items in order, at most `limit` unfinished at once, and waits for all", async () => {
    const gates = Array.from({ length: 7 }, deferred);
    const started: number[] = [];
    const finished: number[] = [];
    let running = 0;
    let most = 0;
    const done = inWindow([0, 1, 2, 3, 4, 5, 6], 3, async (i) => {
      started.push(i);
      running++;
      most = Math.max(most, running);
      await gates[i]?.promise;
      running--;
      finished.push(i);
    });
    await turn();
    expect(started).toEqual([0, 1, 2]);
    // A later item finishing first frees its lane for the next item, not an earlier one.
    gates[2]?.resolve();
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    for (const g of gates) g.resolve();
    await done;
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect([...finished].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it.each([1, 0, -2, 2.5, Number.NaN])("with a limit of %s runs one item at a time", async (limit) => {
    const log: string[] = [];
    await inWindow(["a", "b", "c"], limit, async (x) => {
      log.push(`start ${x}`);
      await turn();
      log.push(`end ${x}`);
    });
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });

  it("after a failure starts nothing more, and rejects with it once the started items have finished", async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = inWindow([0, 1, 2, 3, 4], 2, async (i) => {
      started.push(i);
      await turn();
      if (i === 1) throw new Error("item 1 failed");
      await turn();
      finished.push(i);
    });
    await expect(run).rejects.toThrow("item 1 failed");
    // Items 0 and 1 ran side by side; 1 failed while 0 was still running, and nothing started after.
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([0]);
  });

  it("resolves at once for no items", async () => {
    let calls = 0;
    await inWindow([], 8, async () => void calls++);
    expect(calls).toBe(0);
  });
});
