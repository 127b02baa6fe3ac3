// SPDX-License-Identifier: MIT
// service.test.ts: -sV inside the testbed, in both modes: the scan stays exact (every open,
// closed and silent port as the truth says, identification on or not), every open port gets
// one identified record and nothing else does, and the names agree with nmap -sV run inside
// the testbed on the same ports (the testbed's listeners accept and close at once: tcpwrapped).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeTestbed, isUp, PREFIX, runScan, TESTBED, up, verify } from '../helpers/testbed';

const dir = mkdtempSync(join(tmpdir(), 'portscan-tb-sv-'));
const HOSTS = '198.18.0.0/28';
const PORTS = '22,80,443,3306,8080,31337,1000-1003';

type Rec = { ip: string; port: number; state: string; service: string; method?: string };

describeTestbed('-sV on the testbed', () => {
  beforeAll(() => {
    if (!isUp()) up();
  });

  test.each(['connect', 'syn'])('%s mode with -sV --full: exact, each open port identified once', (mode) => {
    const r = runScan(['-q', '-m', mode, '-sV', '--full', '-f', 'ndjson', '-p', PORTS, HOSTS]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = join(dir, `${mode}.ndjson`);
    writeFileSync(out, r.stdout);
    const { status, verdict } = verify(HOSTS, PORTS, out, { strictClosed: true });
    expect(verdict).toMatchObject({ missed_open: 0, false_open: 0, wrong_state: 0, malformed: 0, recall: 1 });
    expect(status).toBe(0);
    const recs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    expect(new Set(recs.map((x) => `${x.ip} ${x.port}`)).size).toBe(recs.length);
    const open = recs.filter((x) => x.state === 'open');
    expect(open.length).toBe(verdict.expected.open);
    for (const x of open) expect([x.port, x.service, x.method]).toEqual([x.port, 'tcpwrapped', 'probed']);
    for (const x of recs.filter((y) => y.state !== 'open')) expect(x.method).toBeUndefined();
  });

  test('nmap -sV inside the testbed gives the same names', () => {
    const nmap = spawnSync(TESTBED, ['run', 'nmap', '-sV', '-Pn', '-n', '-p', '22,80,443', '-oX', '-', '198.18.0.1'], {
      env: { ...process.env, TESTBED_PREFIX: PREFIX },
      encoding: 'utf8',
    });
    expect(nmap.status).toBe(0);
    const names = [...nmap.stdout.matchAll(/portid="(\d+)">.*?<service name="([^"]*)"/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    const r = runScan(['-q', '-m', 'connect', '-sV', '-f', 'ndjson', '-p', '22,80,443', '198.18.0.1']);
    const ours = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec)
      .map((x) => [x.port, x.service])
      .sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(names).toHaveLength(3);
    expect(ours).toEqual(names);
  });
});
