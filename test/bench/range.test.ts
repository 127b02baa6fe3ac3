// SPDX-License-Identifier: MIT
// range.test.ts: the bench range gives the pattern it claims. Builds it (prefix psbt1, so it
// never meets a user's psb range or the shared testbed), scans a /28 of it with portscan's
// connect mode inside the scanner namespace, every port reported (--full), and checks each
// (address, port) state against truth.ts; also that the range is sealed (the scanner side has
// one route, to the bench block) and that down() leaves nothing behind. Root only.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { BenchRange } from '../../lib/bench/range';
import { readNdjson } from '../../lib/bench/portscan';
import { expandHosts, expandPorts, expected, hostIndex, score, stateOf } from '../../lib/bench/truth';
import { CLI, describeRoot, namespacesOf } from './helpers';

const PREFIX = 'psbt1';
const HOSTS = '198.18.1.0/28';
const PORTS = '21-23,80,443,3389,5000-5003,8080,9100,9199,9200';

describeRoot('the bench range', () => {
  const range = new BenchRange({ prefix: PREFIX });
  const dir = mkdtempSync(join(tmpdir(), 'portscan-bench-range-'));

  beforeAll(async () => {
    await range.up();
  }, 60000);
  afterAll(() => range.down());

  /** Runs the portscan CLI with `args` inside the range's scanner namespace. */
  const scan = (args: string[], timeout: number): SpawnSyncReturns<string> =>
    spawnSync('ip', ['netns', 'exec', range.scanNs, process.execPath, CLI, ...args], { encoding: 'utf8', timeout });

  test('the scanner side routes only to the bench block', () => {
    const r = spawnSync('ip', ['netns', 'exec', range.scanNs, 'ip', '-4', 'route', 'show'], { encoding: 'utf8' });
    const routes = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim());
    expect(routes.some((l) => l.startsWith('default'))).toBe(false);
    expect(routes.filter((l) => l.startsWith('198.18.0.0/16'))).toHaveLength(1);
    expect(routes.filter((l) => !l.startsWith('198.18.0.0/16') && !l.startsWith('198.19.254.0/30'))).toEqual([]);
  });

  test(`a connect scan of ${HOSTS} x ${PORTS} finds exactly the pattern`, () => {
    const out = join(dir, 'scan.ndjson');
    const r = scan(['-q', '--mode', 'connect', '-p', PORTS, '--full', '-f', 'ndjson', '-o', out, HOSTS], 60000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const hosts = expandHosts(HOSTS);
    const ports = expandPorts(PORTS);
    expect(lines).toHaveLength(hosts.length * ports.length);
    // Every (address, port) once, in the state the pattern gives it.
    const seen = new Map<string, string>();
    for (const line of lines) {
      const rec = JSON.parse(line) as { ip: string; port: number; state: string };
      expect(seen.has(`${rec.ip} ${rec.port}`)).toBe(false);
      seen.set(`${rec.ip} ${rec.port}`, rec.state);
    }
    const wrong: string[] = [];
    for (const ip of hosts)
      for (const port of ports)
        if (seen.get(`${ip} ${port}`) !== stateOf(hostIndex(ip), port))
          wrong.push(`${ip} ${port}: ${seen.get(`${ip} ${port}`)} != ${stateOf(hostIndex(ip), port)}`);
    expect(wrong).toEqual([]);
    // And through the scorer the bench uses: exact, no state confused.
    const want = expected(HOSTS, PORTS);
    const s = score(want, readNdjson(out));
    expect(s).toMatchObject({ exact: true, recall: 1, falseOpen: 0, wrongState: 0 });
    // The pattern really has all three states here, on several ports each.
    expect(want.counts.open).toBeGreaterThan(16);
    expect(want.counts.closed).toBeGreaterThan(16);
    expect(want.counts.filtered).toBeGreaterThan(16);
  });

  test('the target counts the SYNs it receives', () => {
    const before = range.synCount();
    const r = scan(['-q', '--mode', 'connect', '-p', '80,81', '-f', 'ndjson', '198.18.2.1'], 30000);
    expect(r.status).toBe(0);
    expect(range.synCount() - before).toBe(2);
  });

  test('down() removes both namespaces, and again is harmless', () => {
    const other = new BenchRange({ prefix: 'psbt4' });
    return other.up().then(() => {
      expect(namespacesOf('psbt4').sort()).toEqual(['psbt4-scan', 'psbt4-tgt']);
      other.down();
      other.down();
      expect(namespacesOf('psbt4')).toEqual([]);
    });
  }, 60000);
});
