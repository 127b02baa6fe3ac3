// SPDX-License-Identifier: MIT
// rtt.ts: the probe timeout, learned from the answers (RFC 6298's estimator, as nmap uses it).
// Until the first answer the timeout is the user's maximum; then srtt + 4 * rttvar, kept between
// the minimum and the maximum, so a fast network is not waited on for a whole second per silent
// port and a slow one still gets the time it needs.

export class RttEstimator {
  private srttUs = 0;
  private rttvarUs = 0;
  private samples = 0;

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
  }

  /** The timeout to give the next probe, in whole milliseconds. */
  timeoutMs(): number {
    if (this.samples === 0) return this.maxTimeoutMs;
    const ms = Math.ceil((this.srttUs + 4 * this.rttvarUs) / 1000);
    return Math.min(this.maxTimeoutMs, Math.max(this.minTimeoutMs, ms));
  }
}
