// SPDX-License-Identifier: MIT
// rtt.test.ts: the timeout learned from round trips, and the shortest wait after a last try,
// which also remembers the longest recent round trip (a far host among near ones).
import { RttEstimator } from '../../lib/scanner/rtt';

describe('RttEstimator', () => {
  it('gives the maximum until a round trip is measured, then srtt + 4 rttvar within the bounds', () => {
    const r = new RttEstimator(20, 1000);
    expect(r.timeoutMs()).toBe(1000);
    for (let k = 0; k < 50; k++) r.sample(1000); // 1 ms, steady
    expect(r.timeoutMs()).toBe(20); // the minimum
    for (let k = 0; k < 200; k++) r.sample(100_000); // 100 ms, steady
    expect(r.timeoutMs()).toBeGreaterThanOrEqual(100);
    expect(r.timeoutMs()).toBeLessThan(130);
  });

  it('waits after a last try for 1.5x the longest recent round trip, even when srtt is small', () => {
    const r = new RttEstimator(20, 1000);
    r.lastTryTimeoutMs(0); // the first batch starts the clock
    r.sample(80_000); // one far host: 80 ms
    for (let k = 0; k < 5000; k++) r.sample(1000); // many near ones
    expect(r.timeoutMs()).toBe(20);
    expect(r.lastTryTimeoutMs(0)).toBe(120);
    expect(r.lastTryTimeoutMs(10_000)).toBe(60); // halved after 10 s without a longer one
    expect(r.lastTryTimeoutMs(20_000)).toBe(30);
    expect(r.lastTryTimeoutMs(40_000)).toBe(20); // then the timeout again
    r.sample(80_000); // seen again: remembered in full
    expect(r.lastTryTimeoutMs(40_001)).toBe(120);
  });

  it('never waits after a last try for less than the timeout or more than the maximum', () => {
    const r = new RttEstimator(20, 1000);
    expect(r.lastTryTimeoutMs(0)).toBe(1000);
    r.sample(5_000_000);
    expect(r.lastTryTimeoutMs(10)).toBe(1000);
  });
});
