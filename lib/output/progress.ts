// SPDX-License-Identifier: MIT
// progress.ts: one self-rewriting status line on stderr, only when stderr is a terminal:
// done/total, percentage, probe rate, open ports found, and the time left at the current rate.
import type { ScanCounters } from '../scanner/result';

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

export class Progress {
  private readonly t0 = performance.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly total: bigint,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = 250,
  ) {}

  /** Redraws the line at most every intervalMs. */
  update(c: ScanCounters): void {
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    const elapsed = (now - this.t0) / 1000;
    const rate = c.sent / Math.max(elapsed, 1e-3);
    const total = Number(this.total);
    const pct = total > 0 ? (100 * c.done) / total : 100;
    const eta = rate > 0 ? (total - c.done) / rate : Infinity;
    const line =
      `${c.done}/${this.total} (${pct.toFixed(1)}%)  ${Math.round(rate)} probes/s  ` +
      `${c.open} open  ETA ${clock(eta)}`;
    this.stream.write(`\r\x1b[2K${line}`);
    this.shown = true;
  }

  /** Erases the line. */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
