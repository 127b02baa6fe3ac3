// SPDX-License-Identifier: MIT
// retry-policy.ts: --retries auto (SYN mode's default). On the Internet most probes are never
// answered, and sending each silent one three times is most of a scan's packets; yet a lossy
// path needs retries, or answering ports are missed. So the retries follow the loss measured:
// among the answers to probes that were given a retry, the share that came only to a retry is
// the chance p that one try is lost (the probe or its answer). A port that answers is then missed
// with probability p^tries, and the fewest tries that keep this under --max-miss are given to
// new probes (at most 1 + the most retries). p is bounded from above (a clean sample of n answers
// gives p <= 3/n, the rule of three), so a scan gives up retries only once it has seen enough.
// Measuring goes on: the engine keeps every retry for one probe in 16 (native/syn_tx.h,
// kRetrySample). Answers to first tries are counted only once a retry of a lost one would have
// been answered (a timeout later), else the early answers would make the loss look like none.
// Policy only: the engine takes the number.

/** Fewer answers than this say too little: the most retries until then. */
const MIN_ANSWERS = 100;
/** Past this many answers, old counts are halved: the estimate follows the recent loss. */
const HALVE_AT = 200000;
const BUCKET_MS = 50;

export class RetryPolicy {
  private given = 0;
  private retried = 0;
  /** First-try answers not yet counted: [bucket start ms, count], oldest first. */
  private pending: [number, number][] = [];
  private current: number;
  private bound = 1;

  constructor(
    private readonly mostRetries: number,
    private readonly maxMiss: number,
  ) {
    this.current = mostRetries;
  }

  /** The retries new probes get now. */
  get retries(): number {
    return this.current;
  }

  /** Counts one answer (open or closed) to try `attempt` of a probe given `retriesAllowed`. */
  answer(attempt: number, retriesAllowed: number, nowMs: number): void {
    if (retriesAllowed === 0) return; // no retry: a lost first try would not show
    if (attempt > 0) {
      this.given++;
      this.retried++;
      return;
    }
    const start = nowMs - (nowMs % BUCKET_MS);
    const last = this.pending[this.pending.length - 1];
    if (last && last[0] === start) last[1]++;
    else this.pending.push([start, 1]);
  }

  /**
   * Call after each batch with the current per-try timeout; returns the new number of retries
   * when it changes.
   */
  tick(nowMs: number, timeoutMs: number): number | undefined {
    while (this.pending.length > 0 && (this.pending[0] as [number, number])[0] + BUCKET_MS + timeoutMs <= nowMs) {
      this.given += (this.pending.shift() as [number, number])[1];
    }
    if (this.given > HALVE_AT) {
      this.given /= 2;
      this.retried /= 2;
    }
    if (this.given < MIN_ANSWERS) return undefined;
    const p = Math.min(1, (this.retried + 3) / this.given);
    let tries = 1;
    while (tries <= this.mostRetries && p ** tries > this.maxMiss) tries++;
    this.bound = p ** tries;
    if (tries - 1 === this.current) return undefined;
    this.current = tries - 1;
    return this.current;
  }

  /** One line for -v: the retries in force and the bound they give. */
  describe(): string {
    const pct = (x: number): string => `${(x * 100).toPrecision(2)}%`;
    if (this.given < MIN_ANSWERS) {
      return `retries auto: ${this.current} (too few answers, ${Math.round(this.given)}, to measure the loss)`;
    }
    const p = Math.min(1, (this.retried + 3) / this.given);
    const over = this.bound > this.maxMiss ? `, above --max-miss ${pct(this.maxMiss)}: give --retries N` : '';
    return (
      `retries auto: ${this.current} at the end (loss per try <= ${pct(p)} over ${Math.round(this.given)} ` +
      `answers; an answering port missed with probability <= ${pct(this.bound)}${over})`
    );
  }
}
