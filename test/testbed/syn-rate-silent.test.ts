// SPDX-License-Identifier: MIT
// syn-rate-silent.test.ts: the asked rate holds on an Internet-shaped plan where nothing answers.
// 1,048,576 probes (the /16 times 16 ports of the testbed's silent range) at --rate 50000 with
// --retries 0: every probe waits out its whole timeout in the tables, so a table sized for less
// than the rate times the wait throttles the sender (it sent 33 kpps here before). The SYNs are
// counted where they arrive, in the target namespace, by tcpdump with kernel timestamps, so a
// busy machine that schedules the counter late does not move packets into the wrong second.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeTestbed, isUp, model, PREFIX, runScan, up } from '../helpers/testbed';

const dir = mkdtempSync(join(tmpdir(), 'portscan-rate-'));
const RATE_PPS = 50000;
const PROBES = 65536 * 16;

/** Arrival times (seconds) of the packets in a classic pcap file (microsecond timestamps). */
function pcapTimes(file: string): number[] {
  const b = readFileSync(file);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap file');
  const times: number[] = [];
  for (let off = 24; off + 16 <= b.length;) {
    times.push(b.readUInt32LE(off) + b.readUInt32LE(off + 4) / 1e6);
    off += 16 + b.readUInt32LE(off + 8);
  }
  return times;
}

/** Starts tcpdump in the target namespace; resolves once it is capturing. */
async function startCapture(file: string): Promise<{ proc: ChildProcess; stderr: () => string }> {
  const proc = spawn(
    'ip',
    ['netns', 'exec', `${PREFIX}-tgt`, 'tcpdump', '-i', 't0', '-n', '-s', '64', '-B', '131072', '-w', file].concat([
      'tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn',
    ]),
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  await new Promise<void>((resolve, reject) => {
    proc.stderr?.on('data', (d: Buffer) => {
      err += String(d);
      if (err.includes('listening on')) resolve();
    });
    proc.on('exit', (code) => reject(new Error(`tcpdump exited (${code}): ${err}`)));
  });
  return { proc, stderr: () => err };
}

describeTestbed('the asked rate on an all-silent plan', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test(`${PROBES} silent probes at --rate ${RATE_PPS}: within 5% in every second, counted at the target`, async () => {
    const [first] = model().silent;
    const ports = `${first}-${first + 15}`;
    const file = join(dir, 'syns.pcap');
    const capture = await startCapture(file);
    const rate = String(RATE_PPS);
    const r = runScan(['-q', '--mode', 'syn', '--rate', rate, '--retries', '0', '-p', ports, '198.18.0.0/16']);
    const exited = new Promise((resolve) => capture.proc.on('close', resolve));
    capture.proc.kill('SIGINT');
    await exited;
    expect(r.status).toBe(0);
    // tcpdump says how many it lost; a lost packet would make a second look slow.
    expect(capture.stderr()).toMatch(/\b0 packets dropped by kernel/);
    const times = pcapTimes(file);
    expect(times).toHaveLength(PROBES); // every probe once: no retries asked, nothing repeated
    const t0 = times[0] as number;
    const seconds = Math.floor((times[times.length - 1] as number) - t0);
    expect(seconds).toBeGreaterThanOrEqual(19); // 21 s of sending at the rate
    const perSecond = new Array<number>(seconds).fill(0);
    for (const t of times) {
      const k = Math.floor(t - t0);
      if (k < seconds) perSecond[k] = (perSecond[k] as number) + 1;
    }
    // Every whole second after the first.
    const off = perSecond.slice(1).filter((n) => n < RATE_PPS * 0.95 || n > RATE_PPS * 1.05);
    expect({ off, perSecond }).toEqual({ off: [], perSecond });
  }, 120_000);
});
