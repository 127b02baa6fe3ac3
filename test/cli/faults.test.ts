// SPDX-License-Identifier: MIT
// faults.test.ts: the ways a scan can end badly, on loopback: an output path that cannot be
// written (exit 1 before anything is sent), a disk that fills up mid-scan (exit 1, what was
// written kept), and Ctrl-C in SYN mode (sending stops, the replies in flight are still
// counted, the file is valid, exit 130). Root-only parts are skipped with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadBinding } from '../../lib/native/binding';
import { synUnavailable } from '../../lib/scanner/privileges';
import { countingServer, runCli, settle, startCli, waitFor } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'portscan-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const itRoot = isRoot ? it : it.skip;
const synBlocker = synUnavailable(loadBinding());
const itSyn = synBlocker ? it.skip : it;

describe('an output path that cannot be written', () => {
  it('exits 1 with the reason, and sends nothing', async () => {
    const server = await countingServer();
    try {
      const r = runCli([
        '--mode',
        'connect',
        '-p',
        String(server.port),
        '-o',
        join(dir, 'no', 'such', 'dir', 'out.txt'),
        '127.0.0.1',
      ]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/cannot write output file '.*out\.txt': ENOENT/);
      await settle();
      expect(server.connections()).toBe(0);
    } finally {
      await server.close();
    }
  });
});

describe('a disk that fills up mid-scan', () => {
  const mnt = join(dir, 'small');
  let mounted = false;
  beforeAll(() => {
    if (!isRoot) return;
    execFileSync('mkdir', ['-p', mnt]);
    mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
  });

  itRoot('exits 1 saying the disk is full, and keeps the lines written', () => {
    expect(mounted).toBe(true);
    const out = join(mnt, 'out.ndjson');
    const r = runCli(['-q', '--mode', 'connect', '-p', '1-20000', '--full', '-f', 'ndjson', '-o', out, '127.0.0.1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ENOSPC/);
    const lines = readFileSync(out, 'utf8').split('\n');
    const complete = lines.slice(0, -1); // the last write may have been cut short by the full disk
    expect(complete.length).toBeGreaterThan(100);
    for (const l of complete) expect(JSON.parse(l)).toMatchObject({ ip: '127.0.0.1', state: expect.any(String) });
  });
});

describe('Ctrl-C in SYN mode', () => {
  itSyn('stops sending, keeps what was found, leaves valid JSON, exits 130', async () => {
    const out = join(dir, 'syn-int.json');
    const { child, done } = startCli([
      '-v',
      '--mode',
      'syn',
      '-p-',
      '--rate',
      '5000',
      '--full',
      '-f',
      'json',
      '-o',
      out,
      '127.0.0.1',
    ]);
    // Interrupted once over 1000 results are written, however slowly a busy machine starts it.
    const written = (): number => (existsSync(out) ? readFileSync(out, 'utf8').split('"port"').length - 1 : 0);
    await waitFor('1000 results', () => written() > 1000);
    expect(child.exitCode).toBeNull();
    const t0 = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(r.status).toBe(130);
    expect(Date.now() - t0).toBeLessThan(3000); // stops within the wait, not after the plan
    const arr = JSON.parse(readFileSync(out, 'utf8')) as { port: number; state: string }[];
    expect({ found: arr.length > 1000, stderr: r.stderr }).toMatchObject({ found: true });
    expect(arr.length).toBeLessThan(65535);
    expect(new Set(arr.map((x) => x.port)).size).toBe(arr.length); // each port once
  });
});
