// SPDX-License-Identifier: MIT
// nmap-forms.test.ts: the nmap forms (xml, grepable, normal) and masscan's (list, json) from
// crafted results, through the real OutputSession into files: nmap's 25-port listing rule,
// --open, ordering, escaping, IPv6, an empty scan and a stopped one (both still valid XML when
// xmllint is installed), and masscan's record lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { PortState } from '../../lib/scanner/classify';
import type { ReportSummary } from '../../lib/scanner/result';
import { OutputSession } from '../../lib/output/session';
import type { FormatName } from '../../lib/output/formats';
import { NmapHostTable, LIST_MAX } from '../../lib/output/nmap-hosts';
import { PORTSCAN_VERSION, ctime, defaultRunInfo, nmapServiceName, xmlAttr } from '../../lib/output/nmap-common';
import { parseTargets } from '../../lib/plan/targets';
import { parsePortList } from '../../lib/plan/port-list';

type Row = [ip: string, port: number, state: PortState, reason: string];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portscan-nmap-forms-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileNo = 0;

/** Writes `rows` as a scan of `targets` x `ports` in form `format`; returns the file's text. */
function write(
  format: FormatName,
  rows: Row[],
  opts: { targets?: string; ports?: string; aborted?: boolean; openOnly?: boolean; full?: boolean; args?: string } = {},
): string {
  const path = join(dir, `out-${fileNo++}`);
  const run = { ...defaultRunInfo(), openOnly: Boolean(opts.openOnly), args: opts.args ?? 'portscan -p 1-30' };
  const session = new OutputSession([{ format, path }], Boolean(opts.full), () => undefined, undefined, run);
  const hosts = parseTargets(opts.targets ?? '198.18.0.1-198.18.0.3').ranges;
  const ports = parsePortList(opts.ports ?? '1-30');
  const plan = { hosts, ports, total: hosts.count() * BigInt(ports.length) };
  session.begin(plan, 'syn', false);
  let open = 0;
  for (const [ip, port, state, reason] of rows) {
    session.state(ip, port, state, reason);
    if (state === 'open') open++;
    if (state === 'open' || opts.full) {
      session.result({ ip, family: ip.includes(':') ? 6 : 4, port, state, reason, rttMs: 1, tries: 1, service: '' });
    }
  }
  const summary: ReportSummary = {
    mode: 'syn',
    plan,
    counters: { sent: rows.length, done: rows.length, open },
    aborted: Boolean(opts.aborted),
    elapsedMs: 1500,
  };
  session.end(summary);
  expect(session.writeError).toBeUndefined();
  return readFileSync(path, 'utf8');
}

/** A host with `closed` closed ports from 1, `filtered` silent ones after them, and port 22 open. */
function host(ip: string, closed: number, filtered: number): Row[] {
  const rows: Row[] = [[ip, 22, 'open', 'syn-ack']];
  let port = 100;
  for (let i = 0; i < closed; i++) rows.push([ip, port++, 'closed', 'reset']);
  for (let i = 0; i < filtered; i++) rows.push([ip, port++, 'filtered', i % 2 ? 'host-unreach' : 'no-response']);
  return rows;
}

const hasXmllint = spawnSync('sh', ['-c', 'command -v xmllint']).status === 0;

/** xmllint's verdict on a document's well-formedness ('' when it is), or null without xmllint. */
function xmlProblems(text: string): string | null {
  if (!hasXmllint) return null;
  const r = spawnSync('xmllint', ['--noout', '-'], { input: text, encoding: 'utf8' });
  return r.stderr;
}

describe("nmap's listing rule", () => {
  it(`lists a state with ${LIST_MAX} ports, sums up one with ${LIST_MAX + 1}, largest first`, () => {
    const t = new NmapHostTable();
    for (const [ip, port, state, reason] of [...host('198.18.0.1', LIST_MAX, LIST_MAX + 1)].reverse()) {
      t.add(ip, port, state, reason);
    }
    const [h] = t.list(false);
    expect(h?.ports.filter((p) => p.state === 'closed')).toHaveLength(LIST_MAX);
    expect(h?.ports.map((p) => p.port)).toEqual([...h!.ports.map((p) => p.port)].sort((a, b) => a - b));
    expect(h?.extra).toEqual([
      {
        state: 'filtered',
        count: LIST_MAX + 1,
        reasons: [
          { reason: 'no-response', count: 13 },
          { reason: 'host-unreach', count: 13 },
        ].sort((a, b) => (a.reason < b.reason ? -1 : 1)),
      },
    ]);
  });

  it('a tie between summed-up states: closed first; --open sums up every state but open', () => {
    const t = new NmapHostTable();
    for (const [ip, port, state, reason] of host('198.18.0.1', 30, 30)) t.add(ip, port, state, reason);
    expect(t.list(false)[0]?.extra.map((e) => e.state)).toEqual(['closed', 'filtered']);
    const t2 = new NmapHostTable();
    for (const [ip, port, state, reason] of host('198.18.0.1', 2, 1)) t2.add(ip, port, state, reason);
    t2.add('198.18.0.2', 5, 'closed', 'reset');
    const open = t2.list(true);
    expect(open.map((h) => h.ip)).toEqual(['198.18.0.1']);
    expect(open[0]?.ports.map((p) => p.port)).toEqual([22]);
    expect(open[0]?.extra.map((e) => [e.state, e.count])).toEqual([
      ['closed', 2],
      ['filtered', 1],
    ]);
  });

  it('hosts in address order, IPv4 first; a local error is no state at all', () => {
    const t = new NmapHostTable();
    t.add('2001:2::1', 1, 'closed', 'reset');
    t.add('198.18.0.10', 1, 'closed', 'reset');
    t.add('198.18.0.9', 1, 'closed', 'reset');
    t.add('198.18.0.8', 1, 'unknown', 'error:EMFILE');
    expect(t.list(false).map((h) => [h.ip, h.family])).toEqual([
      ['198.18.0.9', 4],
      ['198.18.0.10', 4],
      ['2001:2::1', 6],
    ]);
    expect(t.size).toBe(3);
  });
});

describe('xml', () => {
  const rows = [...host('198.18.0.2', 30, 2), ...host('198.18.0.1', 1, 0)];

  it('is nmap 1.05 XML: header, one host per address in order, extraports, ports, runstats', () => {
    const xml = write('xml', rows);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n')).toBe(true);
    expect(xml).toMatch(/<nmaprun scanner="portscan" args="portscan -p 1-30" start="\d+" startstr="[^"]+" /);
    expect(xml).toContain(`version="${PORTSCAN_VERSION}" xmloutputversion="1.05">`);
    expect(xml).toContain('<scaninfo type="syn" protocol="tcp" numservices="30" services="1-30"/>');
    const addrs = [...xml.matchAll(/<address addr="([^"]+)" addrtype="(ipv[46])"\/>/g)].map((m) => m[1]);
    expect(addrs).toEqual(['198.18.0.1', '198.18.0.2']);
    expect(xml).toContain('<status state="up" reason="user-set" reason_ttl="0"/>');
    expect(xml).toContain(
      '<extraports state="closed" count="30">\n<extrareasons reason="reset" count="30" proto="tcp"/>',
    );
    const ssh = nmapServiceName(22);
    expect(xml).toContain(
      `<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="0"/>` +
        `<service name="${ssh}" method="table" conf="3"/></port>`,
    );
    expect(xml).toContain('<port protocol="tcp" portid="100"><state state="closed" reason="reset" reason_ttl="0"/>');
    expect(xml).toMatch(/<finished time="\d+" timestr="[^"]+" summary="[^"]*2 IP addresses \(2 hosts up\)[^"]*"/);
    expect(xml).toMatch(
      /elapsed="1.50" exit="success"\/><hosts up="2" down="0" total="2"\/>\n<\/runstats>\n<\/nmaprun>\n$/,
    );
    expect(xmlProblems(xml) ?? '').toBe('');
  });

  it('escapes attribute values and never writes "--" in its comment', () => {
    const args = 'portscan --exclude "<a&b>" \'x\' \u0001 -o -';
    const xml = write('xml', rows, { args });
    expect(xml).toContain('args="portscan -&#45;exclude &quot;&lt;a&amp;b&gt;&quot; &apos;x&apos; ? -o -"');
    const comment = /<!--(.*)-->/.exec(xml)?.[1] ?? '';
    expect(comment).not.toContain('--');
    expect(xmlAttr('a\tb\nc\ud800')).toBe('a&#9;b&#10;c?');
    expect(xmlProblems(xml) ?? '').toBe('');
  });

  it('IPv6 hosts have addrtype ipv6', () => {
    const xml = write('xml', host('2001:2::3', 0, 0), { targets: '2001:2::/126' });
    expect(xml).toContain('<address addr="2001:2::3" addrtype="ipv6"/>');
    expect(xmlProblems(xml) ?? '').toBe('');
  });

  it('an empty scan and a stopped one are valid documents', () => {
    const empty = write('xml', []);
    expect(empty).toContain('<hosts up="0" down="0" total="0"/>');
    expect(empty).not.toContain('<host ');
    expect(xmlProblems(empty) ?? '').toBe('');
    const stopped = write('xml', rows, { aborted: true });
    expect(stopped).toMatch(/exit="error" errormsg="stopped early: \d+ of 90 probes done"/);
    expect(xmlProblems(stopped) ?? '').toBe('');
  });

  it('--open: only hosts with an open port, only open ports listed', () => {
    const xml = write('xml', [...rows, ['198.18.0.3', 7, 'closed', 'reset']], { openOnly: true });
    expect([...xml.matchAll(/<address addr="([^"]+)"/g)].map((m) => m[1])).toEqual(['198.18.0.1', '198.18.0.2']);
    expect(xml).not.toContain('state="closed" reason');
    expect(xml).toContain('<hosts up="3" down="0" total="3"/>');
  });
});

describe('grepable and normal', () => {
  it("grepable: nmap's two lines per host", () => {
    const text = write('grepable', [...host('198.18.0.1', 30, 2)]);
    const ssh = nmapServiceName(22);
    const [head, status, ports, foot] = text.trimEnd().split('\n');
    expect(head).toMatch(
      new RegExp(
        `^# portscan ${PORTSCAN_VERSION} scan initiated \\w{3} \\w{3} [ \\d]\\d [\\d:]{8} \\d{4} as: portscan -p 1-30$`,
      ),
    );
    expect(ctime(0)).toMatch(/^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    expect(status).toBe('Host: 198.18.0.1 ()\tStatus: Up');
    expect(ports).toBe(
      `Host: 198.18.0.1 ()\tPorts: 22/open/tcp//${ssh}///, 130/filtered/tcp//${nmapServiceName(130)}///, ` +
        `131/filtered/tcp//${nmapServiceName(131)}///\tIgnored State: closed (30)`,
    );
    expect(foot).toMatch(/^# portscan done at .* -- 1 IP address \(1 host up\) scanned in 1.50 seconds$/);
  });

  it('normal: "Not shown" with its reasons, the PORT STATE SERVICE table', () => {
    const text = write('normal', [...host('198.18.0.1', 0, 40), ...host('198.18.0.2', 26, 0).slice(1)]);
    expect(text).toContain(
      'portscan scan report for 198.18.0.1\nHost is up.\n' +
        'Not shown: 40 filtered tcp ports (20 host-unreach, 20 no-response)\n' +
        `PORT   STATE SERVICE\n22/tcp open  ${nmapServiceName(22)}\n\n`,
    );
    expect(text).toContain(
      'portscan scan report for 198.18.0.2\nHost is up.\n' +
        'All 26 scanned ports on 198.18.0.2 are in ignored states.\nNot shown: 26 closed tcp ports (reset)\n\n',
    );
  });
});

describe('masscan forms', () => {
  const rows: Row[] = [
    ['198.18.0.2', 80, 'open', 'syn-ack'],
    ['198.18.0.1', 22, 'open', 'syn-ack'],
    ['198.18.0.1', 23, 'closed', 'reset'],
    ['198.18.0.1', 24, 'filtered', 'no-response'],
  ];

  it('list: #masscan, "open tcp PORT IP TIME" in scan order, # end; closed with --full', () => {
    const lines = write('masscan-list', rows, { full: true }).trimEnd().split('\n');
    expect(lines[0]).toBe('#masscan');
    expect(lines.slice(1, -1).map((l) => l.replace(/ \d+$/, ''))).toEqual([
      'open tcp 80 198.18.0.2',
      'open tcp 22 198.18.0.1',
      'closed tcp 23 198.18.0.1',
    ]);
    expect(lines.at(-1)).toBe('# end');
  });

  it('json: an array of masscan records', () => {
    const recs = JSON.parse(write('masscan-json', rows)) as { ip: string; ports: { port: number }[] }[];
    expect(recs.map((r) => [r.ip, r.ports[0]?.port])).toEqual([
      ['198.18.0.2', 80],
      ['198.18.0.1', 22],
    ]);
    expect(recs[0]).toMatchObject({ ports: [{ port: 80, proto: 'tcp', status: 'open', reason: 'syn-ack' }] });
    expect(JSON.parse(write('masscan-json', []))).toEqual([]);
  });
});

it("PORTSCAN_VERSION is package.json's", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect(PORTSCAN_VERSION).toBe(pkg.version);
});

describe('what -sV identified, in the nmap forms', () => {
  /** One host: 22 identified as ssh, 443 as http inside TLS, 80 with a "/" and "," in its product, 81 closed. */
  function identified(format: FormatName): string {
    const path = join(dir, `sv-${fileNo++}`);
    const session = new OutputSession([{ format, path }], false, () => undefined, undefined, defaultRunInfo(), true);
    const hosts = parseTargets('198.18.0.1').ranges;
    const ports = parsePortList('22,80,81,443');
    const plan = { hosts, ports, total: BigInt(ports.length) };
    session.begin(plan, 'connect', false);
    const base = {
      ip: '198.18.0.1',
      family: 4 as const,
      state: 'open' as const,
      reason: 'syn-ack',
      rttMs: 1,
      tries: 1,
    };
    for (const p of [22, 80, 443]) session.state('198.18.0.1', p, 'open', 'syn-ack');
    session.state('198.18.0.1', 81, 'closed', 'conn-refused');
    session.result({
      ...base,
      port: 22,
      service: 'ssh',
      product: 'OpenSSH',
      version: '9.2p1',
      extrainfo: 'protocol 2.0',
      method: 'probed',
      conf: 10,
    });
    session.result({
      ...base,
      port: 443,
      service: 'http',
      product: 'nginx',
      version: '1.22.1',
      tunnel: 'ssl',
      method: 'probed',
      conf: 10,
    });
    session.result({ ...base, port: 80, service: 'http', product: 'a/b, "c"', method: 'probed', conf: 10 });
    const summary: ReportSummary = {
      mode: 'connect',
      plan,
      counters: { sent: 4, done: 4, open: 3 },
      aborted: false,
      elapsedMs: 10,
    };
    session.end(summary);
    expect(session.writeError).toBeUndefined();
    return readFileSync(path, 'utf8');
  }

  it('XML: <service> with product, version, extrainfo, tunnel, method and conf', () => {
    const xml = identified('xml');
    expect(xml).toContain(
      '<service name="ssh" product="OpenSSH" version="9.2p1" extrainfo="protocol 2.0" method="probed" conf="10"/>',
    );
    expect(xml).toContain(
      '<service name="http" product="nginx" version="1.22.1" tunnel="ssl" method="probed" conf="10"/>',
    );
    expect(xml).toContain('product="a/b, &quot;c&quot;"');
    expect(xmlProblems(xml) ?? '').toBe('');
  });

  it("grepable: nmap's service and version fields, with / and , replaced", () => {
    const g = identified('grepable');
    expect(g).toContain('22/open/tcp//ssh//OpenSSH 9.2p1 (protocol 2.0)/');
    expect(g).toContain('443/open/tcp//ssl|http//nginx 1.22.1/');
    expect(g).toContain('80/open/tcp//http//a|b; "c"/');
    expect(g).toContain(`81/closed/tcp//${nmapServiceName(81)}///`);
  });

  it('normal: a VERSION column', () => {
    const n = identified('normal');
    expect(n).toMatch(/^PORT +STATE +SERVICE +VERSION$/m);
    expect(n).toMatch(/^22\/tcp +open +ssh +OpenSSH 9\.2p1 \(protocol 2\.0\)$/m);
    expect(n).toMatch(/^443\/tcp +open +ssl\/http +nginx 1\.22\.1$/m);
  });
});
