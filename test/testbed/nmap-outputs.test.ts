// SPDX-License-Identifier: MIT
// nmap-outputs.test.ts: issue 12's acceptance for the nmap forms, side by side with nmap 7.93 on
// the testbed (its own, with the ports moved: --variant 5). nmap and portscan scan the same hosts
// (a /28 of IPv4, a /126 of IPv6) and ports (the model's, its silent range's ends, 1-100) in syn
// and connect mode, inside `testbed run`; then on each pair of files: ndiff finds no difference
// in any host or port; xmllint's only complaint against nmap.dtd is the scanner attribute (the
// DTD allows "nmap" only: with that one value changed the file validates); xsltproc renders it
// with nmap.xsl; python-libnmap (Debian's, /usr/bin/python3) reads the same hosts and open ports
// from both; and the grepable files have the same Host: lines. Skipped (saying why) without the
// testbed; fails when nmap, ndiff, xmllint, xsltproc or python3-libnmap is missing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describeTestbed, down, model, PREFIX, runScan, TESTBED, up } from '../helpers/testbed';

const prefix = `${PREFIX}n5`;
const dir = mkdtempSync(join(tmpdir(), 'portscan-nmap-'));
const DTD = '/usr/share/nmap/nmap.dtd';
const XSL = '/usr/share/nmap/nmap.xsl';

function run(cmd: string, args: string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 26,
    env: { ...process.env, TESTBED_PREFIX: prefix },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Hosts, addresses and open ports as python-libnmap reads them. */
const LIBNMAP = `
import json, sys
from libnmap.parser import NmapParser
r = NmapParser.parse_fromfile(sys.argv[1])
print(json.dumps({"total": r.hosts_total, "type": r.scan_type,
  "hosts": [[h.address, h.status, sorted(p for p, _ in h.get_open_ports())] for h in r.hosts]}))
`;

const CASES = [
  ['syn', 'IPv4', '198.18.1.240/28'],
  ['syn', 'IPv6', '2001:2::4d4c/126'],
  ['connect', 'IPv4', '198.18.1.240/28'],
  ['connect', 'IPv6', '2001:2::4d4c/126'],
] as const;

describeTestbed('nmap forms beside nmap 7.93 (testbed --variant 5)', () => {
  let ports = '';
  beforeAll(() => {
    up(prefix, ['--variant', '5']);
    const m = model(prefix);
    ports = [
      ...new Set([...m.ports, m.needle, m.silent[0], m.silent[1], ...Array.from({ length: 100 }, (_, i) => i + 1)]),
    ]
      .sort((a, b) => a - b)
      .join(',');
  });
  afterAll(() => {
    down(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(CASES)('%s mode, %s %s', (mode, family, hosts) => {
    const base = join(dir, `${mode}-${family}`);
    const nmapXml = `${base}.nmap.xml`;
    const oursXml = `${base}.ours.xml`;

    beforeAll(() => {
      const n = run(TESTBED, [
        'run',
        'nmap',
        mode === 'syn' ? '-sS' : '-sT',
        '-Pn',
        '-n',
        ...(family === 'IPv6' ? ['-6'] : []),
        '-p',
        ports,
        '-oX',
        nmapXml,
        '-oG',
        `${base}.nmap.gnmap`,
        hosts,
      ]);
      expect({ status: n.status, stderr: n.stderr }).toEqual({ status: 0, stderr: '' });
      const o = runScan(
        ['-q', '--mode', mode, '-p', ports, '--output-xml', oursXml, '--output-grepable', `${base}.ours.gnmap`, hosts],
        prefix,
      );
      expect({ status: o.status, stderr: o.stderr }).toEqual({ status: 0, stderr: '' });
    });

    test('ndiff: no difference in any host or port', () => {
      const d = run('ndiff', [nmapXml, oursXml]);
      expect(d.stderr).toBe('');
      // Only the two header lines (who scanned, when) may differ.
      const lines = d.stdout.split('\n').filter((l) => l.trim() !== '');
      expect(lines.filter((l) => !/^[-+](Nmap|portscan) \S+ scan initiated /.test(l))).toEqual([]);
      expect(readFileSync(oursXml, 'utf8')).toContain('<extraports state="closed"');
    });

    test("xmllint against nmap.dtd: only the scanner attribute's value is refused", () => {
      const v = run('xmllint', ['--noout', '--dtdvalid', DTD, oursXml]);
      const complaints = v.stderr.split('\n').filter((l) => l.trim() !== '' && !/does not validate/.test(l));
      expect(complaints).toEqual([
        expect.stringMatching(/Value "portscan" for attribute scanner of nmaprun is not among the enumerated set/),
      ]);
      const asNmap = `${base}.scanner-nmap.xml`;
      writeFileSync(
        asNmap,
        readFileSync(oursXml, 'utf8').replace('<nmaprun scanner="portscan"', '<nmaprun scanner="nmap"'),
      );
      expect(run('xmllint', ['--noout', '--dtdvalid', DTD, asNmap])).toMatchObject({ status: 0, stderr: '' });
    });

    test('xsltproc renders it with nmap.xsl', () => {
      const x = run('xsltproc', [XSL, oursXml]);
      expect(x.status).toBe(0);
      expect(x.stdout).toContain('<html');
      expect(x.stdout).toContain(
        hosts
          .replace(/\/\d+$/, '')
          .replace(/c$/, 'd')
          .replace(/240$/, '241'),
      );
    });

    test('python-libnmap reads the same hosts and open ports as from nmap', () => {
      const read = (file: string): unknown => JSON.parse(run('/usr/bin/python3', ['-c', LIBNMAP, file]).stdout);
      const theirs = read(nmapXml) as { hosts: [string, string, number[]][] };
      expect(read(oursXml)).toEqual(theirs);
      expect(theirs.hosts.some(([, , open]) => open.length > 0)).toBe(true);
    });

    test('grepable: the same Host: lines as nmap -oG', () => {
      const hostLines = (file: string): string[] =>
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith('Host: '));
      const theirs = hostLines(`${base}.nmap.gnmap`);
      expect(theirs.length).toBeGreaterThan(0);
      expect(hostLines(`${base}.ours.gnmap`)).toEqual(theirs);
    });
  });
});
