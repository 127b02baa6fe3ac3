// SPDX-License-Identifier: MIT
// symlinks.test.ts (root-safety #2): a root scan never writes through a symbolic link planted
// where it writes: the -o output, and the checkpoint's temporary (once a fixed OUT.checkpoint.tmp).
// The victim is a root-only 0600 file; it must stay byte for byte as it was. Loopback only.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';

import { closedPort, runCli } from '../helpers/cli';
import { describeRoot, scratchDir } from './root';

const SECRET = 'root:$6$secret-hash:19000:0:99999:7:::\n';

describeRoot('hostile files: symlinks', () => {
  let tmp: ReturnType<typeof scratchDir>;
  let victim: string;
  beforeEach(() => {
    tmp = scratchDir('symlinks');
    victim = tmp.path('victim');
    writeFileSync(victim, SECRET);
    chmodSync(victim, 0o600);
  });
  afterEach(() => tmp.remove());

  it('-o at a symlink: refused with a clear message, the target untouched', async () => {
    const out = tmp.path('out.ndjson');
    symlinkSync(victim, out);
    const r = runCli(['127.0.0.1', '-p', String(await closedPort()), '-f', 'ndjson', '-o', out, '-q', '-m', 'connect']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot write output file .*out\.ndjson.*symbolic link/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(victim, 'utf8')).toBe(SECRET);
    expect(statSync(victim).mode & 0o777).toBe(0o600);
  });

  it('a symlink at the old fixed OUT.checkpoint.tmp: another temporary is used, the target untouched', async () => {
    const out = tmp.path('out.ndjson');
    const cp = `${out}.checkpoint`;
    symlinkSync(victim, `${cp}.tmp`);
    const r = runCli([
      '127.0.0.1',
      '-p',
      String(await closedPort()),
      '-f',
      'ndjson',
      '-o',
      out,
      '--checkpoint',
      cp,
      '-q',
      '-m',
      'connect',
      '--user',
      'root', // the attack is on root's own writes: keep root for the whole scan
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe(SECRET);
    expect(JSON.parse(readFileSync(cp, 'utf8'))).toHaveProperty('planHash');
    // Only the planted link is left beside the output and the checkpoint: no temporary.
    expect(readdirSync(tmp.dir).sort()).toEqual([
      'out.ndjson',
      'out.ndjson.checkpoint',
      'out.ndjson.checkpoint.tmp',
      'victim',
    ]);
    expect(existsSync(`${cp}.tmp`)).toBe(true);
  });
});
