/**
 * Text assembled from pieces of a host file, with a piecewise map back to the host.
 *
 * Adapters build the text a shell (or Docker, or systemd) will see — continuations joined,
 * comment lines dropped, quotes and escapes removed — and keep, for every character that was
 * copied from the host, where it came from. Characters the extraction synthesised (a space that
 * replaced a `\`-newline, the newline a `\n` escape stands for) are left out of the map: they sit
 * in a gap, and `toHost` maps a gap to the end of the segment before it (see `regions.ts`).
 *
 * Invariant kept by every adapter that builds one: a mapped character is the very character found
 * at its host offset. Only synthesised characters differ from the host, and they are unmapped.
 *
 * Shared by the Dockerfile and systemd adapters (and usable by any other host adapter).
 */
import { toHost, type Segment } from "./regions.js";

export interface MappedText {
  readonly text: string;
  /** Sorted, non-overlapping, host offsets increasing with region offsets. */
  readonly map: readonly Segment[];
}

/** Accumulates a MappedText; adjacent pieces that are adjacent in the host merge into one segment. */
export class MappedTextBuilder {
  private text = "";
  private readonly map: Segment[] = [];

  get length(): number {
    return this.text.length;
  }

  /** Appends `chunk`, which is the host text at `hostStart`. */
  appendHost(chunk: string, hostStart: number): void {
    if (chunk.length === 0) return;
    const last = this.map[this.map.length - 1];
    if (last && last.regionStart + last.length === this.text.length && last.hostStart + last.length === hostStart) {
      last.length += chunk.length;
    } else {
      this.map.push({ regionStart: this.text.length, hostStart, length: chunk.length });
    }
    this.text += chunk;
  }

  /** Appends text that is not in the host at all (it stays unmapped). */
  appendSynthetic(chunk: string): void {
    this.text += chunk;
  }

  /** Appends `[start, end)` of another mapped text, keeping its mapping (and its gaps). */
  appendMapped(source: MappedText, start = 0, end = source.text.length): void {
    let at = start;
    for (const seg of source.map) {
      const segEnd = seg.regionStart + seg.length;
      if (segEnd <= at) continue;
      if (seg.regionStart >= end) break;
      if (seg.regionStart > at) {
        this.appendSynthetic(source.text.slice(at, seg.regionStart));
        at = seg.regionStart;
      }
      const stop = Math.min(segEnd, end);
      this.appendHost(source.text.slice(at, stop), seg.hostStart + (at - seg.regionStart));
      at = stop;
    }
    if (at < end) this.appendSynthetic(source.text.slice(at, end));
  }

  build(): MappedText {
    return { text: this.text, map: this.map.map((s) => ({ ...s })) };
  }
}

/** `[start, end)` of a mapped text as a mapped text of its own (offsets rebased to 0). */
export function sliceMapped(source: MappedText, start: number, end: number): MappedText {
  const b = new MappedTextBuilder();
  b.appendMapped(source, start, end);
  return b.build();
}

/** Host offset just past the character before `end` (the host end of a range ending at `end`). */
export function hostEnd(map: readonly Segment[], end: number): number {
  if (end <= 0) return toHost(map, 0);
  const last = end - 1;
  const seg = map.find((s) => last >= s.regionStart && last < s.regionStart + s.length);
  return seg ? seg.hostStart + (last - seg.regionStart) + 1 : toHost(map, last);
}

/** Host range covered by `[start, end)` of a mapped text. */
export function hostSpan(map: readonly Segment[], start: number, end: number): { start: number; end: number } {
  const s = toHost(map, start);
  return { start: s, end: end > start ? Math.max(s, hostEnd(map, end)) : s };
}
