// portscan merge: it takes every record kind portscan writes (results and tarpit records) and
// keeps them in the merged report; it validates each record (port, state, address, the strings
// it writes back out) with a message naming the file and line, escaped and short; and it counts
// one host once however its address is spelled. Files only: nothing is scanned.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { mergeMain } from '../../lib/cli/merge';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 't10i-merge-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

const rec = (ip: string, port: number, state = 'open', extra = ''): string =>
  `{"ip":"${ip}","port":${port},"state":"${state}","reason":"syn-ack","rtt_ms":1,"service":"ssh","tries":1${extra}}`;

/** Runs merge; its exit code, stderr, and the output file's lines. */
async function merge(args: string[]): Promise<{ status: number; stderr: string; out: string[] }> {
  const outPath = join(dir, 'out.ndjson');
  let stderr = '';
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  let status: number;
  try {
    status = await mergeMain(['-f', 'ndjson', '--full', '-o', outPath, ...args]);
  } finally {
    spy.mockRestore();
  }
  let out: string[] = [];
  try {
    out = readFileSync(outPath, 'utf8').split('\n').filter(Boolean);
  } catch {
    out = [];
  }
  return { status, stderr, out };
}

describe('record kinds', () => {
  it("keeps portscan's own tarpit records", async () => {
    const a = file('a.ndjson', [
      rec('198.18.0.1', 22),
      '{"ip":"198.18.0.9","tarpit":true,"open_ports":300,"answered_ports":310}',
    ]);
    const b = file('b.ndjson', ['{"ip":"198.18.0.9","tarpit":true,"open_ports":200,"answered_ports":205}']);
    const r = await merge([a, b]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(r.out.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({ ip: '198.18.0.1', port: 22, state: 'open' }),
      // Shards scan disjoint parts of the plan: their counts add up.
      { ip: '198.18.0.9', tarpit: true, open_ports: 500, answered_ports: 515 },
    ]);
  });
});

describe('bad records: exit 2, a line naming the file and line', () => {
  it.each([
    ['null', 'not a JSON object'],
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    [rec('198.18.0.1', 99999), 'bad port 99999 (a whole number from 1 to 65535)'],
    [rec('198.18.0.1', -1), 'bad port -1 (a whole number from 1 to 65535)'],
    [rec('198.18.0.1', 22.5), 'bad port 22.5 (a whole number from 1 to 65535)'],
    [rec('198.18.0.1', 0), 'bad port 0 (a whole number from 1 to 65535)'],
    [rec('198.18.0.1', 22, '\\u001b[31mopen'), "bad state '\\x1b[31mopen' (open, closed, filtered or unknown)"],
    [rec('198.18.0.1', 22, 'maybe'), "bad state 'maybe' (open, closed, filtered or unknown)"],
    [rec('198.18.010.1', 22), "bad address '198.18.010.1'"],
    [rec('not-an-ip', 22), "bad address 'not-an-ip'"],
    ['{"ip":null,"port":22,"state":"open"}', 'bad address null'],
    [rec('198.18.0.1', 22, 'open', ',"reason":"a\\"b"'), "bad reason 'a\"b'"],
    [rec('198.18.0.1', 22, 'open', ',"service":"\\u001b]0;x"'), "bad service '\\x1b]0;x'"],
    [rec('198.18.0.1', 22, 'open', ',"tries":-1'), 'bad tries -1'],
    ['{"ip":"198.18.0.1","tarpit":true,"open_ports":-5,"answered_ports":1}', 'bad open_ports -5'],
  ])('%s', async (line, what) => {
    const f = file('bad.ndjson', [rec('198.18.0.2', 80), line]);
    const r = await merge([f]);
    expect(r.status).toBe(2);
    const first = r.stderr.split('\n')[0] as string;
    expect(first).toBe(`portscan merge: '${f}' line 2: ${what}`);
    expect(r.stderr.includes(String.fromCharCode(27))).toBe(false);
  });

  it('a long bad value is cut short in the message', async () => {
    const f = file('long.ndjson', [rec('198.18.0.1', 22, 'x'.repeat(100000))]);
    const r = await merge([f]);
    expect(r.status).toBe(2);
    expect(r.stderr.length).toBeLessThan(600);
  });
});

describe('addresses are canonical', () => {
  it('2001:2::1 and 2001:0002:0000::0001 are one host', async () => {
    const a = file('a.ndjson', [rec('2001:2::1', 22, 'closed')]);
    const b = file('b.ndjson', [rec('2001:0002:0000::0001', 22, 'open'), rec('2001:0002:0000::0001', 80, 'open')]);
    const r = await merge([a, b]);
    expect(r.status).toBe(0);
    expect(r.out.map((l) => (JSON.parse(l) as { ip: string; port: number; state: string }).ip)).toEqual([
      '2001:2::1',
      '2001:2::1',
    ]);
    expect(r.out.map((l) => (JSON.parse(l) as { state: string }).state)).toEqual(['open', 'open']);
  });

  it('::ffff:198.18.0.1 and 198.18.0.1 are one host, written as 198.18.0.1', async () => {
    const a = file('a.ndjson', [rec('::ffff:198.18.0.1', 22, 'filtered')]);
    const b = file('b.ndjson', [rec('198.18.0.1', 22, 'closed')]);
    const r = await merge([a, b]);
    expect(r.status).toBe(0);
    expect(r.out).toHaveLength(1);
    expect(JSON.parse(r.out[0] as string)).toMatchObject({ ip: '198.18.0.1', port: 22, state: 'closed' });
  });

  it('the table counts one host', async () => {
    const a = file('a.ndjson', [rec('::ffff:198.18.0.1', 22)]);
    const b = file('b.ndjson', [rec('198.18.0.1', 80)]);
    const outPath = join(dir, 'table.txt');
    const status = await mergeMain(['-f', 'grepable', '-o', outPath, a, b]);
    expect(status).toBe(0);
    const hosts = readFileSync(outPath, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('Host:'));
    expect(hosts).toEqual([
      'Host: 198.18.0.1 ()\tStatus: Up',
      'Host: 198.18.0.1 ()\tPorts: 22/open/tcp//ssh///, 80/open/tcp//http///',
    ]);
  });

  it("writes nmap's XML, --open keeping only hosts with an open port, in address order", async () => {
    const a = file('x1.ndjson', [rec('198.18.0.9', 22), rec('198.18.0.2', 80, 'closed', ',"x":1')]);
    const b = file('x2.ndjson', [rec('198.18.0.1', 443)]);
    const outPath = join(dir, 'merged.xml');
    expect(await mergeMain(['-f', 'xml', '--open', '-o', outPath, a, b])).toBe(0);
    const xml = readFileSync(outPath, 'utf8');
    expect([...xml.matchAll(/<address addr="([^"]+)"/g)].map((m) => m[1])).toEqual(['198.18.0.1', '198.18.0.9']);
    expect(xml).toContain('<hosts up="3" down="0" total="3"/>');
    expect(xml.endsWith('</runstats>\n</nmaprun>\n')).toBe(true);
    const table = join(dir, 'merged.txt');
    expect(await mergeMain(['-o', table, a, b])).toBe(0);
    expect(readFileSync(table, 'utf8')).toMatch(/: 2 open, 3 of 3 probed, merged from NDJSON\n$/);
  });
});
