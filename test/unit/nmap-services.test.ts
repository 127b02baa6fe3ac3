// SPDX-License-Identifier: MIT
// nmap-services.test.ts: nmap's service names and --top-ports ranking, from a crafted file and
// from the installed one, compared with nmap's own <scaninfo services> (nmap -sT on loopback).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { nmapServices, parseNmapServices } from '../../lib/plan/nmap-services';

/** "21-23,25" -> [21, 22, 23, 25] */
function expand(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, k) => a + k);
  });
}

describe('nmap-services', () => {
  it('ranks by frequency, equal frequencies in file order, and skips damaged lines', () => {
    const text = [
      '# comment',
      'ssh\t22/tcp\t0.18\t# Secure Shell',
      'http\t80/tcp\t0.48',
      'domain\t53/udp\t0.21',
      'a\t1000/tcp\t0.01',
      'b\t999/tcp\t0.01',
      'junk line',
      'bad\t70000/tcp\t0.9',
      'evil\x1b[2J\t81/tcp\t0.9',
      'nofreq\t82/tcp\tx',
      'dup\t22/tcp\t0.99',
    ].join('\n');
    const s = parseNmapServices(text);
    expect(s.tcpCount).toBe(5);
    expect(s.topPorts(1)).toEqual([81]); // ranked, though its name is not shown
    expect(s.topPorts(2)).toEqual([80, 81]);
    expect(s.topPorts(4)).toEqual([22, 80, 81, 1000]); // 1000 before 999: file order on a tie
    expect(s.topPorts(10)).toEqual([22, 80, 81, 999, 1000]);
    expect(s.nameOf(22)).toBe('ssh');
    expect(s.nameOf(53)).toBe('');
    expect(s.nameOf(81)).toBe('');
  });

  it('reads nothing from a missing path, a directory or a device', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nmap-services-'));
    expect(nmapServices([join(dir, 'none'), dir, '/dev/zero'])).toBeNull();
    const f = join(dir, 'nmap-services');
    writeFileSync(f, 'ssh\t22/tcp\t0.1\n');
    expect(nmapServices([join(dir, 'none'), f])?.topPorts(5)).toEqual([22]);
  });

  const installed = nmapServices();
  it("chooses nmap's own --top-ports lists (nmap on loopback)", () => {
    if (!installed || !existsSync('/usr/bin/nmap')) throw new Error('nmap is not installed (apt-get install nmap)');
    for (const n of [10, 100, 1000]) {
      // -sT on 127.0.0.1 only; the list is in <scaninfo services>.
      const xml = execFileSync('nmap', ['-sT', '--top-ports', String(n), '-n', '-Pn', '-oX', '-', '127.0.0.1'], {
        encoding: 'utf8',
      });
      const m = / services="([^"]+)"/.exec(xml);
      expect(m).not.toBeNull();
      expect(installed.topPorts(n)).toEqual(expand((m as RegExpExecArray)[1] as string));
    }
    expect(installed.nameOf(8080)).toBe('http-proxy');
  }, 60_000);
});
