// SPDX-License-Identifier: MIT
// dialect.test.ts (issue 12): nmap's and masscan's command lines through the scan command. Each
// spelling is checked by what --echo says the scan would use (in-process, fake binding: nothing
// can be sent); each option not offered by its one line and exit code 2; a few real runs of
// bin/portscan.js (loopback only) check that -host is no help page, that -sT finds a listener,
// and that --top-ports and service names choose nmap's own ports (nmap -sT on 127.0.0.1).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { main } from '../../lib/cli/main';
import { HINTS } from '../../lib/cli/dialect';
import { closedPort, countingServer, runCli } from '../helpers/cli';
import { forbidDns } from '../helpers/targets';
import type * as FakeBindingModule from '../helpers/fake-binding';

jest.mock('../../lib/native/binding', () => {
  const actual: object = jest.requireActual('../../lib/native/binding');
  const helper: typeof FakeBindingModule = jest.requireActual('../helpers/fake-binding');
  const { binding } = helper.fakeBinding({ script: () => 'silent', syn: { script: () => 'silent' } });
  return { ...actual, loadBinding: () => binding };
});

forbidDns();

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stderr = '';
  let stdout = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

/** The `name = value` lines --echo prints for `argv` (which must be accepted). */
async function echo(argv: string[]): Promise<string[]> {
  const r = await run([...argv, '--echo']);
  expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 0, stderr: '' });
  return r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'portscan-dialect-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nmap and masscan spellings, by what --echo says the scan uses', () => {
  it.each([
    [['-sS'], ['mode = syn']],
    [['-sT'], ['mode = connect']],
    [['-sT', '-Pn', '-n', '-6'], ['mode = connect']],
    [['-T4'], ['timing = 4']],
    [['-T', 'polite'], ['timing = polite']],
    [['-F'], ['top-ports = 100']],
    [['--top-ports', '1000'], ['top-ports = 1000']],
    [['-iL', '/nonexistent/list'], ['input-file = /nonexistent/list']],
    [['--excludefile', '/nonexistent/x'], ['exclude-file = /nonexistent/x']],
    [['--exclude', '127.0.0.2'], ['exclude = 127.0.0.2']],
    [['--min-rate', '100'], ['rate = 100']],
    [['--max-rate', '1.5M'], ['rate = 1.5M']],
    [['--rate', '100k'], ['rate = 100k']],
    [['--max-retries', '1'], ['retries = 1']],
    [
      ['--max-rtt-timeout', '2s', '--min-rtt-timeout', '50ms'],
      ['min-timeout = 50', 'timeout = 2000'],
    ],
    [['--host-timeout', '30m'], ['host-timeout = 30m']],
    [
      ['-sS', '--shard', '1/2', '--seed', '9', '--wait', '3'],
      ['mode = syn', 'seed = 9', 'shard = 1/2', 'wait = 3'],
    ],
    [['-sS', '--source-port', '40000', '--router-mac', '02:00:00:00:00:01'], ['router-mac = 02:00:00:00:00:01']],
    [
      ['-sS', '--adapter', 'lo', '--adapter-ip', '127.0.0.1'],
      ['interface = lo', 'source-ip = 127.0.0.1'],
    ],
    [['-vv'], ['verbose = true']],
    [['-p', 'ssh,http,T:8080'], ['ports = ssh,http,T:8080']],
  ])('%j', async (argv, lines) => {
    const got = await echo([...argv, '127.0.0.1']);
    for (const line of lines) expect(got).toContain(line);
    expect(got).toContain('targets = 127.0.0.1');
  });
});

describe('options not offered: one line, exit 2', () => {
  it.each(Object.entries(HINTS))('%s', async (spelling, hint) => {
    const r = await run(['127.0.0.1', spelling, '1']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(`portscan: ${spelling}: ${hint}`);
    expect(r.stdout).toBe('');
  });

  it.each([
    [['-sS', '-sT'], "portscan: '-sT' and '-sS' both set --mode: give one"],
    [['-sS', '-m', 'connect'], "portscan: '-m' and '-sS' both set --mode: give one"],
    [['-c', '25'], "portscan: -c 25: -c reads a masscan config file; naabu's -c (concurrency) is --tasks"],
    [['-p', 'U:53'], "portscan: 'U:53': portscan scans TCP only (U: is not TCP) at column 1 of 'U:53'"],
    [
      ['--top-ports', '10', '-p', '22'],
      "portscan: options '--top-ports' and '--ports' (-p) choose the ports: give one",
    ],
    [['-sY'], 'portscan: -sY: portscan scans TCP only'],
    [['-p', 'ssh,htp', '--echo'], "portscan: unknown port or service name 'htp' at column 5 of 'ssh,htp'"],
    [['-PS22,80'], 'portscan: -PS22,80: portscan does no host discovery: every target is scanned, as with -Pn'],
  ])('%j', async (argv, line) => {
    const r = await run([...argv, '127.0.0.1']);
    expect({ code: r.code, line: r.stderr.split('\n')[0] }).toEqual({ code: 2, line });
  });
});

describe('--host-timeout', () => {
  it('is accepted, and a line says it is not applied (bin/portscan.js, 127.0.0.1)', async () => {
    const port = await closedPort();
    const r = runCli(['--host-timeout', '15m', '-m', 'connect', '-p', String(port), '-f', 'list', '127.0.0.1']);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('portscan: --host-timeout is not applied: portscan probes every host');
  });
});

describe('masscan config files: -c FILE and --echo', () => {
  it('--echo prints a file that -c reads back to the same options', async () => {
    const first = await run(['-sT', '-p', '22,80', '-p', '443', '--rate', '100k', '--full', '127.0.0.1', '--echo']);
    const file = join(dir, 'echo.conf');
    writeFileSync(file, first.stdout);
    const again = await run(['-c', file, '--echo']);
    expect(again).toEqual({ ...first, stdout: first.stdout });
  });

  it("reads masscan's names: range, excludefile, adapter-port; # comments", async () => {
    const file = join(dir, 'masscan.conf');
    writeFileSync(file, '# masscan\nrange = 127.0.0.1\nrate = 100000.00\nexcludefile = /nonexistent/x\nfull = true\n');
    const got = await echo(['--conf', file]);
    expect(got).toEqual(expect.arrayContaining(['rate = 100000.00', 'exclude-file = /nonexistent/x', 'full = true']));
    expect(got).toContain('targets = 127.0.0.1');
  });

  it.each([
    ['bogus = 1\n', "line 1: unknown option 'bogus'"],
    ['\x1b[2J = 1\n', "expected 'name = value', got '\\x1b[2J = 1'"],
    ['full = maybe\n', "line 1: option '--full' is a switch: true or false, got 'maybe'"],
    ['conf = /etc/passwd\n', "unknown option 'conf'"],
    ['rate = \x1b]0;pwned\x07\n', "option '--rate' expects a whole number of probes per second"],
    ['mode = syn\n', "option '--mode' was given more than once ('syn', 'connect'): give it once"],
  ])('refuses %j, escaped, naming the line', async (text, what) => {
    const file = join(dir, 'bad.conf');
    writeFileSync(file, text);
    const extra = text.startsWith('mode') ? ['-m', 'connect'] : [];
    const r = await run(['-c', file, ...extra, '127.0.0.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(what);
    expect(r.stderr).not.toMatch(/\x1b/); // eslint-disable-line no-control-regex
  });

  it('refuses a file larger than a config file can be, and a directory', async () => {
    const big = join(dir, 'big.conf');
    writeFileSync(big, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    expect((await run(['-c', big, '127.0.0.1'])).stderr).toContain('is larger than 1048576 bytes');
    expect((await run(['-c', dir, '127.0.0.1'])).code).toBe(2);
  });
});

/** "21-23,25" -> [21, 22, 23, 25] */
function expand(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    return Array.from({ length: (b ?? a) - a + 1 }, (_, k) => a + k);
  });
}

/** The ports nmap chooses for these options, from its <scaninfo services> (nmap -sT on 127.0.0.1). */
function nmapPorts(args: string[]): number[] {
  const xml = execFileSync('nmap', ['-sT', '-n', '-Pn', ...args, '-oX', '-', '127.0.0.1'], { encoding: 'utf8' });
  return expand((/ services="([^"]+)"/.exec(xml) as RegExpExecArray)[1] as string);
}

/** The ports portscan probes for these options (every probed port: --full -f list, 127.0.0.1). */
function ourPorts(args: string[]): number[] {
  const r = runCli(['-m', 'connect', ...args, '--full', '-f', 'list', '-q', '127.0.0.1']);
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(l.split(' ')[1]))
    .sort((a, b) => a - b);
}

describe('bin/portscan.js (127.0.0.1 only)', () => {
  it('-host is answered in one line, not with the help page', () => {
    const r = runCli(['-host', '127.0.0.1']);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({
      status: 2,
      stdout: '',
      stderr: "portscan: -host: use a positional target\nTry 'portscan --help' for more information.\n",
    });
  });

  it('-sT -Pn -n finds a listener in connect mode', async () => {
    const server = await countingServer();
    try {
      const r = runCli(['-sT', '-Pn', '-n', '-T4', '-p', String(server.port), '-f', 'list', '127.0.0.1']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`127.0.0.1 ${server.port} open`);
    } finally {
      await server.close();
    }
  });

  it.each([10, 100, 1000])("--top-ports %d probes nmap's own list", (n) => {
    expect(ourPorts(['--top-ports', String(n)])).toEqual(nmapPorts(['--top-ports', String(n)]));
  });

  it("-p with service names, wildcards and T: probes nmap's ports for them", () => {
    for (const p of ['ssh,http,T:8080', 'http*', 'T:21-23,domain'])
      expect(ourPorts(['-p', p])).toEqual(nmapPorts(['-p', p]));
  });

  it('--help has the section for nmap and masscan users', () => {
    const r = runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('For nmap and masscan users');
    expect(r.stdout).toContain('-Pn, -n, -6');
  });
});
