// SPDX-License-Identifier: MIT
// planted-fifos.test.ts (root-safety #2, follow-up): a file portscan writes is a regular file
// (or a character device the user named, such as /dev/null), never a fifo planted where the output
// goes: with nobody reading it, opening it would wait forever; with the planter reading it, root's
// results would stream to them. Refused at once with one line, before any probe. Loopback only.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync, writeFileSync } from 'node:fs';

import { BIN, closedPort } from '../helpers/cli';
import { describeRoot, scratchDir } from './root';

/** Long enough for any refusal on a busy machine; an open of a fifo nobody reads never ends. */
const LIMIT_MS = 30000;

describeRoot('hostile files: fifos planted at the output', () => {
  let tmp: ReturnType<typeof scratchDir>;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });
  beforeEach(() => (tmp = scratchDir('fifos')));
  afterEach(() => tmp.remove());

  /** bin/portscan.js, killed (SIGKILL: blocked in open(), it cannot take SIGTERM) after LIMIT_MS. */
  const run = (args: string[]): { status: number | null; signal: string | null; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      timeout: LIMIT_MS,
      killSignal: 'SIGKILL',
    });
    return { status: r.status, signal: r.signal, stderr: r.stderr };
  };
  const scan = (out: string): ReturnType<typeof run> =>
    run(['127.0.0.1', '-p', String(port), '-m', 'connect', '--full', '-f', 'ndjson', '-o', out, '-q']);

  it('-o at a fifo nobody reads: refused at once', () => {
    const out = tmp.path('out.ndjson');
    execFileSync('mkfifo', [out]);
    const r = scan(out);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/cannot write output file '.*out\.ndjson': not a regular file/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.status).toBe(1);
  });

  it('-o at a fifo someone reads: refused, and the reader gets nothing', () => {
    const out = tmp.path('out.ndjson');
    execFileSync('mkfifo', [out]);
    // The planter's end: open for reading (O_NONBLOCK: no writer needed), kept open over the scan.
    const reader = openSync(out, constants.O_RDONLY | constants.O_NONBLOCK);
    let got = '';
    try {
      const r = scan(out);
      expect(r.stderr).toMatch(/not a regular file/);
      expect(r.status).toBe(1);
      const buf = Buffer.alloc(1 << 16);
      try {
        got = buf.subarray(0, readSync(reader, buf)).toString('utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err; // nothing written: nothing to read
      }
    } finally {
      closeSync(reader);
    }
    expect(got).toBe('');
  });

  it('-o /dev/null (a character device the user names) still works', () => {
    const r = scan('/dev/null');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('merge -o at a fifo: refused at once', () => {
    const input = tmp.path('in.ndjson');
    writeFileSync(input, '{"ip":"127.0.0.1","port":22,"state":"open"}\n');
    const out = tmp.path('merged');
    execFileSync('mkfifo', [out]);
    const r = run(['merge', input, '-f', 'ndjson', '-o', out]);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/not a regular file/);
    expect(r.status).toBe(1);
  });
});
