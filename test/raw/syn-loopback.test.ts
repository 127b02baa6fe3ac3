// SPDX-License-Identifier: MIT
// syn-loopback.test.ts: Stealth (SYN) mode on this machine's own loopback, where the seed's
// Stealth mode could not go: every port of 127.0.0.1 (and of ::1) scanned with raw SYNs must
// agree with the kernel's own list of listening sockets (`ss -ltn`). Needs CAP_NET_RAW and
// libpcap; skipped with the reason otherwise.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';

import { loadBinding } from '../../lib/native/binding';
import { synUnavailable } from '../../lib/scanner/privileges';
import { runCli } from '../helpers/cli';

const blocker = synUnavailable(loadBinding());
const describeRaw = blocker
  ? (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${blocker})`, fn)
  : describe;

/** Ports the kernel says accept connections on `target` (127.0.0.1 or ::1). */
function listening(target: '127.0.0.1' | '::1'): Set<number> {
  const out = execFileSync('ss', ['-ltnH'], { encoding: 'utf8' });
  const ports = new Set<number>();
  for (const line of out.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    if (!local) continue;
    const at = local.lastIndexOf(':');
    const addr = local.slice(0, at).replace(/%.*$/, '');
    const port = Number(local.slice(at + 1));
    const v4 = ['127.0.0.1', '0.0.0.0', '*', '[::]', '[::ffff:127.0.0.1]'];
    const v6 = ['[::1]', '[::]', '*'];
    if ((target === '127.0.0.1' ? v4 : v6).includes(addr)) ports.add(port);
  }
  return ports;
}

function scanOpen(target: string): { open: Set<number>; lines: string[]; stderr: string } {
  const out = join(mkdtempSync(join(tmpdir(), 'portscan-lo-')), 'out.txt');
  const r = runCli(['-v', '--mode', 'syn', '-p-', '--full', '-f', 'list', '-o', out, target]);
  expect(r.status).toBe(0);
  const lines = readFileSync(out, 'utf8').split('\n');
  const open = new Set(lines.filter((l) => l.endsWith(' open')).map((l) => Number(l.split(' ')[1])));
  return { open, lines, stderr: r.stderr };
}

describeRaw('syn mode on loopback', () => {
  let v4: Server;
  let v6: Server;
  beforeAll(async () => {
    v4 = createServer((s) => s.destroy());
    v6 = createServer((s) => s.destroy());
    await new Promise<void>((resolve) => v4.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => v6.listen(0, '::1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => v4.close(resolve));
    await new Promise((resolve) => v6.close(resolve));
  });

  test.each(['127.0.0.1', '::1'] as const)('%s, all 65535 ports, agrees with ss -ltn', (target) => {
    const before = listening(target);
    const scan = scanOpen(target);
    const found = scan.open;
    const after = listening(target);
    const own = ((target === '127.0.0.1' ? v4 : v6).address() as { port: number }).port;
    expect({ own: scan.lines.find((l) => l.split(' ')[1] === String(own)), stderr: scan.stderr }).toEqual({
      own: `${target} ${own} open`,
      stderr: expect.stringContaining('of 65535 probed (65535 planned)'),
    });
    // Every port listening throughout was found; nothing was found that never listened.
    for (const p of before) if (after.has(p)) expect(found).toContain(p);
    for (const p of found) expect(before.has(p) || after.has(p)).toBe(true);
  });
});
