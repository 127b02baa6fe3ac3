// SPDX-License-Identifier: MIT
// loss-monitor.ts: is the network losing our probes or their answers? A SYN scan cannot see a
// lost packet directly, but an answer that only came to a retry means an earlier try (or its
// answer) was lost. Over each window this watches the share of answers that needed a retry;
// above a threshold it says so once, and with --adaptive it lowers the rate (multiplicative
// decrease) and raises it again slowly while the network is clean (additive increase), nmap's
// congestion control in spirit. Only loss above the lowest level seen counts as congestion: a
// link that drops a fixed share of packets whatever the rate (a lossy radio, the testbed's
// --loss) gains nothing from a slower scan, only from retries. The rate never falls below an
// eighth of the maximum. Policy only: the engine just takes the new rate.

export interface LossDecision {
  /** Share of answers in the window that needed a retry. */
  loss: number;
  /** A new rate to set, when it changed. */
  ratePps?: number;
  /** A message for the user, at most once per scan for the warning. */
  notice?: string;
}

const WINDOW_MS = 1000;
const MIN_ANSWERS = 200; // fewer answers than this in a window say too little
const WARN_AT = 0.02;
const BACK_OFF_AT = 0.05;

export class LossMonitor {
  private first = 0;
  private retried = 0;
  private windowStart = performance.now();
  private warned = false;
  private rate: number;
  private baseline = Infinity; // the lowest loss seen in a window: what the link loses anyway

  constructor(
    private readonly maxRatePps: number,
    private readonly adaptive: boolean,
  ) {
    this.rate = maxRatePps;
  }

  /** Counts one answer (open or closed) that came to try number `attempt` (0 = the first). */
  answer(attempt: number): void {
    if (attempt === 0) this.first++;
    else this.retried++;
  }

  /** Call after each batch; returns a decision when a window closes. */
  tick(now = performance.now()): LossDecision | undefined {
    if (now - this.windowStart < WINDOW_MS) return undefined;
    const total = this.first + this.retried;
    const loss = total === 0 ? 0 : this.retried / total;
    this.first = 0;
    this.retried = 0;
    this.windowStart = now;
    if (total < MIN_ANSWERS) return undefined;
    const d: LossDecision = { loss };
    if (loss >= WARN_AT && !this.warned) {
      this.warned = true;
      const pct = (loss * 100).toFixed(1);
      d.notice = this.adaptive
        ? `${pct}% of answers needed a retry: packets are being lost; lowering the rate (--adaptive)`
        : `${pct}% of answers needed a retry: packets are being lost; a lower --rate (or --adaptive) may help`;
    }
    this.baseline = Math.min(this.baseline, loss);
    if (this.adaptive && this.maxRatePps > 0) {
      const before = this.rate;
      const congested = loss >= BACK_OFF_AT && loss > Math.max(2 * this.baseline, this.baseline + 0.03);
      if (congested) this.rate = Math.max(Math.floor(this.maxRatePps / 8), Math.floor(this.rate * 0.7));
      else if (loss <= this.baseline + WARN_AT / 2)
        this.rate = Math.min(this.maxRatePps, Math.floor(this.rate + this.maxRatePps / 20));
      if (this.rate !== before) d.ratePps = this.rate;
    }
    return d;
  }
}
