// SPDX-License-Identifier: MIT
// retry-policy.test.ts: --retries auto (lib/scanner/retry-policy.ts): the most retries until the
// loss is measured, none on a clean path once enough answers say so, more as the loss grows, the
// first tries' answers held back by a timeout, probes given no retry ignored.
import { RetryPolicy } from '../../lib/scanner/retry-policy';

const TIMEOUT_MS = 100;

/** Feeds `n` answers at time `t`: `retried` of them came only to a retry. */
function feed(p: RetryPolicy, t: number, n: number, retried: number, allowed = 2): void {
  for (let k = 0; k < n; k++) p.answer(k < retried ? 1 : 0, allowed, t);
}

describe('RetryPolicy', () => {
  it('keeps the most retries until it has heard enough', () => {
    const p = new RetryPolicy(2, 0.001);
    feed(p, 0, 50, 0);
    expect(p.tick(1000, TIMEOUT_MS)).toBeUndefined();
    expect(p.retries).toBe(2);
    expect(p.describe()).toMatch(/too few answers/);
  });

  it('answers to first tries count only a timeout later (a lost one would not show before)', () => {
    const p = new RetryPolicy(2, 0.001);
    feed(p, 0, 10000, 0);
    expect(p.tick(10, TIMEOUT_MS)).toBeUndefined(); // still pending
    expect(p.retries).toBe(2);
    expect(p.tick(200, TIMEOUT_MS)).toBe(0);
  });

  it('drops to no retry on a clean path once the rule of three allows it', () => {
    const p = new RetryPolicy(2, 0.001);
    feed(p, 0, 2000, 0); // p <= 3/2000 = 0.15%: one try misses more than 0.1%, two do not
    expect(p.tick(1000, TIMEOUT_MS)).toBe(1);
    feed(p, 1000, 2000, 0); // p <= 3/4000 = 0.075%
    expect(p.tick(2000, TIMEOUT_MS)).toBe(0);
    expect(p.describe()).toMatch(/retries auto: 0 .* missed with probability <= 0\.075%/);
  });

  it('gives retries back as the loss grows, up to the most', () => {
    const p = new RetryPolicy(2, 0.001);
    feed(p, 0, 10000, 0);
    expect(p.tick(1000, TIMEOUT_MS)).toBe(0);
    feed(p, 1000, 10000, 600); // ~3% loss: 0.03^2 = 0.09% is under 0.1%
    expect(p.tick(2000, TIMEOUT_MS)).toBe(1);
    feed(p, 2000, 20000, 8000); // ~20% loss: three tries give 0.8%, still the most
    expect(p.tick(3000, TIMEOUT_MS)).toBe(2);
    expect(p.describe()).toMatch(/above --max-miss 0\.10%: give --retries N/);
  });

  it('a stricter --max-miss keeps more retries', () => {
    const p = new RetryPolicy(2, 0.00001);
    feed(p, 0, 10000, 0); // p <= 0.03%: one try 3e-4, two 9e-8
    expect(p.tick(1000, TIMEOUT_MS)).toBe(1);
  });

  it('ignores answers to probes that had no retry (their lost tries cannot show)', () => {
    const p = new RetryPolicy(2, 0.001);
    feed(p, 0, 100000, 0, 0);
    expect(p.tick(1000, TIMEOUT_MS)).toBeUndefined();
    expect(p.retries).toBe(2);
  });
});
