// SPDX-License-Identifier: MIT
// loss-monitor.test.ts: the loss notice and --adaptive's rate decisions, fed known answers.
import { LossMonitor } from '../../lib/scanner/loss-monitor';

function window(m: LossMonitor, first: number, retried: number, at: number): ReturnType<LossMonitor['tick']> {
  for (let i = 0; i < first; i++) m.answer(0);
  for (let i = 0; i < retried; i++) m.answer(1);
  return m.tick(at);
}

describe('LossMonitor', () => {
  it('says nothing on a clean network, and warns once when answers need retries', () => {
    const m = new LossMonitor(100000, false);
    expect(window(m, 1000, 0, 1e9)).toEqual({ loss: 0 });
    const d = window(m, 900, 100, 2e9);
    expect(d?.loss).toBeCloseTo(0.1);
    expect(d?.notice).toMatch(/10\.0% of answers needed a retry/);
    expect(window(m, 900, 100, 3e9)?.notice).toBeUndefined();
    expect(d?.ratePps).toBeUndefined(); // not adaptive: the rate is left alone
  });

  it('ignores windows with too few answers', () => {
    const m = new LossMonitor(100000, true);
    expect(window(m, 10, 10, 1e9)).toBeUndefined();
  });

  it('--adaptive backs off when loss rises above what the link loses anyway, and recovers', () => {
    const m = new LossMonitor(100000, true);
    window(m, 1000, 0, 1e9); // baseline 0
    expect(window(m, 800, 200, 2e9)?.ratePps).toBe(70000);
    expect(window(m, 800, 200, 3e9)?.ratePps).toBe(49000);
    expect(window(m, 1000, 0, 4e9)?.ratePps).toBe(54000);
  });

  it('--adaptive does not slow down for loss that is the same at every rate', () => {
    const m = new LossMonitor(100000, true);
    for (let k = 1; k <= 5; k++) expect(window(m, 900, 100, k * 1e9)?.ratePps).toBeUndefined();
  });

  it('never goes below an eighth of the maximum', () => {
    const m = new LossMonitor(80000, true);
    window(m, 1000, 0, 1e9);
    let rate = 80000;
    for (let k = 2; k < 20; k++) rate = window(m, 500, 500, k * 1e9)?.ratePps ?? rate;
    expect(rate).toBe(10000);
  });
});
