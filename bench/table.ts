/** Markdown tables with aligned columns: readable in a terminal, pasteable into docs/performance.md. */

export type Align = "left" | "right";

export interface Column {
  title: string;
  align?: Align;
}

export function table(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.title.length, 3, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (text: string, i: number): string => {
    const w = widths[i] ?? 0;
    return columns[i]?.align === "right" ? text.padStart(w) : text.padEnd(w);
  };
  const line = (cells: readonly string[]): string => `| ${columns.map((_, i) => cell(cells[i] ?? "", i)).join(" | ")} |`;
  const rule = `|${columns.map((c, i) => (c.align === "right" ? `${"-".repeat((widths[i] ?? 0) + 1)}:` : "-".repeat((widths[i] ?? 0) + 2))).join("|")}|`;
  return [line(columns.map((c) => c.title)), rule, ...rows.map(line)].join("\n");
}

export const seconds = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : "n/a");
export const millis = (ms: number): string => (Number.isFinite(ms) ? ms.toFixed(0) : "n/a");
export const times = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 2 : 1)}×` : "n/a");
export const fixed = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
export const rssMb = (kb: number | undefined): string => (kb === undefined ? "n/a" : (kb / 1024).toFixed(0));
