// The identification queue (lib/service/queue.ts) with a fake identify(): every result handed
// on exactly once, the task and per-host caps, a silent host cut off, the rate's tokens, stop().
import { ServiceQueue, type Identify } from '../../lib/service/queue';
import type { ServiceFields } from '../../lib/service/prober';
import type { PortResult } from '../../lib/scanner/result';

function open(ip: string, port: number): PortResult {
  return { ip, family: 4, port, state: 'open', reason: 'syn-ack', rttMs: 1, tries: 1, service: '' };
}

/** A fake identify whose calls wait until release(); records what ran at once. */
function gate(fields: Partial<ServiceFields> = {}) {
  const waiting: (() => void)[] = [];
  const running = new Map<string, number>();
  let most = 0;
  let mostPerHost = 0;
  const calls: string[] = [];
  const identify: Identify = async (ip, port, _name, admit) => {
    calls.push(`${ip}:${port}`);
    running.set(ip, (running.get(ip) ?? 0) + 1);
    most = Math.max(
      most,
      [...running.values()].reduce((a, b) => a + b, 0),
    );
    mostPerHost = Math.max(mostPerHost, running.get(ip) as number);
    await new Promise<void>((resolve) => waiting.push(resolve));
    running.set(ip, (running.get(ip) as number) - 1);
    const ok = await admit();
    return { service: ok ? 'ssh' : 'unknown', method: ok ? 'probed' : 'table', conf: ok ? 10 : 3, ...fields };
  };
  const releaseAll = async (): Promise<void> => {
    while (waiting.length > 0) {
      for (const w of waiting.splice(0)) w();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { identify, releaseAll, calls, most: () => most, mostPerHost: () => mostPerHost };
}

it('hands every result on once, within the task and per-host caps', async () => {
  const g = gate();
  const out: PortResult[] = [];
  const q = new ServiceQueue({ tasks: 5, perHost: 2 }, (r) => out.push(r), { ratePps: 0 }, g.identify);
  for (let h = 1; h <= 4; h++) for (let p = 1; p <= 6; p++) q.submit(open(`127.0.0.${h}`, p));
  expect(q.pending).toBe(24);
  const drained = q.drain();
  await g.releaseAll();
  await drained;
  expect(out).toHaveLength(24);
  expect(new Set(out.map((r) => `${r.ip}:${r.port}`)).size).toBe(24);
  expect(out.every((r) => r.service === 'ssh' && r.method === 'probed')).toBe(true);
  expect(g.most()).toBe(5);
  expect(g.mostPerHost()).toBe(2);
  expect(q.pending).toBe(0);
});

it('stops identifying a host whose identifications keep ending silent', async () => {
  const g = gate({ service: 'unknown', method: 'table', conf: 3, silent: true });
  const out: PortResult[] = [];
  const q = new ServiceQueue({ tasks: 1, silentLimit: 3 }, (r) => out.push(r), { ratePps: 0 }, g.identify);
  for (let p = 1; p <= 10; p++) q.submit(open('127.0.0.9', p));
  const drained = q.drain();
  await g.releaseAll();
  await drained;
  expect(g.calls).toHaveLength(3);
  expect(out).toHaveLength(10);
  expect(out.every((r) => r.method === 'table' && r.service === 'unknown' && !('silent' in r))).toBe(true);
});

it('stop() hands the waiting results on unprobed and refuses new connections', async () => {
  const g = gate();
  const out: PortResult[] = [];
  const q = new ServiceQueue({ tasks: 2 }, (r) => out.push(r), { ratePps: 0 }, g.identify);
  for (let p = 1; p <= 6; p++) q.submit(open('127.0.0.1', p));
  q.stop();
  expect(out).toHaveLength(4); // the four not started
  q.submit(open('127.0.0.1', 7));
  expect(out).toHaveLength(5);
  const drained = q.drain();
  await g.releaseAll();
  await drained;
  expect(out).toHaveLength(7);
  expect(out.filter((r) => r.method === 'probed')).toHaveLength(0); // admit() said no to the running two
});

it('spaces connections at the rate', async () => {
  const out: PortResult[] = [];
  const starts: number[] = [];
  const identify: Identify = async (_ip, _port, _name, admit) => {
    await admit();
    starts.push(performance.now());
    return { service: 'x', method: 'probed', conf: 10 };
  };
  const debits: number[] = [];
  const rate = { ratePps: 50, debit: (tokens: number) => debits.push(tokens) };
  const q = new ServiceQueue({ tasks: 10 }, (r) => out.push(r), rate, identify);
  for (let p = 1; p <= 6; p++) q.submit(open('127.0.0.1', p));
  await q.drain();
  expect(out).toHaveLength(6);
  // 6 connections at 50/s: the last starts at least 5 intervals (100 ms) after the first.
  expect((starts.at(-1) as number) - (starts[0] as number)).toBeGreaterThanOrEqual(95);
  // Each took a token of the scan's own rate too.
  expect(debits).toEqual([1, 1, 1, 1, 1, 1]);
});

it('debits nothing without a rate, and nothing for a connection stopped before its token', async () => {
  const debits: number[] = [];
  const admitted: boolean[] = [];
  const identify: Identify = async (_ip, _port, _name, admit) => {
    admitted.push(await admit());
    return { service: 'x', method: 'probed', conf: 10 };
  };
  const free = new ServiceQueue({ tasks: 4 }, () => {}, { ratePps: 0, debit: (t) => debits.push(t) }, identify);
  for (let p = 1; p <= 3; p++) free.submit(open('127.0.0.1', p));
  await free.drain();
  expect(debits).toEqual([]);
  // At 2/s the second connection waits 500 ms for its token; stop() comes first.
  const slow = new ServiceQueue({ tasks: 4 }, () => {}, { ratePps: 2, debit: (t) => debits.push(t) }, identify);
  admitted.length = 0;
  slow.submit(open('127.0.0.1', 1));
  slow.submit(open('127.0.0.1', 2));
  await new Promise((r) => setTimeout(r, 50));
  slow.stop();
  await slow.drain();
  expect(admitted).toEqual([true, false]);
  expect(debits).toEqual([1]);
});
