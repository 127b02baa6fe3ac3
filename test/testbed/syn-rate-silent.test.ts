// SPDX-License-Identifier: MIT
// syn-rate-silent.test.ts: the asked rate holds on an Internet-shaped plan where nothing answers.
// 1,048,576 probes (the /16 times 16 ports of the testbed's silent range) at --rate 50000 with
// --retries 0: every probe waits out its whole timeout in the tables, so a table sized for less
// than the rate times the wait throttles the sender (it sent 33 kpps here before). The SYNs are
// counted where they arrive, in the target namespace, by tcpdump with kernel timestamps, so a
// busy machine that schedules the counter late does not move packets into the wrong second.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { captureSyns, pcapTimes, perSecond } from '../helpers/pcap';
import { describeTestbed, isUp, model, runScan, up } from '../helpers/testbed';

const dir = mkdtempSync(join(tmpdir(), 'portscan-rate-'));
const RATE_PPS = 50000;
const PROBES = 65536 * 16;

describeTestbed('the asked rate on an all-silent plan', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test(`${PROBES} silent probes at --rate ${RATE_PPS}: within 5% in every second, counted at the target`, async () => {
    const [first] = model().silent;
    const ports = `${first}-${first + 15}`;
    const file = join(dir, 'syns.pcap');
    const capture = await captureSyns(file);
    const rate = String(RATE_PPS);
    const r = runScan(['-q', '--mode', 'syn', '--rate', rate, '--retries', '0', '-p', ports, '198.18.0.0/16']);
    await capture.stop();
    expect(r.status).toBe(0);
    // tcpdump says how many it lost; a lost packet would make a second look slow.
    expect(capture.stderr()).toMatch(/\b0 packets dropped by kernel/);
    const times = pcapTimes(file);
    expect(times).toHaveLength(PROBES); // every probe once: no retries asked, nothing repeated
    const counts = perSecond(times);
    expect(counts.length).toBeGreaterThanOrEqual(19); // 21 s of sending at the rate
    // Every whole second after the first.
    const off = counts.slice(1).filter((n) => n < RATE_PPS * 0.95 || n > RATE_PPS * 1.05);
    expect({ off, counts }).toEqual({ off: [], counts });
  }, 120_000);
});
