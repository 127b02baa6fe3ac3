// SPDX-License-Identifier: MIT
// connect-policy.test.ts: the connect driver's policy, run through runScan on the fake binding
// (test/helpers/fake-binding.ts): no root, no sockets. Pacing keeps to --rate, stop() drains the
// probes in flight and sends nothing more, silent probes are retried as urgent up to --retries,
// checkpoints only ever name positions whose results are all reported, and a host that answers
// on every port is reported once as a tarpit.
import { Kind } from '../../lib/native/records';
import { resolveOptions } from '../../lib/options';
import { buildPlan } from '../../lib/plan/plan';
import { runScan, type RunHooks } from '../../lib/scan';
import { SCANNERS } from '../../lib/scanner/engines';
import { connectTryTimeoutMs } from '../../lib/scanner/connect';
import type { PortResult } from '../../lib/scanner/result';
import { fakeBinding, type Script } from '../helpers/fake-binding';

const openOn =
  (...ports: number[]): Script =>
  (_ip, port) =>
    ports.includes(port) ? Kind.Connected : Kind.Refused;

function collect(): { hooks: RunHooks; results: PortResult[]; states: Map<string, string> } {
  const results: PortResult[] = [];
  const states = new Map<string, string>();
  return {
    results,
    states,
    hooks: {
      onResult: (r) => results.push(r),
      onState: (ip, port, state) => states.set(`${ip} ${port}`, state),
    },
  };
}

jest.setTimeout(30_000);

describe('connect driver on the fake binding', () => {
  test('reports each port once with the scripted state, open ones listed', async () => {
    const { binding } = fakeBinding({ script: openOn(22, 80) });
    const { hooks, results, states } = collect();
    const summary = await runScan({ targets: '127.0.0.1-127.0.0.4', ports: '1-100', mode: 'connect' }, hooks, {
      binding,
    });
    expect(summary.aborted).toBe(false);
    expect(summary.mode).toBe('connect');
    expect(summary.counters).toEqual({ sent: 400, done: 400, open: 8 });
    expect(states.size).toBe(400);
    expect(results.map((r) => `${r.ip}:${r.port}`).sort()).toEqual(
      ['1', '2', '3', '4'].flatMap((h) => [`127.0.0.${h}:22`, `127.0.0.${h}:80`]).sort(),
    );
    expect(results.every((r) => r.state === 'open' && r.reason === 'syn-ack' && r.tries === 1)).toBe(true);
    expect(summary.engine).toBeUndefined();
  });

  test('--rate: no more probes handed over than the rate allows at any moment', async () => {
    const ratePps = 4000;
    const { binding, connectEngines } = fakeBinding({ script: openOn() });
    const t0 = performance.now();
    const summary = await runScan(
      { targets: '127.0.0.0/26', ports: '1-16', mode: 'connect', ratePps },
      { onResult: () => undefined },
      { binding },
    );
    const elapsedMs = performance.now() - t0;
    const submits = connectEngines[0]?.submits ?? [];
    expect(summary.counters.sent).toBe(1024);
    const first = submits[0]?.atMs ?? 0;
    let sent = 0;
    for (const s of submits) {
      sent += s.count;
      // The driver allows floor(elapsed * rate) + 1 probes by each moment; the fake notes the
      // moment after the driver's own clock read, so its elapsed time is never smaller.
      expect(sent).toBeLessThanOrEqual(Math.floor(((s.atMs - first) * ratePps) / 1000) + 1 + (submits[0]?.count ?? 0));
    }
    // 1024 probes at 4000 per second cannot all leave in less than about a quarter second.
    expect(elapsedMs).toBeGreaterThanOrEqual(((1024 - 64) / ratePps) * 1000 - 5);
  });

  test('debit(): tokens another user of --rate took (-sV) hold the probes back by as many', async () => {
    const ratePps = 4000;
    const { binding, connectEngines } = fakeBinding({ script: openOn() });
    const options = { targets: '127.0.0.0/26', ports: '1-16', mode: 'connect' as const, ratePps };
    const resolved = resolveOptions(options, binding.getFdLimit(), 'connect mode was asked for');
    const plan = await buildPlan(options, resolved.ports);
    const scanner = SCANNERS.connect({
      plan,
      options: resolved,
      range: { start: 0n, end: plan.total, seed: 0n },
      hooks: { onResult: () => undefined },
      binding,
    });
    const t0 = performance.now();
    const run = scanner.start();
    const first = connectEngines[0]?.submits[0]?.atMs ?? t0;
    scanner.debit(400); // 100 ms of the rate, taken just after the first chunk left
    await run;
    const submits = connectEngines[0]?.submits ?? [];
    expect(scanner.counters.sent).toBe(1024);
    let sent = 0;
    for (const s of submits) {
      sent += s.count;
      // By each moment: floor(elapsed * rate) + 1 tokens, 400 of them not ours.
      if (s !== submits[0]) expect(sent + 400).toBeLessThanOrEqual(Math.floor(((s.atMs - t0) * ratePps) / 1000) + 1);
    }
    // 1024 probes and 400 debited tokens at 4000 per second: at least about 0.35 s.
    expect(performance.now() - first).toBeGreaterThanOrEqual(((1024 + 400 - 64) / ratePps) * 1000 - 5);
  });

  test('silent probes are sent again as urgent retries, up to --retries, then called filtered', async () => {
    // Port 7 answers only its third try; port 9 never answers.
    const script: Script = (_ip, port, attempt) =>
      port === 9 ? 'silent' : port === 7 ? (attempt >= 2 ? Kind.Connected : 'silent') : Kind.Refused;
    const { binding, connectEngines } = fakeBinding({ script });
    const { hooks, results } = collect();
    const summary = await runScan(
      { targets: '127.0.0.1', ports: '1-10', mode: 'connect', retries: 2, full: true, timeoutMs: 20 },
      hooks,
      { binding },
    );
    const byPort = new Map(results.map((r) => [r.port, r]));
    expect(byPort.get(7)).toMatchObject({ state: 'open', tries: 3 });
    expect(byPort.get(9)).toMatchObject({ state: 'filtered', reason: 'no-response', tries: 3 });
    expect(byPort.get(1)).toMatchObject({ state: 'closed', tries: 1 });
    expect(summary.counters.sent).toBe(10 + 2 + 2);
    const retries = (connectEngines[0]?.submits ?? []).filter((s) => s.urgent);
    expect(retries.flatMap((s) => s.attempts).sort()).toEqual([1, 1, 2, 2]);
    expect((connectEngines[0]?.submits ?? []).filter((s) => !s.urgent).flatMap((s) => s.attempts)).toEqual(
      new Array(10).fill(0),
    );
  });

  test('stop(): nothing more is sent, the probes in flight still report, the run says aborted', async () => {
    const { binding, connectEngines } = fakeBinding({ script: openOn(), delayMs: 5 });
    const stop = new AbortController();
    const { hooks, states } = collect();
    let sentAtStop = -1;
    const summary = await runScan(
      { targets: '127.0.0.0/24', ports: '1-1000', mode: 'connect', ratePps: 20000, signal: stop.signal },
      {
        ...hooks,
        onBatch: (c) => {
          if (c.done >= 500 && sentAtStop < 0) {
            sentAtStop = c.sent;
            stop.abort();
          }
        },
      },
      { binding },
    );
    expect(summary.aborted).toBe(true);
    expect(summary.counters.sent).toBe(sentAtStop);
    expect(summary.counters.done).toBe(sentAtStop); // every probe in flight got its result
    expect(states.size).toBe(sentAtStop);
    expect(summary.counters.sent).toBeLessThan(256 * 1000);
    expect(connectEngines[0]?.closed).toBe(true);
  });

  test('an AbortSignal aborted before the start sends nothing', async () => {
    const { binding, connectEngines } = fakeBinding({ script: openOn() });
    const summary = await runScan(
      { targets: '127.0.0.1', ports: '1-100', mode: 'connect', signal: AbortSignal.abort() },
      { onResult: () => undefined },
      { binding },
    );
    expect(summary.aborted).toBe(true);
    expect(connectEngines[0]?.submits ?? []).toEqual([]);
  });

  test('checkpoints: every position below a checkpoint has its result, and the last one is the end', async () => {
    // Silent ports finish late (after their timeout), so finishing runs ahead of the low mark.
    const script: Script = (_ip, port) => (port % 5 === 0 ? 'silent' : Kind.Refused);
    const { binding } = fakeBinding({ script });
    const done = new Set<string>();
    const marks: bigint[] = [];
    const unreported: bigint[] = []; // positions a checkpoint named before their result
    const hosts = 16n;
    await runScan(
      { targets: '127.0.0.0/28', ports: '1-200', mode: 'connect', retries: 1, timeoutMs: 10 },
      {
        onResult: () => undefined,
        onState: (ip, port) => done.add(`${ip} ${port}`),
        onCheckpoint: (position) => {
          marks.push(position);
          // Port-major order: position p is host p % 16 on the (p / 16)-th port.
          for (let p = marks.length > 1 ? (marks[marks.length - 2] as bigint) : 0n; p < position; p++) {
            const ip = `127.0.0.${Number(p % hosts)}`;
            const port = Number(p / hosts) + 1;
            if (!done.has(`${ip} ${port}`)) unreported.push(p);
          }
        },
      },
      { binding },
    );
    expect(unreported).toEqual([]);
    expect(marks.length).toBeGreaterThan(1);
    for (let k = 1; k < marks.length; k++) expect(marks[k]).toBeGreaterThanOrEqual(marks[k - 1] as bigint);
    expect(marks.at(-1)).toBe(16n * 200n);
  });

  test('a host that answers on every port is reported once as a tarpit, its opens counted', async () => {
    const script: Script = (ip) => (ip === '127.0.0.2' ? Kind.Connected : Kind.Refused);
    const { binding } = fakeBinding({ script });
    const { hooks, results } = collect();
    const summary = await runScan(
      { targets: '127.0.0.1-127.0.0.3', ports: '1-3000', mode: 'connect', tarpitLimit: 200 },
      hooks,
      { binding },
    );
    expect(summary.tarpits).toEqual([{ ip: '127.0.0.2', open: 3000, answered: 3000 }]);
    expect(results.length).toBeLessThan(200);
    expect(summary.counters.open).toBe(3000);
  });
});

describe('connectTryTimeoutMs: a try never outlives the SYNs it may still send (root-safety #6)', () => {
  test.each([
    // [learned, attempt, retries, expected]: the kernel resends the SYN after 1 s, then every 1 s
    [3500, 0, 2, 2900],
    [3500, 2, 2, 900],
    [3500, 0, 0, 900],
    [2500, 0, 1, 1900],
    [400, 0, 0, 400],
    [1000, 1, 2, 1000],
    [1000, 2, 2, 900],
    [5000, 7, 2, 900], // past the budget (never asked for): still one SYN's worth
  ])('learned %i ms, attempt %i of retries %i: %i ms', (learnedMs, attempt, retries, expected) => {
    expect(connectTryTimeoutMs(learnedMs, attempt, retries)).toBe(expected);
  });
});
