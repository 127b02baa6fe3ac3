// SPDX-License-Identifier: MIT
// congestion.test.ts: connect mode's per-host congestion windows (lib/scanner/congestion.ts), fed
// known outcomes with made-up times, and the connect driver using them on the fake binding: an
// answered retry cuts, a timeout alone never does, windows grow and have a floor, hosts are
// independent, memory stays bounded, and a listener that drops SYNs past a rate has every open
// port found.
import { Kind, TARGET, TargetPacker, targetHead } from '../../lib/native/records';
import { parseAddress } from '../../lib/plan/ip';
import { runScan } from '../../lib/scan';
import { CUT_SHARE, HostWindows, INITIAL_WINDOW, MIN_SIGNAL, MIN_WINDOW } from '../../lib/scanner/congestion';
import { hostKeyAt, hostKeyOf, type HostKey } from '../../lib/scanner/host-key';
import { fakeBinding, type Script } from '../helpers/fake-binding';

const HOLD_MS = 100;
const A: HostKey = 1;
const B: HostKey = 2;

/** Sends `n` probes of `key` at `nowMs`. */
function send(w: HostWindows, key: HostKey, n: number, nowMs = 0): void {
  for (let i = 0; i < n; i++) w.sent(key, nowMs, HOLD_MS);
}

/** A host that answered `answers` first tries at `nowMs` (its window opened and grew); one more is outstanding. */
function answering(w: HostWindows, key: HostKey, answers: number, nowMs = 0): void {
  send(w, key, answers + 1, nowMs);
  for (let i = 0; i < answers; i++) w.ended(key, 'answered', 0, nowMs, HOLD_MS, 0);
}

/** One try lost (timed out after HOLD_MS, sent at nowMs - HOLD_MS) and its retry answered at nowMs. */
function lossThenAnsweredRetry(w: HostWindows, key: HostKey, nowMs: number): boolean {
  send(w, key, 2, nowMs - HOLD_MS);
  w.ended(key, 'timeout', 0, nowMs, HOLD_MS, HOLD_MS);
  return w.ended(key, 'answered', 1, nowMs, HOLD_MS, 0);
}

/**
 * Tries lost and their retries answered at `nowMs`, one after another, until the host is cut (a
 * full listen queue: a large share of what it answers are retries) or `most` of them; returns how
 * many retries were answered up to the cut, 0 when none cut.
 */
function lossesUntilCut(w: HostWindows, key: HostKey, nowMs: number, most = 1000): number {
  for (let r = 1; r <= most; r++) if (lossThenAnsweredRetry(w, key, nowMs)) return r;
  return 0;
}

describe('HostWindows', () => {
  test('timeouts alone never cut nor limit a host, at any try', () => {
    const w = new HostWindows(10_000);
    send(w, A, 5000);
    for (let i = 0; i < 5000; i++) expect(w.ended(A, 'timeout', i % 3, i, HOLD_MS, HOLD_MS)).toBe(false);
    expect(w.cuts).toBe(0);
    expect(w.window(A)).toBe(Infinity);
    expect(w.answering(A)).toBe(false); // its retries keep the learned timeout
    expect(w.room(A, 0)).toBe(true);
    expect(w.throttled(A)).toBe(false);
  });

  test('the first answer opens a window of INITIAL_WINDOW that grows by one per answered first try', () => {
    const w = new HostWindows(10_000);
    send(w, A, 3);
    expect(w.answering(A)).toBe(false);
    w.ended(A, 'answered', 0, 0, HOLD_MS, 0);
    expect(w.answering(A)).toBe(true);
    expect(w.window(A)).toBe(INITIAL_WINDOW + 1);
    w.ended(A, 'answered', 0, 0, HOLD_MS, 0);
    expect(w.window(A)).toBe(INITIAL_WINDOW + 2);
    send(w, A, 200);
    expect(w.room(A, 0)).toBe(false); // 201 outstanding > 66
  });

  test('a window grows back to the largest, then the host is as if never cut', () => {
    const w = new HostWindows(100);
    answering(w, A, 500);
    expect(w.window(A)).toBe(100);
    expect(w.throttled(A)).toBe(false);
  });

  test('lost tries cut once they are CUT_SHARE of those sent with them: paced at half what the host answered', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 40, 50); // sent at 50, as the lost tries below
    const r = lossesUntilCut(w, A, 50 + HOLD_MS);
    // 10 of the 50 tries sent at 50 were lost: CUT_SHARE of them, and at least MIN_SIGNAL.
    expect(r).toBe(Math.max(MIN_SIGNAL, Math.ceil((CUT_SHARE * 40) / (1 - CUT_SHARE))));
    expect(w.cuts).toBe(1);
    expect(w.throttled(A)).toBe(true);
    expect(w.window(A)).toBe(Math.floor(Math.max(40, r) / 2)); // what the host answered in a period
  });

  test('random loss: a few lost tries among many answered never cut', () => {
    const w = new HostWindows(10_000);
    for (let t = 0; t < 10 * HOLD_MS; t += HOLD_MS) {
      answering(w, A, 200, t);
      for (let k = 0; k < 20; k++) expect(lossThenAnsweredRetry(w, A, t + HOLD_MS)).toBe(false); // 10% lost
    }
    expect(w.cuts).toBe(0);
    expect(w.throttled(A)).toBe(false);
  });

  test('a lost try is judged with the bucket before its own too (its retry may have waited)', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 200, 50); // bucket 0-100
    // Retries held back: their lost tries land in 100-200, where nothing else was sent.
    expect(lossesUntilCut(w, A, 250, 20)).toBe(0);
    expect(w.cuts).toBe(0);
  });

  test("the tail: once a host's first tries are all sent, its retries answered alone do not cut it", () => {
    const w = new HostWindows(10_000);
    answering(w, A, 200, 1000); // the last first tries, 10% of them lost: their retries come after
    for (let k = 0; k < 20; k++) expect(lossThenAnsweredRetry(w, A, 1000 + HOLD_MS)).toBe(false);
    expect(w.cuts).toBe(0);
  });

  test('at most one cut per timeout period, and none without a try lost since the last cut', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 64, 990);
    const r = lossesUntilCut(w, A, 1000);
    expect(r).toBeGreaterThan(0);
    const after = w.window(A);
    expect(after).toBe(Math.floor((64 + r) / 2));
    expect(lossesUntilCut(w, A, 1000 + HOLD_MS / 2, 100)).toBe(0); // same period
    // A retry of a probe lost before the cut, answered well after it: no new loss, no cut.
    send(w, A, 1, 2000);
    expect(w.ended(A, 'answered', 2, 3000, HOLD_MS, 0)).toBe(false);
    expect(w.window(A)).toBe(after);
    expect(lossesUntilCut(w, A, 4000)).toBeGreaterThan(0); // fresh losses, and all it answers: halved again
    expect(w.window(A)).toBe(Math.floor(after / 2));
  });

  test('cuts never take a window below MIN_WINDOW', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 64);
    for (let t = 1000; t < 20_000; t += 2 * HOLD_MS) lossesUntilCut(w, A, t);
    expect(w.cuts).toBeGreaterThan(10);
    expect(w.window(A)).toBe(MIN_WINDOW);
  });

  test('after a cut, answered first tries open the window by about one per window of them', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 40, 50);
    lossesUntilCut(w, A, 50 + HOLD_MS);
    const cut = w.window(A);
    send(w, A, cut + 1, 60);
    for (let i = 0; i < cut - 1; i++) w.ended(A, 'answered', 0, 60, HOLD_MS, 0);
    expect(w.window(A)).toBe(cut);
    for (let i = 0; i < 2; i++) w.ended(A, 'answered', 0, 60, HOLD_MS, 0);
    expect(w.window(A)).toBe(cut + 1);
  });

  test('a cut host is paced: its window spread over the timeout period', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 20, 990);
    const r = lossesUntilCut(w, A, 1000);
    const win = w.window(A);
    expect(win).toBe(Math.floor((20 + r) / 2));
    expect(w.room(A, 1000)).toBe(true);
    w.sent(A, 1000, HOLD_MS);
    expect(w.room(A, 1000)).toBe(false);
    expect(w.room(A, 1000 + HOLD_MS / win)).toBe(true);
  });

  test('hosts are independent: a cut on one leaves the others unlimited', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 64);
    expect(lossesUntilCut(w, A, 1000)).toBeGreaterThan(0);
    send(w, B, 5000, 1000);
    expect(w.room(B, 1000)).toBe(true);
    expect(w.throttled(B)).toBe(false);
    expect(w.window(B)).toBe(Infinity);
  });

  test('held probes: retries go first, released when room comes back and their time is due', () => {
    const w = new HostWindows(10_000);
    answering(w, A, 20, 990);
    lossesUntilCut(w, A, 1000);
    send(w, A, w.window(A) - 1, 1000); // the window is full (one was still outstanding)
    expect(w.room(A, 5000)).toBe(false);
    const fresh = targetHead(parseAddress('10.0.0.1') as bigint, 80, 0);
    const retry = targetHead(parseAddress('10.0.0.1') as bigint, 81, 1);
    w.hold(A, fresh);
    w.hold(A, retry);
    expect(w.heldCount).toBe(2);
    const order: number[] = [];
    const release = (nowMs: number): void =>
      w.release(nowMs, (key, head) => {
        order.push(head[TARGET.attempt] as number);
        w.sent(key, nowMs, HOLD_MS);
        return true;
      });
    release(5000);
    expect(order).toEqual([]); // no room
    w.ended(A, 'answered', 0, 5000, HOLD_MS, 0);
    w.ended(A, 'answered', 0, 5000, HOLD_MS, 0);
    expect(w.dueAtMs()).toBeLessThanOrEqual(5000);
    release(5000);
    expect(order).toEqual([1]); // the retry first; the next waits for its time
    expect(w.dueAtMs()).toBeGreaterThan(5000);
    release(6000);
    expect(order).toEqual([1, 0]);
    expect(w.heldCount).toBe(0);
  });

  test('memory: hosts never cut are forgotten when idle; idle cut hosts are kept only up to a bound', () => {
    const w = new HostWindows(10_000);
    for (let k = 0; k < 100_000; k++) {
      w.sent(k, 0, HOLD_MS);
      w.ended(k, k % 2 ? 'answered' : 'timeout', 0, 0, HOLD_MS, 0);
    }
    expect(w.size).toBe(0);
    for (let k = 0; k < 20_000; k++) {
      answering(w, k, 4);
      lossesUntilCut(w, k, 1000);
      w.ended(k, 'answered', 0, 1000, HOLD_MS, 0); // the last one outstanding: now idle
    }
    expect(w.cuts).toBe(20_000);
    expect(w.size).toBeLessThanOrEqual(4097);
  });
});

describe('host keys', () => {
  test('an address and its packed probe have the same key (IPv4 and IPv6)', () => {
    for (const text of ['198.18.0.1', '127.0.0.1', '255.255.255.255', '2001:2::1', '::1']) {
      const addr = parseAddress(text) as bigint;
      const packer = new TargetPacker(2);
      packer.push(0n, 1, 0, 1);
      packer.push(addr, 80, 2, 100);
      expect(hostKeyAt(packer.bytes, TARGET.size)).toBe(hostKeyOf(addr));
      expect(hostKeyAt(targetHead(addr, 80, 1), 0)).toBe(hostKeyOf(addr));
    }
    expect(hostKeyOf(parseAddress('0.0.0.1') as bigint)).not.toBe(hostKeyOf(parseAddress('::1') as bigint));
  });
});

describe('connect driver with a listener that drops SYNs past a rate (fake binding)', () => {
  jest.setTimeout(60_000);

  test('every open port is found and the window was cut; a filtered host alongside is still filtered', async () => {
    // 127.0.0.1's listener takes 8 connections per 20 ms; past that its SYNs are dropped (silent).
    // 127.0.0.2 is filtered: every try silent.
    let windowAt = 0;
    let taken = 0;
    const script: Script = (ip) => {
      if (ip === '127.0.0.2') return 'silent';
      const now = performance.now();
      if (now - windowAt >= 20) {
        windowAt = now;
        taken = 0;
      }
      return ++taken <= 8 ? Kind.Connected : 'silent';
    };
    const { binding } = fakeBinding({ script });
    const notices: string[] = [];
    const states = new Map<string, string>();
    const summary = await runScan(
      // Six retries: the listener's windows are wall-clock, so on a busy machine a late event loop
      // can bunch tries together; with the default two, one port in hundreds could lose all three
      // tries. Without the congestion windows (room() always true) the retries come in bursts: 104 found.
      {
        targets: '127.0.0.1-127.0.0.2',
        ports: '1-400',
        mode: 'connect',
        timeoutMs: 50,
        minTimeoutMs: 20,
        retries: 6,
      },
      {
        onResult: () => undefined,
        onNotice: (m) => notices.push(m),
        onState: (ip, p, s) => states.set(`${ip} ${p}`, s),
      },
      { binding },
    );
    expect(summary.aborted).toBe(false);
    const open = [...states].filter(([k, s]) => k.startsWith('127.0.0.1 ') && s === 'open');
    expect(open).toHaveLength(400);
    expect([...states].filter(([k, s]) => k.startsWith('127.0.0.2 ') && s === 'filtered')).toHaveLength(400);
    expect(notices.some((m) => /^congestion: window cut \d+ times?/.test(m))).toBe(true);
    expect(notices.some((m) => m.startsWith('127.0.0.1 drops connection attempts'))).toBe(true);
  });
});
