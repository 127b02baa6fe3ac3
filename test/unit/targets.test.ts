// targets.ts and plan.ts: every target form onto one RangeList, errors with their column, files,
// exclusions. Pure parsing: nothing here sends a packet, and DNS is stubbed to fail the test if
// anything asks it (only localhost, *.localhost and *.invalid names are used; those never query).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ParseError, UsageError } from '../../lib/errors';
import { V4_BASE } from '../../lib/plan/ip';
import { buildPlan, PlanCursor } from '../../lib/plan/plan';
import { parseTargetFile, parseTargets, resolveHostnames, tokenize } from '../../lib/plan/targets';
import { addr, asyncParseErrorOf, forbidDns, listAll, parseErrorOf, spans } from '../helpers/targets';

forbidDns();

function only(text: string) {
  const spec = parseTargets(text);
  expect(spec.hostnames).toEqual([]);
  return spec.ranges;
}

describe('tokenize', () => {
  it('splits on spaces and commas and keeps 1-based columns', () => {
    expect(tokenize(' 127.0.0.1, ::1  localhost,,x.invalid')).toEqual([
      { token: '127.0.0.1', column: 2 },
      { token: '::1', column: 13 },
      { token: 'localhost', column: 18 },
      { token: 'x.invalid', column: 29 },
    ]);
    expect(tokenize('  , ')).toEqual([]);
  });
});

describe('single addresses', () => {
  it('IPv4', () => {
    const r = only('127.0.0.1');
    expect(r.count()).toBe(1n);
    expect(listAll(r)).toEqual(['127.0.0.1']);
  });

  it('IPv6', () => {
    const r = only('2001:db8::1');
    expect(r.count()).toBe(1n);
    expect(r.has(addr('2001:db8::1'))).toBe(true);
    expect(listAll(only('::1'))).toEqual(['::1']);
  });

  it('IPv4-mapped IPv6 is the IPv4 address', () => {
    const r = only('::ffff:127.0.0.1 127.0.0.1');
    expect(r.count()).toBe(1n);
    expect(listAll(r)).toEqual(['127.0.0.1']);
  });
});

describe('start-end ranges', () => {
  it('IPv4', () => {
    const r = only('192.0.2.1-192.0.2.10');
    expect(r.count()).toBe(10n);
    expect(spans(r)).toEqual(['192.0.2.1-192.0.2.10']);
  });

  it('IPv4 across octet boundaries', () => {
    const r = only('10.0.0.250-10.0.1.5');
    expect(r.count()).toBe(12n);
    expect(listAll(r)[6]).toBe('10.0.1.0');
  });

  it('a one-address range', () => {
    expect(only('127.0.0.5-127.0.0.5').count()).toBe(1n);
  });

  it('IPv6', () => {
    const r = only('2001:db8::1-2001:db8::ff');
    expect(r.count()).toBe(255n);
    expect(spans(r)).toEqual(['2001:db8::1-2001:db8::ff']);
  });

  it('a huge IPv6 range is counted exactly', () => {
    expect(only('2001:db8::-2001:db8::ffff:ffff:ffff:ffff').count()).toBe(2n ** 64n);
    expect(only('::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff').count()).toBe(2n ** 128n);
  });
});

describe('CIDR', () => {
  it.each([
    ['127.0.0.0/29', '127.0.0.0-127.0.0.7', 8n],
    ['127.0.0.5/29', '127.0.0.0-127.0.0.7', 8n],
    ['192.0.2.77/24', '192.0.2.0-192.0.2.255', 256n],
    ['10.1.2.3/8', '10.0.0.0-10.255.255.255', 2n ** 24n],
    ['127.0.0.9/32', '127.0.0.9-127.0.0.9', 1n],
    ['127.0.0.9/31', '127.0.0.8-127.0.0.9', 2n],
    ['1.2.3.4/0', '0.0.0.0-255.255.255.255', 2n ** 32n],
    ['2001:db8::/125', '2001:db8::-2001:db8::7', 8n],
    ['2001:db8::1234:5678/64', '2001:db8::-2001:db8::ffff:ffff:ffff:ffff', 2n ** 64n],
    ['2001:db8:ffff::1/48', '2001:db8:ffff::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', 2n ** 80n],
    ['::1/128', '::1-::1', 1n],
    ['::/0', '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 2n ** 128n],
    // An IPv6 prefix over the IPv4-mapped block counts IPv6 bits: /104 there is an IPv4 /8.
    ['::ffff:10.1.2.3/104', '10.0.0.0-10.255.255.255', 2n ** 24n],
    ['::ffff:0:0/96', '0.0.0.0-255.255.255.255', 2n ** 32n],
  ])('%s', (text, span, count) => {
    const r = only(text);
    expect(spans(r)).toEqual([span]);
    expect(r.count()).toBe(count);
  });
});

describe('nmap octet ranges', () => {
  it('198.18.0-1.1-10 is exactly 20 addresses', () => {
    const r = only('198.18.0-1.1-10');
    expect(r.count()).toBe(20n);
    const expected = [0, 1].flatMap((c) => Array.from({ length: 10 }, (_, i) => `198.18.${c}.${i + 1}`));
    expect(listAll(r)).toEqual(expected);
    expect(r.has(addr('198.18.0.0'))).toBe(false);
    expect(r.has(addr('198.18.0.11'))).toBe(false);
    expect(r.has(addr('198.18.2.1'))).toBe(false);
  });

  it('a single last-octet range', () => {
    expect(listAll(only('127.0.0.1-5'))).toEqual(['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
  });

  it('a range in the first octet', () => {
    expect(listAll(only('1-2.3.4.5'))).toEqual(['1.3.4.5', '2.3.4.5']);
  });

  it('* is 0-255', () => {
    const r = only('127.0.0.*');
    expect(r.count()).toBe(256n);
    expect(spans(r)).toEqual(['127.0.0.0-127.0.0.255']);
  });

  it('* in the middle makes one interval per combination', () => {
    const r = only('127.0.*.1');
    expect(r.count()).toBe(256n);
    expect(r.intervals()).toHaveLength(256);
    expect(r.has(addr('127.0.200.1'))).toBe(true);
    expect(r.has(addr('127.0.200.2'))).toBe(false);
  });

  it('trailing * collapses to whole blocks', () => {
    const r = only('10.*.*.*');
    expect(spans(r)).toEqual(['10.0.0.0-10.255.255.255']);
    expect(r.count()).toBe(2n ** 24n);
    expect(only('*.*.*.*').count()).toBe(2n ** 32n);
    expect(spans(only('10.1-2.*.*'))).toEqual(['10.1.0.0-10.2.255.255']);
  });

  it('mixes ranges, lists of tokens and *', () => {
    const r = only('192.0.2-3.0-1');
    expect(listAll(r)).toEqual(['192.0.2.0', '192.0.2.1', '192.0.3.0', '192.0.3.1']);
  });
});

describe('mixed lists', () => {
  it('accepts every form at once, separated by spaces or commas', () => {
    const spec = parseTargets('127.0.0.1, ::1 192.0.2.0/30,2001:db8::1-2001:db8::3 10.0.0.1-2 localhost');
    expect(spec.ranges.count()).toBe(1n + 1n + 4n + 3n + 2n);
    expect(spec.hostnames).toEqual([
      {
        name: 'localhost',
        input: '127.0.0.1, ::1 192.0.2.0/30,2001:db8::1-2001:db8::3 10.0.0.1-2 localhost',
        column: 64,
      },
    ]);
  });

  it('merges overlaps so each address counts once', () => {
    const r = only('127.0.0.1-127.0.0.10 127.0.0.5-127.0.0.20 127.0.0.0/28 127.0.0.3 127.0.0.1-4');
    expect(r.count()).toBe(21n);
    expect(spans(r)).toEqual(['127.0.0.0-127.0.0.20']);
  });

  it('merges adjacent ranges', () => {
    expect(spans(only('127.0.0.0/30 127.0.0.4/30'))).toEqual(['127.0.0.0-127.0.0.7']);
  });

  it('keeps the families apart', () => {
    const r = only('127.0.0.1 ::1 ::ffff:127.0.0.2');
    expect(r.count()).toBe(3n);
    expect(listAll(r).sort()).toEqual(['127.0.0.1', '127.0.0.2', '::1']);
  });

  it('adds into an existing spec', () => {
    const spec = parseTargets('127.0.0.1');
    parseTargets('127.0.0.2, 127.0.0.1', spec);
    expect(spec.ranges.count()).toBe(2n);
  });

  it('empty text is no targets', () => {
    expect(parseTargets('  ,  ').ranges.count()).toBe(0n);
  });
});

describe('hostnames', () => {
  it('are collected with their column, not resolved while parsing', () => {
    const spec = parseTargets('127.0.0.1 localhost x.invalid');
    expect(spec.hostnames.map((h) => [h.name, h.column])).toEqual([
      ['localhost', 11],
      ['x.invalid', 21],
    ]);
    expect(spec.ranges.count()).toBe(1n);
  });

  it('localhost and *.localhost resolve to 127.0.0.1 without DNS', async () => {
    const spec = parseTargets('localhost LOCALHOST. db.localhost');
    const res = await resolveHostnames(spec);
    expect(res).toEqual([
      { name: 'localhost', address: '127.0.0.1' },
      { name: 'LOCALHOST.', address: '127.0.0.1' },
      { name: 'db.localhost', address: '127.0.0.1' },
    ]);
    expect(spec.hostnames).toEqual([]);
    expect(listAll(spec.ranges)).toEqual(['127.0.0.1']);
  });

  it('a name under .invalid fails with a ParseError naming it and its column', async () => {
    const spec = parseTargets('127.0.0.1 nohost.invalid');
    const e = await asyncParseErrorOf(resolveHostnames(spec));
    expect(e.what).toBe("cannot resolve hostname 'nohost.invalid'");
    expect(e.column).toBe(11);
    expect(e.message).toBe("cannot resolve hostname 'nohost.invalid' at column 11 of '127.0.0.1 nohost.invalid'");
  });

  it('"invalid" itself fails too', async () => {
    const e = await asyncParseErrorOf(resolveHostnames(parseTargets('invalid')));
    expect(e.what).toBe("cannot resolve hostname 'invalid'");
  });
});

describe('bad targets', () => {
  // [text, what, column]
  it.each([
    ['198.18.0.300', "bad octet '300' in '198.18.0.300' (above 255)", 10],
    ['127.0.0.1, 198.18.0.300', "bad octet '300' in '198.18.0.300' (above 255)", 21],
    ['300.1.1.1', "bad octet '300' in '300.1.1.1' (above 255)", 1],
    ['127.0.0.1-300', "bad octet '1-300' in '127.0.0.1-300' (above 255)", 9],
    ['127.0.0.5-1', "reversed octet range '5-1' in '127.0.0.5-1'", 9],
    ['127.0.x.1', "bad octet 'x' in '127.0.x.1'", 7],
    ['127.0.0.x', "bad octet 'x' in '127.0.0.x'", 9],
    ['127.0.0.1 127.0.0.1x', "bad octet '1x' in '127.0.0.1x'", 19],
    ['127.0.0.1-', "bad octet '1-' in '127.0.0.1-'", 9],
    ['198.18.0.10-198.18.0.1', "reversed range '198.18.0.10-198.18.0.1' (198.18.0.10 is after 198.18.0.1)", 1],
    ['::1 2001:db8::9-2001:db8::1', "reversed range '2001:db8::9-2001:db8::1' (2001:db8::9 is after 2001:db8::1)", 5],
    ['127.0.0.1-::1', "range '127.0.0.1-::1' mixes IPv4 and IPv6", 1],
    ['::1-127.0.0.1', "range '::1-127.0.0.1' mixes IPv4 and IPv6", 1],
    ['::1-5', "bad address '5' in range '::1-5'", 5],
    ['10.0.0.1-10.0.0.300', "bad address '10.0.0.300' in range '10.0.0.1-10.0.0.300'", 10],
    ['10.0.0.300-10.0.0.301', "bad address '10.0.0.300' in range '10.0.0.300-10.0.0.301'", 1],
    ['::g-::1', "bad address '::g' in range '::g-::1'", 1],
    // A leading zero is octal to inet_aton ("010" is 8): refused, never read as decimal 10.
    ['198.18.010.1', "bad octet '010' in '198.18.010.1' (leading zero: octal in some tools)", 8],
    ['198.18.0.1-010', "bad octet '1-010' in '198.18.0.1-010' (leading zero: octal in some tools)", 10],
    ['00.1.2.3', "bad octet '00' in '00.1.2.3' (leading zero: octal in some tools)", 1],
    ['198.18.0.0/024', "bad prefix length '/024' (0-32, no leading zero)", 11],
    ['2001:2::/0100', "bad prefix length '/0100' (0-128, no leading zero)", 9],
    ['2001:2::/00', "bad prefix length '/00' (0-128, no leading zero)", 9],
    ['127.0.0.1/33', "bad prefix length '/33' (0-32)", 10],
    ['127.0.0.1 10.0.0.0/33', "bad prefix length '/33' (0-32)", 19],
    ['2001:db8::/129', "bad prefix length '/129' (0-128)", 11],
    ['10.0.0.0/', "bad prefix length '/' (0-32)", 9],
    ['10.0.0.0/x', "bad prefix length '/x' (0-32)", 9],
    ['10.0.0.0/-1', "bad prefix length '/-1' (0-32)", 9],
    ['10.0.0.0/8/9', "bad prefix length '/8/9' (0-32)", 9],
    ['10.0.0/8', "bad address '10.0.0' in '10.0.0/8'", 1],
    ['/24', "bad address '' in '/24'", 1],
    ['1.2.3', "bad target '1.2.3'", 1],
    ['1.2.3.4.5', "bad target '1.2.3.4.5'", 1],
    ['1234', "bad target '1234'", 1],
    ['::1::2', "bad target '::1::2'", 1],
    ['fe80::1%eth0', "bad target 'fe80::1%eth0'", 1],
    ['[::1]', "bad target '[::1]'", 1],
    ['foo!bar', "bad target 'foo!bar'", 1],
    ['127.0.0.1 -bad', "bad target '-bad'", 11],
    ['a..b', "bad target 'a..b'", 1],
    ['host-', "bad target 'host-'", 1],
    // Digits, dots and dashes only, or a numeric last label: a broken address, never a DNS name.
    ['1.2.3-5', "bad target '1.2.3-5'", 1],
    ['12-34', "bad target '12-34'", 1],
    ['1.2.3.4-1.2.3', "bad target '1.2.3.4-1.2.3'", 1],
    ['localhost-127.0.0.5', "bad octet 'localhost-127' in 'localhost-127.0.0.5'", 1],
    ['localhost-127.0.5', "bad target 'localhost-127.0.5'", 1],
    ['host.123', "bad target 'host.123'", 1],
    ['www.1.2.3', "bad octet 'www' in 'www.1.2.3'", 1],
  ])('%j', (text, what, column) => {
    const e = parseErrorOf(() => parseTargets(text));
    expect(e.what).toBe(what);
    expect(e.column).toBe(column);
    expect(e.input).toBe(text);
    expect(e.message).toBe(`${what} at column ${column} of '${text}'`);
  });

  it('too fragmented octet patterns are refused rather than built', () => {
    const e = parseErrorOf(() => parseTargets('*.*.*.1'));
    expect(e.what).toBe("octet pattern '*.*.*.1' is too fragmented");
  });
});

describe('target files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portscan-targets-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('reads tokens separated by lines, spaces and commas, skipping comments', () => {
    const p = write(
      'targets.txt',
      [
        '# lab hosts',
        '127.0.0.1',
        '',
        '127.0.0.2, 127.0.0.3   # trailing comment 10.0.0.1',
        '   ::1',
        '127.0.0.8/30\t127.0.0.20-127.0.0.21',
        '#127.0.0.99',
        'localhost',
      ].join('\n'),
    );
    const spec = parseTargetFile(p);
    expect(listAll(spec.ranges).sort()).toEqual(
      [
        '127.0.0.1',
        '127.0.0.2',
        '127.0.0.3',
        '127.0.0.8',
        '127.0.0.9',
        '127.0.0.10',
        '127.0.0.11',
        '127.0.0.20',
        '127.0.0.21',
        '::1',
      ].sort(),
    );
    expect(spec.hostnames.map((h) => h.name)).toEqual(['localhost']);
  });

  it('accepts CRLF line ends', () => {
    const spec = parseTargetFile(write('crlf.txt', '127.0.0.1\r\n127.0.0.2\r\n'));
    expect(spec.ranges.count()).toBe(2n);
  });

  it('adds to an existing spec', () => {
    const spec = parseTargets('127.0.0.1');
    parseTargetFile(write('more.txt', '127.0.0.1\n127.0.0.5\n'), spec);
    expect(spec.ranges.count()).toBe(2n);
  });

  it('names the line and column of a bad token', () => {
    const p = write('bad.txt', '127.0.0.1\n# fine\n127.0.0.2 127.0.0.300\n');
    const e = parseErrorOf(() => parseTargetFile(p));
    expect(e.what).toBe(`bad octet '300' in '127.0.0.300' (above 255) (line 3 of ${p})`);
    expect(e.input).toBe('127.0.0.2 127.0.0.300');
    expect(e.column).toBe(19);
  });

  it('a missing file is a UsageError naming it (read through safe-fs: capped, no devices)', () => {
    const p = join(dir, 'missing.txt');
    expect(() => parseTargetFile(p)).toThrow(UsageError);
    expect(() => parseTargetFile(p)).toThrow(`cannot read target file '${p}': ENOENT`);
  });
});

describe('buildPlan', () => {
  const P = Uint16Array.from([22, 80, 443]);

  it('multiplies hosts by ports', async () => {
    const plan = await buildPlan({ targets: '127.0.0.0/29' }, P);
    expect(plan.hosts.count()).toBe(8n);
    expect(plan.total).toBe(24n);
    expect(plan.ports).toBe(P);
    expect(plan.resolutions).toEqual([]);
  });

  it('merges overlapping targets from every source: no address twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portscan-plan-'));
    try {
      const file = join(dir, 't.txt');
      writeFileSync(file, '127.0.0.4-127.0.0.12\n127.0.0.1\n');
      const plan = await buildPlan(
        {
          targets: ['127.0.0.1-127.0.0.10', '127.0.0.5-127.0.0.20 127.0.0.0/28'],
          inputFiles: [file],
          startIp: '127.0.0.15',
          endIp: '127.0.0.25',
        },
        P,
      );
      expect(spans(plan.hosts)).toEqual(['127.0.0.0-127.0.0.25']);
      expect(plan.hosts.count()).toBe(26n);
      expect(plan.total).toBe(78n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes exclusions out', async () => {
    const plan = await buildPlan({ targets: '127.0.0.0/29', exclude: '127.0.0.3,127.0.0.5-127.0.0.6' }, P);
    expect(listAll(plan.hosts)).toEqual(['127.0.0.0', '127.0.0.1', '127.0.0.2', '127.0.0.4', '127.0.0.7']);
    expect(plan.total).toBe(15n);
  });

  it('takes exclusions as a list, as CIDR, as names and from files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portscan-plan-'));
    try {
      const file = join(dir, 'x.txt');
      writeFileSync(file, '# keep out\n127.0.0.14\n');
      const plan = await buildPlan(
        { targets: '127.0.0.0/28', exclude: ['127.0.0.8/30', 'localhost'], excludeFiles: [file] },
        P,
      );
      expect(listAll(plan.hosts)).toEqual([
        '127.0.0.0',
        '127.0.0.2',
        '127.0.0.3',
        '127.0.0.4',
        '127.0.0.5',
        '127.0.0.6',
        '127.0.0.7',
        '127.0.0.12',
        '127.0.0.13',
        '127.0.0.15',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('excludes from big IPv6 ranges exactly', async () => {
    const plan = await buildPlan({ targets: '2001:db8::/64', exclude: '2001:db8::/120' }, P);
    expect(plan.hosts.count()).toBe(2n ** 64n - 256n);
    expect(plan.total).toBe((2n ** 64n - 256n) * 3n);
  });

  it('resolves localhost and reports it', async () => {
    const plan = await buildPlan({ targets: 'localhost' }, P);
    expect(plan.resolutions).toEqual([{ name: 'localhost', address: '127.0.0.1' }]);
    expect(listAll(plan.hosts)).toEqual(['127.0.0.1']);
  });

  it('an unresolvable name fails before anything is planned', async () => {
    const e = await asyncParseErrorOf(buildPlan({ targets: '127.0.0.1 nohost.invalid' }, P));
    expect(e.message).toBe("cannot resolve hostname 'nohost.invalid' at column 11 of '127.0.0.1 nohost.invalid'");
  });

  it('startIp and endIp make one range', async () => {
    const plan = await buildPlan({ startIp: '127.0.0.1', endIp: '127.0.0.9' }, P);
    expect(spans(plan.hosts)).toEqual(['127.0.0.1-127.0.0.9']);
    expect(plan.total).toBe(27n);
    const v6 = await buildPlan({ startIp: '2001:2::1', endIp: '2001:2::4' }, P);
    expect(v6.hosts.count()).toBe(4n);
  });

  it('startIp without endIp (or the reverse) is a UsageError', async () => {
    await expect(buildPlan({ startIp: '127.0.0.1' }, P)).rejects.toThrow(UsageError);
    await expect(buildPlan({ endIp: '127.0.0.1' }, P)).rejects.toThrow(
      "options 'startIp' and 'endIp' go together: give both",
    );
  });

  it('startIp and endIp must each be one address', async () => {
    const e = await asyncParseErrorOf(buildPlan({ startIp: 'localhost', endIp: '127.0.0.5' }, P));
    expect(e.what).toBe("bad address 'localhost' for option 'startIp'");
    const f = await asyncParseErrorOf(buildPlan({ startIp: '127.0.0.1', endIp: '127.0.0.0/24' }, P));
    expect(f.what).toBe("bad address '127.0.0.0/24' for option 'endIp'");
    expect(f.column).toBe(1);
  });

  it('a reversed or mixed startIp-endIp is a ParseError', async () => {
    const e = await asyncParseErrorOf(buildPlan({ startIp: '127.0.0.9', endIp: '127.0.0.1' }, P));
    expect(e.what).toBe("reversed range '127.0.0.9-127.0.0.1' (127.0.0.9 is after 127.0.0.1)");
    const f = await asyncParseErrorOf(buildPlan({ startIp: '127.0.0.1', endIp: '::1' }, P));
    expect(f.what).toBe("range '127.0.0.1-::1' mixes IPv4 and IPv6");
  });

  it('no targets, or all excluded, is a UsageError', async () => {
    await expect(buildPlan({}, P)).rejects.toThrow(
      new UsageError('no targets given: name at least one address, range or host'),
    );
    await expect(buildPlan({ targets: [] }, P)).rejects.toThrow(UsageError);
    await expect(buildPlan({ targets: '127.0.0.0/30', exclude: '127.0.0.0-127.0.0.3' }, P)).rejects.toThrow(
      'every target is excluded: nothing left to scan',
    );
  });

  it('a bad exclusion is a ParseError with its column', async () => {
    const e = await asyncParseErrorOf(buildPlan({ targets: '127.0.0.1', exclude: '127.0.0.2, 127.0.0.256' }, P));
    expect(e).toBeInstanceOf(ParseError);
    expect(e.column).toBe(20);
  });
});

describe('PlanCursor', () => {
  it('walks every (host, port) once, port-major', async () => {
    const ports = Uint16Array.from([7, 9]);
    const plan = await buildPlan({ targets: '127.0.0.1-127.0.0.2 ::1' }, ports);
    const cursor = new PlanCursor(plan);
    const seen: string[] = [];
    for (let step = cursor.next(); step !== null; step = cursor.next()) {
      seen.push(`${step.addr === 1n ? '::1' : `127.0.0.${Number(step.addr - V4_BASE) & 255}`}:${step.port}`);
    }
    expect(seen).toEqual(['::1:7', '127.0.0.1:7', '127.0.0.2:7', '::1:9', '127.0.0.1:9', '127.0.0.2:9']);
    expect(BigInt(seen.length)).toBe(plan.total);
    expect(cursor.done).toBe(true);
  });
});
