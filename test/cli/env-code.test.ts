// SPDX-License-Identifier: MIT
// env-code.test.ts: root-safety #4. No code is loaded from the environment: a file named by
// PORTSCAN_NATIVE (once read by lib/native/binding.ts) must never run, and lib/ reads no
// process.env at all. The scan is on loopback only.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BIN, ROOT, closedPort } from '../helpers/cli';

describe('code from the environment (root-safety #4)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'portscan-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('PORTSCAN_NATIVE=evil.js is never loaded', async () => {
    const marker = join(dir, 'marker');
    const evil = join(dir, 'evil.js');
    writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\n`);
    const port = await closedPort();
    const r = spawnSync(process.execPath, [BIN, '-p', String(port), '--full', '127.0.0.1'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60000,
      env: { ...process.env, PORTSCAN_NATIVE: evil, NO_COLOR: '1' },
    });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(0); // the real addon still scans
    expect(existsSync(marker)).toBe(false);
  });

  test('lib/ reads nothing from process.env', () => {
    const readers: string[] = [];
    const walk = (d: string): void => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts') && /process\s*\.\s*env/.test(readFileSync(path, 'utf8'))) readers.push(path);
      }
    };
    walk(join(ROOT, 'lib'));
    expect(readers).toEqual([]);
  });
});
