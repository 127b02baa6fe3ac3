// The CLI end to end on 127.0.0.1: an open port P (a listening server) and a closed port Q, in
// every output form, -o FILE, --help, and Ctrl-C leaving a valid file (json, ndjson, nmap XML)
// with exit code 130.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { countingServerIn, loopbackPair, runCli, startCli, waitFor, type CountingServer } from '../helpers/cli';
import { nmapServiceName } from '../../lib/output/nmap-common';

const pair = loopbackPair('cli');

/** Scans P and Q on 127.0.0.1 in connect mode with extra arguments; expects exit 0; returns stdout. */
function scan(...extra: string[]): string {
  const r = runCli(['--mode', 'connect', '-p', `${pair.P},${pair.Q}`, ...extra, '127.0.0.1']);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  return r.stdout;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

describe('output forms', () => {
  it('table (default): P open, one closed port, none silent', () => {
    const out = scan();
    const rows = out.split('\n');
    expect(rows[0]).toMatch(/^IP\s+Open ports\s+Closed\s+Silent$/);
    const row = rows.find((l) => l.startsWith('127.0.0.1'));
    expect(row).toBeDefined();
    expect(row).toMatch(new RegExp(`^127\\.0\\.0\\.1\\s+${pair.P}\\b.*\\s1\\s+0$`));
    expect(row).not.toContain(String(pair.Q));
    expect(out).toMatch(/1 host x 2 ports \(connect mode\): 1 open, 2 of 2 probed/);
  });

  it('table with --full lists the closed port too', () => {
    const out = scan('--full');
    expect(out).toContain(`    open:   ${pair.P}`);
    expect(out).toContain(`    closed: ${pair.Q}`);
  });

  it('ndjson: only the open port, with ip, port, state, reason, rtt_ms', () => {
    const recs = lines(scan('-f', 'ndjson')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toHaveLength(1);
    const [r] = recs;
    expect(r).toMatchObject({ ip: '127.0.0.1', port: pair.P, state: 'open', reason: 'syn-ack' });
    expect(typeof r!.rtt_ms).toBe('number');
    expect(r!.rtt_ms as number).toBeGreaterThanOrEqual(0);
    expect(r!.rtt_ms as number).toBeLessThan(10000);
  });

  it('--full -f ndjson: both ports, open and closed', () => {
    const recs = lines(scan('--full', '-f', 'ndjson')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toHaveLength(2);
    const byPort = new Map(recs.map((r) => [r.port, r]));
    expect(byPort.get(pair.P)).toMatchObject({ ip: '127.0.0.1', port: pair.P, state: 'open', reason: 'syn-ack' });
    expect(byPort.get(pair.Q)).toMatchObject({
      ip: '127.0.0.1',
      port: pair.Q,
      state: 'closed',
      reason: 'conn-refused',
    });
    for (const r of recs)
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['ip', 'port', 'state', 'reason', 'rtt_ms']));
  });

  it('json: a valid JSON array', () => {
    const arr = JSON.parse(scan('-f', 'json')) as Record<string, unknown>[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toHaveLength(1);
    expect(arr[0]).toMatchObject({ ip: '127.0.0.1', port: pair.P, state: 'open' });
    const full = JSON.parse(scan('-f', 'json', '--full')) as Record<string, unknown>[];
    expect(full.map((r) => [r.port, r.state]).sort()).toEqual(
      [
        [pair.P, 'open'],
        [pair.Q, 'closed'],
      ].sort(),
    );
  });

  it('json with nothing open is an empty array', () => {
    const r = runCli(['-p', String(pair.Q), '-f', 'json', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });

  it('csv: a header and one row per result', () => {
    const rows = lines(scan('-f', 'csv'));
    expect(rows[0]).toBe('ip,port,state,reason,rtt_ms,service,tries');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(new RegExp(`^127\\.0\\.0\\.1,${pair.P},open,syn-ack,[0-9.]+,`));
    const full = lines(scan('-f', 'csv', '--full'));
    expect(full).toHaveLength(3);
    expect(full.some((l) => l.startsWith(`127.0.0.1,${pair.Q},closed,conn-refused,`))).toBe(true);
  });

  it('list: "ip port state"', () => {
    expect(lines(scan('-f', 'list'))).toEqual([`127.0.0.1 ${pair.P} open`]);
    expect(lines(scan('-f', 'list', '--full')).sort()).toEqual(
      [`127.0.0.1 ${pair.P} open`, `127.0.0.1 ${pair.Q} closed`].sort(),
    );
  });

  it('ips: each host with an open port, once', () => {
    expect(scan('-f', 'ips')).toBe('127.0.0.1\n');
    const r = runCli(['-p', String(pair.Q), '-f', 'ips', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
  });

  it("grepable: nmap's -oG lines, a status line and a ports line", () => {
    const rows = lines(scan('-f', 'grepable'));
    const [first, second] = [pair.P, pair.Q].sort((a, b) => a - b) as [number, number];
    const entry = (port: number): string =>
      `${port}/${port === pair.P ? 'open' : 'closed'}/tcp//${nmapServiceName(port)}///`;
    expect(rows.slice(1, -1)).toEqual([
      'Host: 127.0.0.1 ()\tStatus: Up',
      `Host: 127.0.0.1 ()\tPorts: ${entry(first)}, ${entry(second)}`,
    ]);
    expect(rows[0]).toMatch(/^# portscan \S+ scan initiated \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} as: portscan /);
    expect(rows[rows.length - 1]).toMatch(
      /^# portscan done at .* -- 1 IP address \(1 host up\) scanned in [\d.]+ seconds$/,
    );
  });

  it('-q keeps stderr quiet', () => {
    const r = runCli(['-q', '-p', String(pair.P), '-f', 'ndjson', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toHaveLength(1);
  });
});

describe('targets on the command line', () => {
  it('localhost is scanned as 127.0.0.1 and said so', () => {
    const r = runCli(['-p', String(pair.P), '-f', 'list', 'localhost']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`127.0.0.1 ${pair.P} open\n`);
    expect(r.stderr).toContain('localhost resolved to 127.0.0.1');
  });

  it('--start-ip/--end-ip and overlapping targets scan each address once', () => {
    const r = runCli([
      '-p',
      `${pair.P},${pair.Q}`,
      '-f',
      'ndjson',
      '--full',
      '--start-ip',
      '127.0.0.1',
      '--end-ip',
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1/32',
    ]);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toHaveLength(2);
  });

  it('--exclude takes an address out', () => {
    const r = runCli(['-p', String(pair.Q), '-f', 'list', '--full', '--exclude', '127.0.0.2', '127.0.0.1-127.0.0.3']);
    expect(r.status).toBe(0);
    expect(
      lines(r.stdout)
        .map((l) => l.split(' ')[0])
        .sort(),
    ).toEqual(['127.0.0.1', '127.0.0.3']);
  });
});

describe('-o FILE', () => {
  it('writes the results to the file, not stdout', () => {
    const file = join(pair.dir, 'out.ndjson');
    const out = scan('-f', 'ndjson', '-o', file);
    expect(out).toBe('');
    const recs = lines(readFileSync(file, 'utf8')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toEqual([expect.objectContaining({ ip: '127.0.0.1', port: pair.P, state: 'open' })]);
  });

  it('writes a table too', () => {
    const file = join(pair.dir, 'out.txt');
    expect(scan('-o', file)).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^127\\.0\\.0\\.1\\s+${pair.P}\\b`, 'm'));
  });

  it('an unwritable path exits 1 with a message naming it', () => {
    const r = runCli(['-p', String(pair.P), '-o', '/nonexistent-dir/out.txt', '127.0.0.1']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/nonexistent-dir/out.txt');
  });
});

describe('help and usage', () => {
  it('--help exits 0 and documents the Standard list and exit codes', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Standard list');
    expect(r.stdout).toMatch(/Exit codes: 0 done, 1 runtime failure/);
    expect(r.stdout).toContain('2 bad usage');
    expect(r.stdout).toContain('130');
    expect(r.stdout).toContain('--ports');
  });

  it('no arguments exits 2', () => {
    const r = runCli([]);
    expect(r.status).toBe(2);
  });
});

describe('Ctrl-C', () => {
  // At --rate 3000 all 65535 ports take ~22 s; SIGINT after 1.5 s stops it part way. A server
  // on a low port (reached in well under a second) proves that what was found is kept.
  let early: CountingServer;
  beforeAll(async () => {
    early = await countingServerIn(1025, 1400);
  });
  afterAll(async () => {
    await early.close();
  });

  async function interrupted(format: 'json' | 'ndjson', extra: string[] = []): Promise<string> {
    const file = join(pair.dir, `interrupted.${format}`);
    rmSync(file, { force: true }); // a previous test's file would look like this run's progress
    const t0 = Date.now();
    const { child, done } = startCli([
      '--mode',
      'connect',
      '-p-',
      '--rate',
      '3000',
      '-f',
      format,
      '-o',
      file,
      ...extra,
      '127.0.0.1',
    ]);
    // Interrupted once the early port's result is written, however slowly a busy machine starts.
    const found = new RegExp(`"port":\\s*${early.port}\\b`);
    await waitFor('the early port', () => existsSync(file) && found.test(readFileSync(file, 'utf8')));
    expect(child.exitCode).toBeNull(); // still running
    child.kill('SIGINT');
    const r = await done;
    expect({ status: r.status, signal: r.signal }).toEqual({ status: 130, signal: null });
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('stopping');
    return readFileSync(file, 'utf8');
  }

  it('json: exit 130 and the file is a valid JSON array with what was found', async () => {
    const text = await interrupted('json');
    const arr = JSON.parse(text) as Record<string, unknown>[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toContainEqual(expect.objectContaining({ ip: '127.0.0.1', port: early.port, state: 'open' }));
    // Stopped part way: the listening server P (an ephemeral port, above 32767) is not reached.
    expect(arr.some((r) => r.port === pair.P)).toBe(false);
  });

  it('ndjson: exit 130 and every line parses', async () => {
    const text = await interrupted('ndjson');
    expect(text.endsWith('\n')).toBe(true);
    const recs = lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs).toContainEqual(expect.objectContaining({ ip: '127.0.0.1', port: early.port, state: 'open' }));
    expect(recs.some((r) => r.port === pair.P)).toBe(false);
  });

  it('--output-xml beside it: a well-formed XML file with what was found, saying it stopped early', async () => {
    const xmlPath = join(pair.dir, 'interrupted.xml');
    await interrupted('ndjson', ['--output-xml', xmlPath]);
    const xml = readFileSync(xmlPath, 'utf8');
    expect(xml).toContain(`portid="${early.port}"><state state="open"`);
    expect(xml).toMatch(/exit="error" errormsg="stopped early: \d+ of 65535 probes done"/);
    expect(xml.endsWith('</runstats>\n</nmaprun>\n')).toBe(true);
    if (spawnSync('sh', ['-c', 'command -v xmllint']).status === 0) {
      expect(spawnSync('xmllint', ['--noout', xmlPath], { encoding: 'utf8' }).stderr).toBe('');
    }
  });
});
