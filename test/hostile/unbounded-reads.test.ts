// SPDX-License-Identifier: MIT
// unbounded-reads.test.ts (root-safety #8): every file portscan reads (-i, --exclude-file,
// --resume, merge's inputs) is capped and must be a regular file or a pipe: /dev/zero, a
// directory or a file over the cap is refused at once with one clear line, never read into memory
// without end. A fifo with content is read. Loopback only (the refusals come before any probe).
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { truncateSync, writeFileSync } from 'node:fs';

import { closedPort, runCli } from '../helpers/cli';
import { MAX_INPUT_BYTES } from '../../lib/safe-fs';
import { describeRoot, scratchDir } from './root';

/** Long enough for any refusal on a busy machine; far too short to read /dev/zero into 3 GB. */
const LIMIT_MS = 30000;

describeRoot('hostile files: unbounded reads', () => {
  let tmp: ReturnType<typeof scratchDir>;
  let port: number;
  beforeAll(async () => {
    port = await closedPort();
  });
  beforeEach(() => (tmp = scratchDir('reads')));
  afterEach(() => tmp.remove());

  const refused = (args: string[], what: RegExp): void => {
    // (--resume may be given with no option that changes the scan: -q only.)
    const r = runCli([...args, ...(args.includes('--resume') ? [] : ['-m', 'connect']), '-q'], LIMIT_MS);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(what);
    expect(r.stderr.split('\n').filter(Boolean).length).toBeLessThanOrEqual(2);
    expect(r.status).toBe(2);
  };

  it.each([
    ['-i', ['-p', 'PORT', '-i', '/dev/zero']],
    ['--exclude-file', ['127.0.0.1', '-p', 'PORT', '--exclude-file', '/dev/zero']],
    ['--resume', ['--resume', '/dev/zero']],
  ])('%s /dev/zero is refused as not a regular file', (_name, args) => {
    refused(
      args.map((a) => (a === 'PORT' ? String(port) : a)),
      /'\/dev\/zero'.*not a regular file/,
    );
  });

  it('merge refuses /dev/zero', () => {
    const r = runCli(['merge', '/dev/zero'], LIMIT_MS);
    expect(r.signal).toBeNull();
    expect(r.stderr).toMatch(/'\/dev\/zero'.*not a regular file/);
    expect(r.status).toBe(2);
  });

  it('a target file over the cap is refused without reading it (sparse)', () => {
    const big = tmp.path('huge.txt');
    writeFileSync(big, '');
    truncateSync(big, MAX_INPUT_BYTES + 1);
    refused(['-p', String(port), '-i', big], new RegExp(`huge\\.txt' is larger than ${MAX_INPUT_BYTES} bytes`));
  });

  it('a directory given as a target file or an exclude file is refused', () => {
    refused(['-p', String(port), '-i', tmp.dir], /not a regular file/);
    refused(['127.0.0.1', '-p', String(port), '--exclude-file', tmp.dir], /not a regular file/);
  });

  it('a fifo with content is read', async () => {
    const fifo = tmp.path('targets.fifo');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'printf "127.0.0.1\\n" > "$1"', 'sh', fifo], { stdio: 'ignore' });
    const wrote = new Promise((resolve) => writer.on('close', resolve));
    const r = runCli(['-p', String(port), '-i', fifo, '-m', 'connect', '-f', 'list', '--full'], LIMIT_MS);
    await wrote;
    expect(r.stderr).toMatch(/0 open of 1 probed/);
    expect(r.status).toBe(0);
  });
});
