// SPDX-License-Identifier: MIT
// syn-batch.test.ts: what the SYN engine hands to TypeScript, per batch: one object,
// { records, count, stats, done, thread, mark, maxPosition }, with the counters by name
// (native/engine_syn.cc, lib/native/types.ts SynBatch). A small scan of 127.0.0.1 through
// runScan, given the real addon with its SynEngine wrapped so that every delivery is seen on its
// way to the scanner; the counters of the last batch must be those the summary reports. Needs
// CAP_NET_RAW and libpcap; skipped with the reason otherwise.
import { createServer, type Server } from 'node:net';

import { loadBinding } from '../../lib/native/binding';
import { RESULT } from '../../lib/native/records';
import type { NativeBinding, SynBatch, SynBatchCallback } from '../../lib/native/types';
import { runScan } from '../../lib/scan';
import { synUnavailable } from '../../lib/scanner/privileges';

const binding = loadBinding();
const blocker = synUnavailable(binding);
const describeRaw = blocker
  ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${blocker})`, fn)
  : describe;

type SynEngineClass = NativeBinding['SynEngine'];

const STATS_KEYS = ['duplicates', 'inFlight', 'late', 'pcapDrops', 'replies', 'sendPhaseUs', 'sent', 'sentinels'];
const BATCH_KEYS = ['count', 'done', 'mark', 'maxPosition', 'records', 'stats', 'thread'];

describeRaw('the SYN engine batch object', () => {
  let server: Server;
  beforeAll(async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('arrives as named fields, and its last counters are the summary', async () => {
    const own = (server.address() as { port: number }).port;
    const ports = [own, ...Array.from({ length: 20 }, (_, k) => 1 + k)];
    const open: number[] = [];
    const seen: { err: Error | null; batch: SynBatch | null }[] = [];
    const Real = binding.SynEngine;
    const observed = function (...args: ConstructorParameters<SynEngineClass>) {
      const [opts, intervals, planPorts, onBatch] = args;
      const spy: SynBatchCallback = (err, batch) => {
        seen.push({ err, batch });
        onBatch(err, batch);
      };
      return new Real(opts, intervals, planPorts, spy);
    } as unknown as SynEngineClass;
    const summary = await runScan(
      { targets: '127.0.0.1', ports, mode: 'syn' },
      { onResult: (r) => r.state === 'open' && open.push(r.port) },
      { binding: { ...binding, SynEngine: observed } },
    );
    expect(open).toContain(own);
    expect(seen.length).toBeGreaterThan(0);
    let results = 0;
    seen.forEach(({ err, batch }, k) => {
      expect(err).toBeNull();
      if (batch === null) throw new Error('a delivery with no batch and no error');
      expect(Object.keys(batch).sort()).toEqual(BATCH_KEYS);
      expect(Object.keys(batch.stats).sort()).toEqual(STATS_KEYS);
      for (const v of Object.values(batch.stats)) expect(typeof v).toBe('number');
      expect(batch.records.byteLength).toBe(batch.count * RESULT.size);
      expect(batch.done).toBe(k === seen.length - 1); // done once, on the last batch
      expect(batch.maxPosition).toBeLessThan(ports.length);
      results += batch.count;
    });
    expect(results).toBe(ports.length); // one result per probe
    const last = (seen[seen.length - 1] as { batch: SynBatch }).batch.stats;
    // Loopback answers every probe (SYN-ACK or RST), at the first try.
    expect({ replies: last.replies, inFlight: last.inFlight, sent: last.sent }).toEqual({
      replies: ports.length,
      inFlight: 0,
      sent: ports.length,
    });
    expect(summary.engine).toMatchObject({
      sent: last.sent,
      replies: last.replies,
      duplicates: last.duplicates,
      late: last.late,
      pcapDrops: last.pcapDrops,
      sentinels: last.sentinels,
      sendPhaseMs: last.sendPhaseUs / 1000,
    });
  });
});
