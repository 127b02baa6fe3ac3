// SPDX-License-Identifier: MIT
// interrupt.test.ts: `portscan bench` cleans up however it is stopped. Runs the real command as
// a child (its own namespace prefix, a slow SYN sweep so a scan is in flight), waits until it
// says the range is up, interrupts it (SIGINT once, SIGTERM once, SIGINT twice), and checks that
// it exits 130 and leaves no namespace and no lock file behind. Also: without root it prints one
// line saying so and exits 2 (run as user nobody when the tests run as root).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { CLI, describeRoot, namespacesOf, ROOT } from './helpers';

function runUntilUp(prefix: string): Promise<{ child: ReturnType<typeof spawn>; stderr: () => string }> {
  const child = spawn(
    process.execPath,
    [CLI, 'bench', '--prefix', prefix, '--modes', 'syn', '--syn-rates', '2000', '--loss', '', '--delay', '0'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the bench did not bring its range up in 60 s: ${err}`)), 60000);
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      // Up, and the first scan started (its sweep line is printed just before).
      if (/sweep syn:/.test(err)) {
        clearTimeout(timer);
        resolve({ child, stderr: () => err });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench exited (${String(code)}) before its range was up: ${err}`));
    });
  });
}

function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve({ code: child.exitCode, ms: 0 });
    child.on('exit', (code) => resolve({ code, ms: Date.now() - t0 }));
  });
}

describeRoot('portscan bench, interrupted', () => {
  test.each([
    ['SIGINT', 'psbt2', ['SIGINT']],
    ['SIGTERM', 'psbt3', ['SIGTERM']],
    ['SIGINT twice', 'psbt5', ['SIGINT', 'SIGINT']],
  ] as const)(
    '%s while a scan runs: exit 130, no namespace left',
    async (_name, prefix, signals) => {
      const { child, stderr } = await runUntilUp(prefix);
      expect(namespacesOf(prefix).sort()).toEqual([`${prefix}-scan`, `${prefix}-tgt`]);
      await new Promise((r) => setTimeout(r, 1000));
      const done = exitOf(child);
      for (const sig of signals) {
        child.kill(sig);
        await new Promise((r) => setTimeout(r, 50));
      }
      const { code, ms } = await done;
      expect(code).toBe(130);
      expect(ms).toBeLessThan(15000);
      expect(namespacesOf(prefix)).toEqual([]);
      expect(existsSync(`/run/portscan-bench-${prefix}.pid`)).toBe(false);
      if (signals.length === 1) expect(stderr()).toMatch(/range removed/);
    },
    90000,
  );
});

describe('portscan bench without root', () => {
  const asRoot = process.getuid?.() === 0;
  test('prints one line saying it needs root and exits 2', () => {
    const r = spawnSync(process.execPath, [CLI, 'bench'], {
      cwd: ROOT,
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    if (asRoot && /EACCES|permission denied/i.test(r.stderr) && r.status !== 2) {
      // nobody cannot read the checkout: nothing to learn here.
      return;
    }
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/needs root/);
    expect(r.stdout).toBe('');
  });
});
