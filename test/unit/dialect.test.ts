// dialect.test.ts (issue 12): nmap's and masscan's spellings become ours before yargs reads them,
// and each option of nmap, masscan, naabu and RustScan that portscan does not offer is answered
// with one line. Unit tests of dialect.ts and of toOptions through parseArgs: nothing is sent.
import { UsageError } from '../../lib/errors';
import { HINTS, nmapTimeMs, translateDialect } from '../../lib/cli/dialect';
import { knownOptions } from '../../lib/cli/scan-args';
import { options, refusal } from '../helpers/args';

const tr = (...argv: string[]): string[] => translateDialect(argv, knownOptions());

describe('nmap and masscan spellings become ours', () => {
  it.each([
    [['-sS'], ['--mode', 'syn']],
    [['-sV'], ['--service']],
    [['-sSV'], ['--mode', 'syn', '--service']],
    [['-sTV'], ['--mode', 'connect', '--service']],
    [['-sT'], ['--mode', 'connect']],
    [['-Pn', '-n', '-6'], []],
    [['-F'], ['--top-ports', '100']],
    [['-V'], ['--version']],
    [
      ['-iL', 'hosts.txt'],
      ['--input-file', 'hosts.txt'],
    ],
    [
      ['--excludefile', 'x.txt'],
      ['--exclude-file', 'x.txt'],
    ],
    [['--excludefile=x.txt'], ['--exclude-file', 'x.txt']],
    [
      ['--min-rate', '500'],
      ['--rate', '500'],
    ],
    [
      ['--max-rate', '1000'],
      ['--rate', '1000'],
    ],
    [
      ['--max-retries', '3'],
      ['--retries', '3'],
    ],
    [
      ['--max-parallelism', '64'],
      ['--tasks', '64'],
    ],
    [
      ['--max-rtt-timeout', '1250ms'],
      ['--timeout', '1250'],
    ],
    [
      ['--max-rtt-timeout', '2'],
      ['--timeout', '2000'],
    ],
    [
      ['--min-rtt-timeout', '0.1s'],
      ['--min-timeout', '100'],
    ],
    [
      ['-S', '127.0.0.2'],
      ['--source-ip', '127.0.0.2'],
    ],
    [
      ['-g', '53'],
      ['--source-port', '53'],
    ],
    [['--send-eth'], ['--send', 'link']],
    [['--send-ip'], ['--send', 'ip']],
    [
      ['-oX', 'a.xml'],
      ['--output-xml', 'a.xml'],
    ],
    [
      ['-oX', '-'],
      ['--output-xml', '-'],
    ],
    [
      ['-oG', 'a.gnmap'],
      ['--output-grepable', 'a.gnmap'],
    ],
    [
      ['-oN', 'a.nmap'],
      ['--output-normal', 'a.nmap'],
    ],
    [
      ['-oA', 'base'],
      ['--output-all', 'base'],
    ],
    [
      ['-oL', 'a.txt'],
      ['--output-list', 'a.txt'],
    ],
    [
      ['-oJ', 'a.json'],
      ['--output-json', 'a.json'],
    ],
    [['-T4'], ['--timing', '4']],
    [
      ['-T', '4'],
      ['--timing', '4'],
    ],
    [['-Taggressive'], ['--timing', 'aggressive']],
    [
      ['--adapter', 'lo'],
      ['--interface', 'lo'],
    ],
    [
      ['--adapter-ip', '127.0.0.1'],
      ['--source-ip', '127.0.0.1'],
    ],
    [
      ['--adapter-port', '40000'],
      ['--source-port', '40000'],
    ],
    [['--open-only'], ['--open']],
    [['-vv'], ['--verbose']],
    [
      ['--open', '--reason'],
      ['--open', '--reason'],
    ],
  ])('%j -> %j', (argv, want) => {
    expect(tr(...argv, '127.0.0.1')).toEqual([...want, '127.0.0.1']);
  });

  it('leaves our own options and their values alone, whatever the values look like', () => {
    const argv = ['-p', '-1024', '-msyn', '-phttp', '-qv', '--rate', '100k', '-o', '-x', '--', '-sU'];
    expect(tr(...argv)).toEqual(argv);
  });

  it('nmap time values are seconds unless suffixed', () => {
    expect([nmapTimeMs('30', 'x'), nmapTimeMs('30m', 'x'), nmapTimeMs('1h', 'x'), nmapTimeMs('250ms', 'x')]).toEqual([
      '30000',
      '1800000',
      '3600000',
      '250',
    ]);
    expect(() => nmapTimeMs('soon', '--host-timeout')).toThrow(
      "option '--host-timeout' expects a time such as 500ms, 2s or 1m, got 'soon'",
    );
  });

  it('a spelling missing its value is named', () => {
    expect(() => tr('127.0.0.1', '-iL')).toThrow("option '-iL' expects a value");
  });
});

describe('two spellings of one option are refused, naming both', () => {
  it.each([
    [['-sS', '-sT'], "'-sT' and '-sS' both set --mode: give one"],
    [['-sS', '--mode', 'connect'], "'--mode' and '-sS' both set --mode: give one"],
    [['-m', 'syn', '-sS'], "'-sS' and '-m' both set --mode: give one"],
    [['--min-rate', '10', '--max-rate', '20'], "'--max-rate' and '--min-rate' both set --rate: give one"],
    [['-T4', '-T5'], "'-T5' and '-T4' both set --timing: give one"],
  ])('%j', (argv, message) => {
    expect(() => tr(...argv, '127.0.0.1')).toThrow(message);
  });

  it('lists still merge across spellings: -iL and -i, --excludefile and --exclude-file', () => {
    expect(tr('-iL', 'a', '-i', 'b')).toEqual(['--input-file', 'a', '-i', 'b']);
    expect(tr('--excludefile', 'a', '--exclude-file', 'b')).toEqual(['--exclude-file', 'a', '--exclude-file', 'b']);
  });
});

describe('options not offered get one line naming our equivalent', () => {
  it.each(Object.entries(HINTS))('%s', (spelling, hint) => {
    expect(() => tr('127.0.0.1', spelling)).toThrow(new UsageError(`${spelling}: ${hint}`));
  });

  it.each([
    ['-sA', "portscan's TCP scans are -sS (--mode syn) and -sT (--mode connect)"],
    ['-sAV', "portscan's TCP scans are -sS (--mode syn) and -sT (--mode connect), each with -sV to identify services"],
    ['-PS22', 'portscan does no host discovery'],
    ['-PE', 'portscan does no host discovery'],
    ['-oS', 'that output form is not offered'],
    ['-rate', "use '--rate' (long options take two dashes)"],
    ['-timeout', "use '--timeout' (long options take two dashes)"],
    ['-exclude', "use '--exclude' (long options take two dashes)"],
    ['-verify', "single-dash long options are not read: portscan's long options take two dashes"],
    ['-hosts', "single-dash long options are not read: portscan's long options take two dashes"],
  ])('%s', (spelling, hint) => {
    expect(() => tr('127.0.0.1', spelling)).toThrow(`${spelling}: ${hint}`);
  });
});

describe('toOptions: timing templates, --top-ports, rates', () => {
  it('-T4 and -T5 set the timeouts; what the command line gives wins', async () => {
    expect(await options(['-T4', '127.0.0.1'])).toMatchObject({ timeoutMs: 1250, minTimeoutMs: 100 });
    expect(await options(['-T', 'insane', '127.0.0.1'])).toMatchObject({ timeoutMs: 300, minTimeoutMs: 50 });
    expect(await options(['-T5', '--timeout', '900', '127.0.0.1'])).toMatchObject({ timeoutMs: 900 });
  });

  it('-T0..-T2 go one probe at a time, slowly; -T3 is the defaults', async () => {
    expect(await options(['-T0', '127.0.0.1'])).toMatchObject({ tasks: 1, ratePps: 1, timeoutMs: 10000 });
    expect(await options(['-T1', '127.0.0.1'])).toMatchObject({ tasks: 1, ratePps: 1 });
    expect(await options(['-T2', '127.0.0.1'])).toMatchObject({ tasks: 1, ratePps: 2 });
    const t3 = await options(['-T3', '127.0.0.1']);
    expect([t3.tasks, t3.ratePps, t3.timeoutMs, t3.minTimeoutMs, t3.retries]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('a bad template is named', async () => {
    expect(await refusal(['-T9', '127.0.0.1'])).toBe(
      "option '--timing' (-T) expects 0-5 or paranoid|sneaky|polite|normal|aggressive|insane, got '9'",
    );
  });

  it("masscan's rates: 100k, 1.5M, 100000.00", async () => {
    expect((await options(['--rate', '100k', '127.0.0.1'])).ratePps).toBe(100000);
    expect((await options(['--rate', '1.5M', '127.0.0.1'])).ratePps).toBe(1500000);
    expect((await options(['--max-rate', '100000.00', '127.0.0.1'])).ratePps).toBe(100000);
    expect(await refusal(['--min-rate', '0.5', '127.0.0.1'])).toContain("option '--rate' expects a whole number");
  });

  it('--max-retries, --max-parallelism, --max-rtt-timeout reach our options', async () => {
    const o = await options(['--max-retries', '1', '--max-parallelism', '32', '--max-rtt-timeout', '2s', '127.0.0.1']);
    expect(o).toMatchObject({ retries: 1, tasks: 32, timeoutMs: 2000 });
  });

  it('--shard 1/2, --source-port 40000, --seed, --wait, --router-mac: masscan spells them as we do', async () => {
    const o = await options([
      '--shard',
      '1/2',
      '--source-port',
      '40000',
      '--seed',
      '7',
      '--wait',
      '5',
      '--router-mac',
      '02:00:00:00:00:01',
      '127.0.0.1',
    ]);
    expect(o).toMatchObject({
      shard: { index: 1, count: 2 },
      sourcePort: 40000,
      seed: 7n,
      waitMs: 5,
      routerMac: '02:00:00:00:00:01',
    });
  });

  it('--top-ports and -F take the ports from nmap-services; -p with it is refused', async () => {
    expect(((await options(['--top-ports', '10', '127.0.0.1'])).ports as number[]).length).toBe(10);
    expect(((await options(['-F', '127.0.0.1'])).ports as number[]).length).toBe(100);
    expect(await refusal(['--top-ports', '10', '-p', '22', '127.0.0.1'])).toBe(
      "options '--top-ports' and '--ports' (-p) choose the ports: give one",
    );
    expect(await refusal(['--top-ports', '0', '127.0.0.1'])).toBe(
      "option '--top-ports' expects a whole number from 1 to 65535, got '0'",
    );
  });

  it('--host-timeout is checked as nmap reads it', async () => {
    await options(['--host-timeout', '30m', '127.0.0.1']);
    expect(await refusal(['--host-timeout', 'later', '127.0.0.1'])).toContain("option '--host-timeout' expects a time");
  });
});
