// SPDX-License-Identifier: MIT
// service-rate.test.ts: with -sV, each identification connection counts against --rate. A /22 of
// the testbed on the model's listener ports is about half open, so identification opens about
// one connection for every two probes; the SYNs of both (raw probes or the kernel's connects)
// are counted where they arrive, in the target namespace, and no second may carry more than the
// rate (10% over at most: the send loop's 50 ms catch-up bucket). Counted from above only, so a
// busy machine that sends slower cannot fail it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { captureSyns, pcapTimes, perSecond } from '../helpers/pcap';
import { describeTestbed, isUp, model, runScan, up } from '../helpers/testbed';

const dir = mkdtempSync(join(tmpdir(), 'portscan-sv-rate-'));
const RATE_PPS = 2000;
const HOSTS = '198.18.4.0/22';

describeTestbed('-sV keeps to --rate', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test.each(['syn', 'connect'])(
    '%s mode: probes and identification connections together',
    async (mode) => {
      const ports = model().ports.join(',');
      const probes = 1024 * model().ports.length;
      const file = join(dir, `${mode}.pcap`);
      const capture = await captureSyns(file);
      const rate = String(RATE_PPS);
      const r = runScan([
        '-q',
        '-m',
        mode,
        '-sV',
        '--rate',
        rate,
        '--retries',
        '0',
        '-f',
        'ndjson',
        '-p',
        ports,
        HOSTS,
      ]);
      await capture.stop();
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(capture.stderr()).toMatch(/\b0 packets dropped by kernel/);
      const open = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { state: string; method: string })
        .filter((x) => x.state === 'open');
      expect(open.length).toBeGreaterThan(probes / 4);
      expect(open.every((x) => x.method === 'probed')).toBe(true);
      const times = pcapTimes(file);
      // Every probe, and at least one connection per open port.
      expect(times.length).toBeGreaterThanOrEqual(probes + open.length);
      const counts = perSecond(times);
      const over = counts.filter((n) => n > RATE_PPS * 1.1);
      expect({ over, counts }).toEqual({ over: [], counts });
    },
    120_000,
  );
});
