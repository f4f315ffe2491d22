/** The pool's queue: first in, first out, over long runs and interleaved pushes. */
import { describe, expect, it } from "vitest";
import { Fifo } from "../src/engine/fifo.js";

describe("Fifo", () => {
  it("gives items back in the order they came, and undefined when empty", () => {
    const q = new Fifo<number>();
    expect(q.take()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    q.push(1);
    q.push(2);
    expect(q.length).toBe(2);
    expect(q.peek()).toBe(1);
    expect(q.take()).toBe(1);
    q.push(3);
    expect([q.take(), q.take(), q.take()]).toEqual([2, 3, undefined]);
    expect(q.length).toBe(0);
  });

  it("keeps the order across its compactions, with pushes between takes", () => {
    const q = new Fifo<number>();
    const out: number[] = [];
    let next = 0;
    // Pushes 30,000 and takes two for every three pushed, then drains: past the 1,024-item
    // compaction point many times, at different fill levels.
    for (let round = 0; round < 10_000; round++) {
      for (let i = 0; i < 3; i++) q.push(next++);
      for (let i = 0; i < 2; i++) out.push(q.take() as number);
      expect(q.length).toBe(next - out.length);
    }
    while (q.length > 0) out.push(q.take() as number);
    expect(out).toEqual(Array.from({ length: 30_000 }, (_, i) => i));
  });
});
