// SPDX-License-Identifier: MIT
// rtt.ts: the probe timeout, learned from the answers (RFC 6298's estimator, as nmap uses it).
// Until the first answer the timeout is the user's maximum; then srtt + 4 * rttvar, kept between
// the minimum and the maximum, so a fast network is not waited on for a whole second per silent
// port and a slow one still gets the time it needs. SYN mode's adaptive wait after a last try
// also keeps the longest round trip in mind, forgotten slowly (halved every 10 s without a
// longer one): srtt describes the typical target, and a far host among near ones must not have
// its last try given up after the near ones' timeout, even late in a long scan.

const DECAY_HALF_LIFE_MS = 10_000;

export class RttEstimator {
  private srttUs = 0;
  private rttvarUs = 0;
  private samples = 0;
  /** The longest round trip, decayed (see lastTryTimeoutMs), us. */
  private longestUs = 0;
  private decayedAtMs = -Infinity;

  constructor(
    private readonly minTimeoutMs: number,
    private readonly maxTimeoutMs: number,
  ) {}

  /** Has any round trip been measured yet? */
  get measured(): boolean {
    return this.samples > 0;
  }

  /** Records one round trip, in microseconds. */
  sample(rttUs: number): void {
    if (this.samples === 0) {
      this.srttUs = rttUs;
      this.rttvarUs = rttUs / 2;
    } else {
      this.rttvarUs = 0.75 * this.rttvarUs + 0.25 * Math.abs(this.srttUs - rttUs);
      this.srttUs = 0.875 * this.srttUs + 0.125 * rttUs;
    }
    this.samples++;
    if (rttUs > this.longestUs) this.longestUs = rttUs;
  }

  /** The timeout to give the next probe, in whole milliseconds. */
  timeoutMs(): number {
    if (this.samples === 0) return this.maxTimeoutMs;
    const ms = Math.ceil((this.srttUs + 4 * this.rttvarUs) / 1000);
    return Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, ms));
  }

  /**
   * The shortest wait after a last try, ms: the timeout, or 1.5 times the longest round trip
   * when that is more (at most the maximum timeout). The longest round trip halves every 10 s
   * of `nowMs` unless a longer one is seen.
   */
  lastTryTimeoutMs(nowMs: number): number {
    if (this.decayedAtMs === -Infinity) this.decayedAtMs = nowMs;
    if (nowMs > this.decayedAtMs) {
      this.longestUs *= 0.5 ** ((nowMs - this.decayedAtMs) / DECAY_HALF_LIFE_MS);
      this.decayedAtMs = nowMs;
    }
    const longest = Math.ceil((1.5 * this.longestUs) / 1000);
    return Math.min(this.maxTimeoutMs, Math.max(this.timeoutMs(), longest));
  }
}
