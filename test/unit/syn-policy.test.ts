// SPDX-License-Identifier: MIT
// syn-policy.test.ts: the SYN driver's policy on the fake binding's SYN engine
// (test/helpers/fake-syn-engine.ts), through the Scanner contract: no root, no packets. Results
// and the engine's named stats come through; checkpoints follow the slowest transmit thread's
// mark and never name a position whose result is not reported; stop() drains the engine; the
// timeout learned from round trips, --adaptive's lower rate and --retries auto's retries are
// handed to the engine.
import { Kind } from '../../lib/native/records';
import { resolveOptions, type ScanOptions } from '../../lib/options';
import { buildPlan } from '../../lib/plan/plan';
import type { Scanner, ScannerHooks } from '../../lib/scanner/contract';
import { SCANNERS } from '../../lib/scanner/engines';
import { fakeBinding } from '../helpers/fake-binding';
import type { FakeSynOptions } from '../helpers/fake-syn-engine';

jest.setTimeout(30_000);

const noConnect = (): never => {
  throw new Error('connect engine not expected');
};

/** A SYN driver over 127.0.0.0/28 x `ports` on the fake engine. */
async function synScanner(
  syn: FakeSynOptions,
  hooks: ScannerHooks,
  extra: ScanOptions = {},
  ports = '1-50',
  threads = 1,
) {
  const { binding, synEngines } = fakeBinding({ script: noConnect, syn });
  const scanOptions: ScanOptions = { targets: '127.0.0.0/28', ports, mode: 'syn', ...extra };
  const options = { ...resolveOptions(scanOptions, 65536, null), threads };
  const plan = await buildPlan(scanOptions, options.ports);
  const range = { start: 0n, end: plan.total, seed: 1n };
  const scanner: Scanner = SCANNERS.syn({ plan, options, range, hooks, binding });
  return { scanner, synEngines, plan };
}

/** The fake's order: position p is host p % 16 of 127.0.0.0/28 on port p / 16 + 1. */
const keyOf = (p: bigint): string => `127.0.0.${Number(p % 16n)} ${Number(p / 16n) + 1}`;

describe('SYN driver on the fake binding', () => {
  test('reports the scripted states, counts, and the engine summary by name', async () => {
    const script = (_ip: string, port: number) => (port === 22 ? Kind.Connected : port === 9 ? 'silent' : Kind.Refused);
    const opens: string[] = [];
    const states = new Map<string, string>();
    const { scanner } = await synScanner(
      { script },
      {
        onResult: (r) => opens.push(`${r.ip}:${r.port}:${r.state}`),
        onState: (ip, port, state) => states.set(`${ip} ${port}`, state),
      },
      { retries: 2 }, // fixed: every silent probe is sent three times
    );
    expect(await scanner.start()).toBe(false);
    expect(opens).toHaveLength(16);
    expect(opens.every((o) => o.endsWith(':22:open'))).toBe(true);
    expect(states.size).toBe(800);
    expect(states.get('127.0.0.3 9')).toBe('filtered');
    expect(states.get('127.0.0.3 10')).toBe('closed');
    expect(scanner.counters).toEqual({ sent: 784 + 16 * 3, done: 800, open: 16 });
    const summary = scanner.summary();
    expect(summary).toMatchObject({ sent: 784 + 48, replies: 784, duplicates: 0, sentinels: 0 });
    expect(summary?.sendPaths.join('\n')).toMatch(/^IPv4: /);
  });

  test('checkpoints follow the slowest thread and name only positions already reported', async () => {
    const reported = new Set<string>();
    const unreported: bigint[] = []; // positions a checkpoint named before their result
    const marks: bigint[] = [];
    let maxSeen = -1n;
    const { scanner, plan } = await synScanner(
      { script: () => Kind.Refused, perBatch: [3, 40], tickMs: 1 },
      {
        onResult: () => undefined,
        onState: (ip, port) => reported.add(`${ip} ${port}`),
        onPositions: (max) => {
          if (max > maxSeen) maxSeen = max;
        },
        onCheckpoint: (position) => {
          const from = marks.at(-1) ?? 0n;
          marks.push(position);
          for (let p = from; p < position; p++) if (!reported.has(keyOf(p))) unreported.push(p);
        },
      },
      {},
      '1-50',
      2,
    );
    await scanner.start();
    // Thread 1 runs ahead: the checkpoint waits for thread 0, so it lagged behind the results.
    expect(unreported).toEqual([]);
    expect(marks.length).toBeGreaterThan(5);
    for (let k = 1; k < marks.length; k++) expect(marks[k]).toBeGreaterThan(marks[k - 1] as bigint);
    expect(marks.at(-1)).toBe(plan.total);
    expect(maxSeen).toBe(plan.total - 1n);
  });

  test('stop(): the engine drains, the run says aborted, the checkpoint stays below the unreported', async () => {
    const reported = new Set<string>();
    const unreported: bigint[] = [];
    const stopper: { scanner?: Scanner } = {};
    let last = 0n;
    const made = await synScanner(
      { script: () => Kind.Refused, perBatch: [5], tickMs: 1 },
      {
        onResult: () => undefined,
        onState: (ip, port) => {
          reported.add(`${ip} ${port}`);
          if (reported.size === 200) stopper.scanner?.stop();
        },
        onCheckpoint: (position) => {
          for (let p = last; p < position; p++) if (!reported.has(keyOf(p))) unreported.push(p);
          last = position;
        },
      },
      {},
      '1-1000',
    );
    stopper.scanner = made.scanner;
    expect(await made.scanner.start()).toBe(true);
    expect(unreported).toEqual([]);
    const engine = made.synEngines[0];
    expect(engine?.drained).toBe(true);
    expect(engine?.closed).toBe(true);
    expect(reported.size).toBeLessThan(16 * 1000);
    expect(last).toBeLessThan(16n * 1000n);
  });

  test('the timeout learned from round trips is handed to the engine', async () => {
    const { scanner, synEngines } = await synScanner({ script: () => Kind.Refused }, { onResult: () => undefined });
    await scanner.start();
    const timeouts = synEngines[0]?.timeouts ?? [];
    expect(timeouts.length).toBeGreaterThan(0);
    // 200 us round trips: the timeout falls from the 1000 ms maximum to SYN mode's 20 ms floor.
    expect(timeouts.at(-1)?.timeoutMs).toBe(20);
  });

  test('--adaptive: answers that needed a retry lower the rate, with one notice', async () => {
    const t0 = performance.now();
    // Clean for the first window, then a fifth of the answers come only to a retry.
    const script = (_ip: string, _port: number, p: number) =>
      performance.now() - t0 > 1200 && p % 5 === 0 ? 'retried-open' : Kind.Refused;
    const notices: string[] = [];
    const { scanner, synEngines } = await synScanner(
      { script, perBatch: [20], tickMs: 5 },
      { onResult: () => undefined, onNotice: (m) => notices.push(m) },
      { adaptive: true, ratePps: 100000, retries: 2 },
      '1-1000',
    );
    const stopAt = setTimeout(() => scanner.stop(), 3500);
    await scanner.start();
    clearTimeout(stopAt);
    const rates = synEngines[0]?.rates ?? [];
    expect(rates.some((r) => r < 100000)).toBe(true);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/needed a retry.*lowering the rate/);
  });

  test('--retries auto: a clean path takes the retries away from new probes, and -v says so', async () => {
    // Ports 1-3000 answer (closed), 3001-4000 are silent; the fake's order is port-major and it
    // delivers 200 results a round, a round at least 1 ms apart: the 48000 answers take at least
    // 240 ms, well past the ~100 ms the policy needs (first answers held one timeout, 100 of them).
    const script = (_ip: string, port: number) => (port <= 3000 ? Kind.Refused : 'silent');
    const { scanner, synEngines } = await synScanner(
      { script, perBatch: [200], tickMs: 1 },
      { onResult: () => undefined },
      {},
      '1-4000',
    );
    expect(await scanner.start()).toBe(false);
    const engine = synEngines[0];
    expect(engine?.options.autoRetries).toBe(true);
    expect(engine?.retrySettings.at(-1)).toBe(0);
    // The 16000 silent probes come after the switch: one packet each, but one in 16 (1000 of
    // them) keeps its 2 retries so the loss stays measured.
    expect(scanner.counters.sent - 48000).toBe(16000 + 2 * 1000);
    expect(scanner.summary()?.retries).toMatch(/^retries auto: 0 at the end .* probability <= /);
  });

  test('a number fixes the retries: setRetries is never called', async () => {
    const script = (_ip: string, port: number) => (port <= 1000 ? Kind.Refused : 'silent');
    const { scanner, synEngines } = await synScanner(
      { script, perBatch: [200], tickMs: 1 },
      { onResult: () => undefined },
      { retries: 1 },
      '1-2000',
    );
    await scanner.start();
    expect(synEngines[0]?.options.autoRetries).toBe(false);
    expect(synEngines[0]?.retrySettings).toEqual([]);
    expect(scanner.counters.sent).toBe(16000 + 2 * 16000);
    expect(scanner.summary()?.retries).toBeUndefined();
  });
});
