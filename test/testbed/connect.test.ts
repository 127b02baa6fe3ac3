// SPDX-License-Identifier: MIT
// connect.test.ts: Conventional (connect) mode against the testbed's ground truth: every open,
// closed and silent port of a /29 (and an IPv6 /125) over all 65535 ports, told apart exactly,
// for the default pattern and for a moved one (--variant).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeTestbed, down, isUp, model, runScan, truth, up, verify } from '../helpers/testbed';

const dir = mkdtempSync(join(tmpdir(), 'portscan-tb-'));

describeTestbed('connect mode on the testbed', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test.each([
    ['IPv4', '198.18.0.0/29'],
    ['IPv6', '2001:2::/125'],
  ])('%s %s x 1-65535: exact, closed and silent told apart', (_family, hosts) => {
    const out = join(dir, `${_family}.ndjson`);
    const r = runScan(['-q', '--mode', 'connect', '-p', '1-65535', '--full', '-f', 'ndjson', '-o', out, hosts]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8 * 65535); // every (host, port) once
    const { status, verdict } = verify(hosts, '1-65535', out, { strictClosed: true });
    expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, malformed: 0, recall: 1 });
    expect(verdict.expected.filtered).toBeGreaterThan(0);
    expect(status).toBe(0);
  });

  describe('with the ports moved (--variant 7)', () => {
    const prefix = 'ptbv7';
    beforeAll(() => up(prefix, ['--variant', '7']));
    afterAll(() => down(prefix));

    test('198.18.0.0/29 x 1-65535 exact', () => {
      const out = join(dir, 'variant.ndjson');
      const r = runScan(['-q', '-p', '1-65535', '--full', '-f', 'ndjson', '-o', out, '198.18.0.0/29'], prefix);
      expect(r.status).toBe(0);
      const { status, verdict } = verify('198.18.0.0/29', '1-65535', out, { strictClosed: true, prefix });
      expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, recall: 1 });
      expect(status).toBe(0);
    });
  });

  test('the default table lists each host with its open ports and counts', () => {
    const m = model();
    const ports = [...m.ports, m.silent[0], m.silent[0] + 1, 5].sort((a, b) => a - b).join(',');
    const hosts = '198.18.0.0/30';
    const expected = truth(hosts, ports);
    const r = runScan(['-q', '-p', ports, hosts]);
    expect(r.status).toBe(0);
    let closed = 0;
    let silent = 0;
    for (const ip of ['198.18.0.0', '198.18.0.1', '198.18.0.2', '198.18.0.3']) {
      const row = r.stdout.split('\n').find((l) => l.startsWith(`${ip} `));
      expect(row).toBeDefined();
      const cells = (row as string).trim().split(/\s{2,}/);
      const openPorts = expected.open.filter(([h]) => h === ip).map(([, p]) => p);
      const shown = cells[1] === '-' ? [] : (cells[1] as string).split(', ').map((c) => Number.parseInt(c, 10));
      expect(shown).toEqual(openPorts);
      closed += Number(cells[2]);
      silent += Number(cells[3]);
    }
    expect({ closed, silent }).toEqual({ closed: expected.counts.closed, silent: expected.counts.filtered });
  });
});
