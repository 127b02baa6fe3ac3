// SPDX-License-Identifier: MIT
// outputs.test.ts: the output options end to end on 127.0.0.1 (an open port P, a closed port Q):
// -f xml/normal/masscan-list/masscan-json, --output-xml/-grepable/-normal/-list/-json/-all,
// several at once, "-" for standard output (once only), one file twice refused, --open, --reason,
// --checkpoint and --resume with several outputs refused, no symbolic link followed; XML checked
// with xmllint where it is installed. (Ctrl-C with an XML output: cli.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

import { loopbackPair, runCli } from '../helpers/cli';

const pair = loopbackPair('outputs');

/** Scans P and Q on 127.0.0.1 in connect mode; expects exit 0; returns stdout. */
function scan(...extra: string[]): string {
  const r = runCli(['--mode', 'connect', '-q', '-p', `${pair.P},${pair.Q}`, ...extra, '127.0.0.1']);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return r.stdout;
}

/** One usage error: exit 2, one line on stderr, nothing on stdout; returns the line. */
function refused(...args: string[]): string {
  const r = runCli(['--mode', 'connect', '-p', String(pair.P), ...args, '127.0.0.1']);
  expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 2, stdout: '' });
  return r.stderr.split('\n')[0] ?? '';
}

const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0;

function expectWellFormed(xml: string): void {
  expect(xml.endsWith('</nmaprun>\n')).toBe(true);
  if (hasXmllint) expect(spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' }).stderr).toBe('');
}

const f = (name: string): string => join(pair.dir, name);

describe('nmap forms', () => {
  it('--output-xml beside the table on stdout: P open and Q closed, listed', () => {
    const out = scan('--output-xml', f('a.xml'));
    expect(out).toMatch(/^IP\s+Open ports/);
    const xml = readFileSync(f('a.xml'), 'utf8');
    expect(xml).toContain(
      `<port protocol="tcp" portid="${pair.P}"><state state="open" reason="syn-ack" reason_ttl="0"/>`,
    );
    expect(xml).toContain(`<port protocol="tcp" portid="${pair.Q}"><state state="closed" reason="conn-refused"`);
    expect(xml).toContain('<scaninfo type="connect" protocol="tcp" numservices="2"');
    expect(xml).toMatch(/args="portscan -&#45;mode connect -q -p \d+,\d+ -&#45;output-xml /);
    expectWellFormed(xml);
  });

  it('-f xml writes it to stdout', () => {
    expectWellFormed(scan('-f', 'xml'));
  });

  it('--output-all BASE writes BASE.xml, BASE.gnmap and BASE.nmap', () => {
    scan('--output-all', f('all'));
    expectWellFormed(readFileSync(f('all.xml'), 'utf8'));
    expect(readFileSync(f('all.gnmap'), 'utf8')).toContain('Host: 127.0.0.1 ()\tStatus: Up\n');
    expect(readFileSync(f('all.nmap'), 'utf8')).toContain('portscan scan report for 127.0.0.1\n');
  });

  it('--output-normal - takes stdout from the table; --reason adds the REASON column', () => {
    const out = scan('--output-normal', '-', '--reason');
    expect(out).not.toMatch(/^IP\s/m);
    expect(out).toMatch(/^PORT +STATE +SERVICE +REASON$/m);
    expect(out).toMatch(new RegExp(`^${pair.P}/tcp +open +\\S+ +syn-ack$`, 'm'));
    expect(out).toMatch(new RegExp(`^${pair.Q}/tcp +closed +\\S+ +conn-refused$`, 'm'));
  });

  it('--output-grepable FILE with -f ndjson -o FILE: both written', () => {
    scan('-f', 'ndjson', '-o', f('b.ndjson'), '--output-grepable', f('b.gnmap'));
    expect(JSON.parse(readFileSync(f('b.ndjson'), 'utf8'))).toMatchObject({ port: pair.P, state: 'open' });
    expect(readFileSync(f('b.gnmap'), 'utf8')).toMatch(new RegExp(`Ports: .*${pair.P}/open/tcp//`));
  });
});

describe('masscan forms', () => {
  it('-f masscan-list and --output-list: "open tcp P 127.0.0.1 TIME"', () => {
    const out = scan('-f', 'masscan-list', '--output-list', f('m.list'));
    expect(out).toMatch(new RegExp(`^#masscan\\nopen tcp ${pair.P} 127\\.0\\.0\\.1 \\d+\\n# end\\n$`));
    expect(readFileSync(f('m.list'), 'utf8')).toBe(out);
  });

  it('--output-json: masscan records', () => {
    scan('--output-json', f('m.json'));
    expect(JSON.parse(readFileSync(f('m.json'), 'utf8'))).toEqual([
      expect.objectContaining({ ip: '127.0.0.1', ports: [expect.objectContaining({ port: pair.P, status: 'open' })] }),
    ]);
  });
});

describe('--open', () => {
  it('drops hosts without an open port from the table and the XML', () => {
    const r = runCli([
      '--mode',
      'connect',
      '-q',
      '-p',
      String(pair.Q),
      '--open',
      '--output-xml',
      f('o.xml'),
      '127.0.0.1',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/^127\.0\.0\.1/m);
    const xml = readFileSync(f('o.xml'), 'utf8');
    expect(xml).not.toContain('<host ');
    expect(xml).toContain('<hosts up="1" down="0" total="1"/>');
  });

  it('keeps only open ports, even with --full', () => {
    const recs = scan('--open', '--full', '-f', 'ndjson').trim().split('\n');
    expect(recs.map((l) => (JSON.parse(l) as { state: string }).state)).toEqual(['open']);
    expect(scan('--open', '--output-xml', f('o2.xml'))).toMatch(/^127\.0\.0\.1/m);
    expect(readFileSync(f('o2.xml'), 'utf8')).toContain('<extraports state="closed" count="1">');
  });

  it('is a switch: --open=maybe is refused', () => {
    expect(refused('--open=maybe')).toMatch(/--open.*switch/);
  });
});

describe('refused', () => {
  it('two outputs on stdout', () => {
    expect(refused('-o', '-', '--output-xml', '-')).toMatch(/only one output may be standard output/);
    expect(refused('--output-xml', '-', '--output-grepable', '-')).toMatch(/only one output may be standard output/);
  });

  it('one file twice', () => {
    expect(refused('--output-xml', f('same'), '--output-grepable', f('same'))).toMatch(
      /--output-xml and --output-grepable both write '.*same'/,
    );
    expect(refused('-o', f('x.xml'), '--output-all', f('x'))).toMatch(/-o and --output-all both write/);
  });

  it('--checkpoint or --resume with several outputs', () => {
    expect(refused('-f', 'ndjson', '-o', f('c.ndjson'), '--output-xml', f('c.xml'), '--checkpoint', f('c.cp'))).toMatch(
      /--checkpoint records one output/,
    );
    expect(existsSync(f('c.ndjson'))).toBe(false);
    const r = runCli(['--resume', f('none.cp'), '--output-xml', f('r.xml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/option '--output-xml' cannot be given with --resume/);
  });

  it('an output through a symbolic link', () => {
    symlinkSync(f('target.xml'), f('link.xml'));
    const r = runCli(['--mode', 'connect', '-q', '-p', String(pair.P), '--output-xml', f('link.xml'), '127.0.0.1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/link\.xml.*symbolic link/);
    expect(existsSync(f('target.xml'))).toBe(false);
  });
});

describe("nmap's and masscan's spellings (dialect.ts) end to end", () => {
  it('-oX FILE -oG - -oN FILE: grepable on stdout instead of the table, the others in their files', () => {
    const out = scan('-oX', f('d.xml'), '-oG', '-', '-oN', f('d.nmap'));
    expect(out).toMatch(/^# portscan .* scan initiated /);
    expect(out).toMatch(new RegExp(`^Host: 127\\.0\\.0\\.1 \\(\\)\\tPorts: .*\\b${pair.P}/open/tcp/`, 'm'));
    expectWellFormed(readFileSync(f('d.xml'), 'utf8'));
    expect(readFileSync(f('d.nmap'), 'utf8')).toContain('portscan scan report for 127.0.0.1\n');
  });

  it('-oA BASE, -oL FILE and -oJ FILE beside the table', () => {
    const out = scan('-oA', f('e'), '-oL', f('e.list'), '-oJ', f('e.json'));
    expect(out).toMatch(/^IP\s+Open ports/);
    for (const ext of ['xml', 'gnmap', 'nmap']) expect(existsSync(f(`e.${ext}`))).toBe(true);
    expect(readFileSync(f('e.list'), 'utf8')).toMatch(new RegExp(`^open tcp ${pair.P} 127\\.0\\.0\\.1 \\d+$`, 'm'));
    expect(readFileSync(f('e.json'), 'utf8')).toContain(`"port": ${pair.P}`);
  });
});
