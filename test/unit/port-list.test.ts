// port-list.ts: the seed's port syntax, the Standard list, and errors that say what and where.
import { readFileSync } from 'node:fs';

import { ParseError } from '../../lib/errors';
import { compressPorts, MAX_PORT, parsePortList, STANDARD_PORTS } from '../../lib/plan/port-list';

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

function ports(text: string): number[] {
  return [...parsePortList(text)];
}

/** The ParseError thrown by parsePortList(text); fails the test when none is thrown. */
function parseError(text: string): ParseError {
  try {
    parsePortList(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error(`parsePortList(${JSON.stringify(text)}) did not throw`);
}

describe("the seed's examples", () => {
  it('1-1024', () => {
    expect(ports('1-1024')).toEqual(range(1, 1024));
  });

  it('1-30, 80, 443', () => {
    expect(ports('1-30, 80, 443')).toEqual([...range(1, 30), 80, 443]);
  });

  it('21, 22, 25, 80-88, 1000-1024, 6666', () => {
    const got = ports('21, 22, 25, 80-88, 1000-1024, 6666');
    expect(got).toEqual([21, 22, 25, ...range(80, 88), ...range(1000, 1024), 6666]);
    expect(got).toHaveLength(3 + 9 + 25 + 1);
  });
});

describe('STANDARD_PORTS', () => {
  const seed = [
    7, 9, 11, 13, 17, 19, 21, 23, 25, 43, 53, 70, 79, 80, 88, 110, 111, 113, 119, 135, 139, 143, 389, 443, 445, 512,
    513, 1080, 1512, 3128, 6667, 8080,
  ];

  it("is the seed's 32-port Standard list", () => {
    expect([...STANDARD_PORTS]).toEqual(seed);
    expect(STANDARD_PORTS).toHaveLength(32);
  });

  it('matches the list written in the seed help page', () => {
    const help = readFileSync('/work/shared/seed/portscan-help.txt', 'utf8');
    const m = /The Standard list includes the following ports: ([\d, and]+)\./.exec(help);
    expect(m).not.toBeNull();
    const fromHelp = (m as RegExpExecArray)[1]!
      .replace('and', '')
      .split(',')
      .map((s) => Number(s.trim()));
    expect([...STANDARD_PORTS]).toEqual(fromHelp);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(STANDARD_PORTS)).toBe(true);
  });
});

describe('every port', () => {
  it.each(['-', 'all', 'ALL', 'All', ' - ', ' all ', '1-65535', '1-', '-65535'])('%j is 1-65535', (text) => {
    const got = parsePortList(text);
    expect(got).toHaveLength(MAX_PORT);
    expect(got[0]).toBe(1);
    expect(got[MAX_PORT - 1]).toBe(65535);
    expect(compressPorts(got)).toBe('1-65535');
  });
});

describe('forms', () => {
  it.each([
    ['80', [80]],
    ['1', [1]],
    ['65535', [65535]],
    ['080', [80]],
    ['  443  ', [443]],
    ['443,80,22', [22, 80, 443]],
    ['80 , 443', [80, 443]],
    ['5-5', [5]],
    ['1 - 3', [1, 2, 3]],
    ['-3', [1, 2, 3]],
    ['65533-', [65533, 65534, 65535]],
    ['80,-2', [1, 2, 80]],
    ['\t22,\t80', [22, 80]],
  ])('%j', (text, expected) => {
    expect(ports(text)).toEqual(expected);
  });

  it('returns a sorted Uint16Array', () => {
    const got = parsePortList('9000, 22, 443, 1-3');
    expect(got).toBeInstanceOf(Uint16Array);
    expect([...got]).toEqual([1, 2, 3, 22, 443, 9000]);
  });

  it('removes duplicates from overlapping items', () => {
    expect(ports('80, 80, 80')).toEqual([80]);
    expect(ports('1-10, 5-15, 12')).toEqual(range(1, 15));
    expect(ports('20-30, 1-100, 50')).toEqual(range(1, 100));
    expect(ports('1-1024, 22, 80, 443, 1000-2000')).toEqual(range(1, 2000));
    expect(ports('-, 80')).toHaveLength(MAX_PORT);
  });
});

describe('errors', () => {
  it("names the port and its column: '1-30,70000'", () => {
    const e = parseError('1-30,70000');
    expect(e.message).toBe("bad port '70000' (above 65535) at column 6 of '1-30,70000'");
    expect(e.what).toBe("bad port '70000' (above 65535)");
    expect(e.column).toBe(6);
    expect(e.input).toBe('1-30,70000');
    expect(e.code).toBe('EPARSE');
    expect(e.name).toBe('ParseError');
  });

  // [input, message start, 1-based column of the bad token]
  it.each([
    ['0', "bad port '0' (port 0 cannot be scanned)", 1],
    ['70000', "bad port '70000' (above 65535)", 1],
    ['65536', "bad port '65536' (above 65535)", 1],
    ['99999999999999999999', "bad port '99999999999999999999' (above 65535)", 1],
    ['80, 0', "bad port '0' (port 0 cannot be scanned)", 5],
    ['1-30, 70000', "bad port '70000' (above 65535)", 7],
    ['1-30,  70000', "bad port '70000' (above 65535)", 8],
    ['  70000', "bad port '70000' (above 65535)", 3],
    ['0-10', "bad port '0' (port 0 cannot be scanned)", 1],
    ['22, 0-10', "bad port '0' (port 0 cannot be scanned)", 5],
    ['1-70000', "bad port '70000' (above 65535)", 3],
    ['80, 100-70000', "bad port '70000' (above 65535)", 9],
    ['80, 100 - 70000', "bad port '70000' (above 65535)", 11],
    ['70000-70001', "bad port '70000' (above 65535)", 1],
    ['10-70000, 1', "bad port '70000' (above 65535)", 4],
    ['30-1', "reversed port range '30-1'", 1],
    ['80, 30-1', "reversed port range '30-1'", 5],
    ['1-30, 443, 9-8', "reversed port range '9-8'", 12],
    ['abc', "unknown port or service name 'abc'", 1],
    ['80, htp', "unknown port or service name 'htp'", 5],
    ['80, T: htp', "unknown port or service name 'htp'", 8],
    ['S:80', "'S:80': portscan scans TCP only (S: is not TCP)", 1],
    ['80,9x', "bad port '9x'", 4],
    ['22,8o', "bad port '8o'", 4],
    ['1-30 80', "bad port '1-30 80'", 1],
    ['80 443', "bad port '80 443'", 1],
    ['1-2-3', "bad port '1-2-3'", 1],
    ['1--5', "bad port '1--5'", 1],
    ['+80', "bad port '+80'", 1],
    ['-80-', "bad port '-80-'", 1],
    ['8.0', "bad port '8.0'", 1],
    ['80,,443', 'empty item in port list', 4],
    ['80, ,443', 'empty item in port list', 5],
    [',80', 'empty item in port list', 1],
    ['  ,80', 'empty item in port list', 3],
    ['80,', 'empty item in port list', 3],
    ['80, 443, ', 'empty item in port list', 8],
    [',', 'empty item in port list', 1],
    ['', 'empty port list', 1],
    ['   ', 'empty port list', 1],
  ])('%j', (text, what, column) => {
    const e = parseError(text);
    expect(e.what).toBe(what);
    expect(e.column).toBe(column);
    expect(e.message).toBe(`${what} at column ${column} of '${text}'`);
  });

  it('puts the column on the bad token itself', () => {
    for (const [text, token] of [
      ['1-30,70000', '70000'],
      ['1, 2, 3, 99999', '99999'],
      ['100-70000', '70000'],
      ['7, 9, 11, 13, 0', '0'],
      ['80, 443, x1', 'x1'],
    ] as const) {
      const e = parseError(text);
      expect(text.slice(e.column - 1, e.column - 1 + token.length)).toBe(token);
    }
  });
});

describe('compressPorts', () => {
  it.each([
    [[], ''],
    [[80], '80'],
    [[1, 2, 3, 5, 7, 8], '1-3,5,7-8'],
    [[21, 22, 25, 80, 81, 82], '21-22,25,80-82'],
  ])('%j -> %s', (list, text) => {
    expect(compressPorts(list)).toBe(text);
  });

  it('round-trips through parsePortList', () => {
    const text = '21, 22, 25, 80-88, 1000-1024, 6666';
    expect(compressPorts(parsePortList(text))).toBe('21-22,25,80-88,1000-1024,6666');
    expect([...parsePortList(compressPorts(parsePortList(text)))]).toEqual(ports(text));
  });
});

describe("nmap's service names and T: (issue 12; names from the installed nmap-services)", () => {
  it('a name is every TCP port nmap gives it; * and ? are wildcards; T: is TCP', () => {
    expect(ports('ssh')).toEqual([22]);
    expect(ports('ssh, http, T:8080')).toEqual([22, 80, 8008, 8080]);
    expect(ports('T:21-23,HTTP-ALT')).toEqual([21, 22, 23, 591, 8000]);
    expect(ports('http-prox?')).toEqual([8080]);
  });

  it('a name repeated 200,000 times is looked up once (the list stays linear)', () => {
    expect(ports(Array(200000).fill('http*').join(','))).toEqual(ports('http*'));
  });
});
