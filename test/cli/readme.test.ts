// SPDX-License-Identifier: MIT
// readme.test.ts: the README's sample outputs are what their commands print. It runs
// scripts/readme-samples.js (connect-mode scans of 127.0.0.5 only, against listeners it opens on
// that address, DNS blocked) into a copy of README.md and compares the copy with README.md after
// normalising only what varies from run to run: elapsed times ("in 0.08 s") and round trips
// ("rtt_ms":0.19), and the dates of the nmap forms ("Tue Dec  1 10:08:06 2026"). Nothing is
// timed. Also: the script refuses a sample aimed at another address, and names a stray listener
// on a sampled port instead of sampling it. Needs dist/ built.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT } from '../helpers/cli';

const SCRIPT = join(ROOT, 'scripts', 'readme-samples.js');
const README = join(ROOT, 'README.md');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portscan-readme-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the samples script on `readme`, writing to `out`. */
function regenerate(readme: string, out: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, '--readme', readme, '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stderr: r.stderr };
}

/** What may differ between two runs of the same sample: elapsed times, round trips, dates (nmap forms). */
function normalise(text: string): string {
  return text
    .replace(/\bin \d+\.\d+ s(econds)?\b/g, 'in N s')
    .replace(/"rtt_ms":\d+(\.\d+)?/g, '"rtt_ms":N')
    .replace(/\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\b/g, 'DATE');
}

describe('README.md samples (npm run readme:samples regenerates them)', () => {
  it('every sample block is what its command prints now', () => {
    const out = join(dir, 'README.regenerated.md');
    expect(regenerate(README, out)).toEqual({ status: 0, stderr: '' });
    const readme = readFileSync(README, 'utf8');
    const regenerated = readFileSync(out, 'utf8');
    expect(readme).toContain('<!-- sample: portscan --mode connect 127.0.0.5 -->');
    expect(normalise(regenerated)).toBe(normalise(readme));
  });

  it('refuses a sample that targets another address, before scanning anything', () => {
    const readme = join(dir, 'other-target.md');
    writeFileSync(readme, '<!-- sample: portscan --mode connect -p 80 127.0.0.1 -->\n```\n```\n');
    const r = regenerate(readme, join(dir, 'other-target.out.md'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('its targets must be 127.0.0.5 only, got 127.0.0.1');
  });

  it('names a stray listener on a sampled port instead of sampling it', async () => {
    // 1512 is on the Standard list and is not one of the script's own listeners.
    const stray: Server = createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      stray.once('error', reject);
      stray.listen(1512, '127.0.0.5', resolve);
    });
    try {
      const readme = join(dir, 'stray.md');
      writeFileSync(readme, '<!-- sample: portscan --mode connect 127.0.0.5 -->\n```\n```\n');
      // spawnSync blocks this process; the kernel still completes the scanner's handshakes.
      const r = regenerate(readme, join(dir, 'stray.out.md'));
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('127.0.0.5 answers on port 1512 before the sample');
    } finally {
      await new Promise<void>((resolve) => stray.close(() => resolve()));
    }
  });
});
