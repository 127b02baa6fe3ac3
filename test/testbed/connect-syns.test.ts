// SPDX-License-Identifier: MIT
// connect-syns.test.ts: root-safety #6. Connect mode sends at most 1 + --retries SYNs per port,
// whatever --timeout is: the kernel's own SYN retransmissions (after 1 s, then every second or
// more) inside a long try count as tries. A sniffer in the scanner namespace counts the SYNs that
// leave per port, on the testbed's silent range (1000-1999 answer nothing in variant 0).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { CLI, describeTestbed, isUp, PREFIX, TESTBED, up } from '../helpers/testbed';

const ENV = { ...process.env, TESTBED_PREFIX: PREFIX };

function run(cmd: string[], onStderr?: (text: string) => void): Promise<{ status: number | null; stdout: string }> {
  const child = spawn(TESTBED, ['run', ...cmd], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += String(d)));
  child.stderr.on('data', (d: Buffer) => onStderr?.(String(d)));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout })));
}

// [--timeout, --retries, ports]: each scan has its own ports, so one sniffer tells them apart.
const CASES: [number, number, number[]][] = [
  [3500, 2, [1000, 1001, 1002, 1003]],
  [3500, 0, [1010, 1011]],
  [2500, 1, [1020, 1021]],
  [1000, 2, [1030, 1031]],
];

describeTestbed('connect mode: SYNs per port (root-safety #6)', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test('never more than 1 + retries SYNs per silent port, whatever the timeout', async () => {
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    // 16 s: longer than the slowest scan took before the fix (3 tries of 3.5 s).
    const sniffer = run(['python3', join(__dirname, '..', 'helpers', 'syn-sniffer.py'), '16', 's0', 'ports'], (t) => {
      if (t.includes('ready')) ready();
    });
    await isReady;
    const scans = CASES.map(([timeoutMs, retries, ports]) =>
      run([
        process.execPath,
        CLI,
        ...['-q', '--mode', 'connect', '--full', '-f', 'ndjson', '--timeout', String(timeoutMs)],
        ...['--retries', String(retries), '-p', ports.join(','), '198.18.0.1'],
      ]),
    );
    const results = await Promise.all(scans);
    const perPort = JSON.parse((await sniffer).stdout) as Record<string, number>;
    CASES.forEach(([timeoutMs, retries, ports], k) => {
      const r = results[k] as { status: number | null; stdout: string };
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines).toHaveLength(ports.length); // each port reported once, as silent
      for (const line of lines) expect(JSON.parse(line)).toMatchObject({ state: 'filtered' });
      for (const port of ports) {
        const syns = perPort[String(port)] ?? 0;
        // The case goes along in the message: a failure names the timeout, retries and port.
        const atMost = { timeoutMs, retries, port, syns: Math.min(syns, 1 + retries) };
        expect({ timeoutMs, retries, port, syns }).toEqual(atMost);
        expect(syns).toBeGreaterThanOrEqual(1);
      }
    });
  }, 60000);
});
