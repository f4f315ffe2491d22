/**
 * The steps of shell regions, kept per region text (see `regionSteps`): an unchanged region is
 * neither parsed nor walked again. One per `Linter` (never module-level). Least recently used
 * texts go first once the cache holds `maxEntries` texts or `maxChars` characters of text, so its
 * memory stays bounded (the steps take roughly ten times their text's size).
 */
import type { RegionStep } from "./commands.js";

export interface StepCacheLimits {
  /** Most texts kept. */
  maxEntries: number;
  /** Most characters of text kept, summed over the texts. */
  maxChars: number;
  /** Longer texts are not kept: one would push out many small ones and is rarely seen twice. */
  maxTextChars: number;
}

export const DEFAULT_STEP_CACHE_LIMITS: StepCacheLimits = { maxEntries: 4096, maxChars: 1_000_000, maxTextChars: 32_768 };

export class StepCache {
  /** Least recently used first (a Map iterates in insertion order; a hit moves its entry last). */
  private readonly entries = new Map<string, readonly RegionStep[]>();
  private chars = 0;

  constructor(private readonly limits: StepCacheLimits = DEFAULT_STEP_CACHE_LIMITS) {}

  get size(): number {
    return this.entries.size;
  }

  get(text: string): readonly RegionStep[] | undefined {
    const steps = this.entries.get(text);
    if (steps !== undefined) {
      this.entries.delete(text);
      this.entries.set(text, steps);
    }
    return steps;
  }

  set(text: string, steps: readonly RegionStep[]): void {
    if (text.length > this.limits.maxTextChars || this.entries.has(text)) return;
    this.entries.set(text, steps);
    this.chars += text.length;
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.entries.delete(k);
      this.chars -= k.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}
