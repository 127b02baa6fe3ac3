// SPDX-License-Identifier: MIT
// connect-abort.test.ts: root-safety #13 (second half). Interrupting a connect scan ends it
// promptly: the probes queued in native code and not yet sent are dropped, so the results that
// still arrive after the interrupt are bounded by the window in flight (--tasks), not by the
// queue (two windows and a chunk, 4,224 probes here). On the testbed's silent range, where
// every probe waits its whole timeout, so the queue is never empty when the interrupt comes.
import { spawn } from 'node:child_process';

import { CLI, describeTestbed, isUp, PREFIX, TESTBED, up } from '../helpers/testbed';

const TASKS = 64;

describeTestbed('connect mode: interrupt (root-safety #13)', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test('results after SIGINT are bounded by the window, not the queue', async () => {
    const args = ['-q', '--mode', 'connect', '--full', '-f', 'ndjson', '--tasks', String(TASKS)];
    const child = spawn(
      TESTBED,
      [
        'run',
        process.execPath,
        CLI,
        ...args,
        '--timeout',
        '300',
        '--retries',
        '0',
        '-p',
        '22,1000-1999',
        '198.18.0.0/24',
      ],
      { env: { ...process.env, TESTBED_PREFIX: PREFIX }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let lines = 0;
    let atSignal = -1;
    child.stdout.on('data', (d: Buffer) => {
      lines += String(d).split('\n').length - 1;
      if (atSignal < 0 && lines >= 600) {
        atSignal = lines;
        process.kill(-(child.pid as number), 'SIGINT'); // the whole group: testbed run and the CLI
      }
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(atSignal).toBeGreaterThan(0);
    expect(status).not.toBe(0); // interrupted
    const after = lines - atSignal;
    console.log(`results after SIGINT: ${after}`);
    expect(after).toBeLessThanOrEqual(2 * TASKS);
  }, 120000);
});
