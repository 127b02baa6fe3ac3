// The CLI on bad input: exit status 2, a first stderr line that says what is wrong and where,
// nothing on stdout, and nothing sent. Only loopback is ever named; the only hostname is one
// under .invalid, which never reaches DNS.
import { closedPort, countingServer, runCli, settle, type CountingServer } from '../helpers/cli';

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

/** Runs the CLI, checks the usage-failure contract, returns the first line of stderr. */
function usageFailure(args: string[]): string {
  const r = runCli(args);
  expect({ args, status: r.status }).toEqual({ args, status: 2 });
  expect(r.stdout).toBe('');
  const line = firstLine(r.stderr);
  expect(line).toMatch(/^portscan: \S/);
  // One line saying what, then at most the hint; no stack trace.
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
  return line;
}

let Q: number;
beforeAll(async () => {
  Q = await closedPort();
});

describe('bad port lists', () => {
  it('70000 (above 65535), with its column', () => {
    expect(usageFailure(['-p', '1-30,70000', '127.0.0.1'])).toBe(
      "portscan: bad port '70000' (above 65535) at column 6 of '1-30,70000'",
    );
  });

  it('port 0', () => {
    expect(usageFailure(['-p', `${Q}, 0`, '127.0.0.1'])).toBe(
      `portscan: bad port '0' (port 0 cannot be scanned) at column ${String(Q).length + 3} of '${Q}, 0'`,
    );
  });

  it('a reversed range', () => {
    expect(usageFailure(['-p', '80, 30-1', '127.0.0.1'])).toBe(
      "portscan: reversed port range '30-1' at column 5 of '80, 30-1'",
    );
  });

  it('letters that are no service name', () => {
    expect(usageFailure(['-p', '22,htp', '127.0.0.1'])).toBe(
      "portscan: unknown port or service name 'htp' at column 4 of '22,htp'",
    );
  });

  it('a protocol other than TCP', () => {
    expect(usageFailure(['-p', 'T:22,U:53', '127.0.0.1'])).toBe(
      "portscan: 'U:53': portscan scans TCP only (U: is not TCP) at column 6 of 'T:22,U:53'",
    );
  });

  it('an empty item', () => {
    expect(usageFailure(['-p', '22,,80', '127.0.0.1'])).toBe(
      "portscan: empty item in port list at column 4 of '22,,80'",
    );
  });

  it('an empty list', () => {
    expect(usageFailure(['-p', '', '127.0.0.1'])).toMatch(/^portscan: empty port list/);
  });

  it('--ports= spelling too', () => {
    expect(usageFailure(['--ports=99999', '127.0.0.1'])).toMatch(/bad port '99999' \(above 65535\) at column 1/);
  });
});

describe('bad targets', () => {
  it('an octet above 255', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0.300'])).toBe(
      "portscan: bad octet '300' in '127.0.0.300' (above 255) at column 9 of '127.0.0.300'",
    );
  });

  it('garbage', () => {
    expect(usageFailure(['-p', String(Q), 'foo!bar'])).toBe("portscan: bad target 'foo!bar' at column 1 of 'foo!bar'");
  });

  it('a malformed address that must not become a DNS query', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0-5'])).toBe(
      "portscan: bad target '127.0.0-5' at column 1 of '127.0.0-5'",
    );
  });

  it('a reversed IP range', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0.9-127.0.0.1'])).toBe(
      "portscan: reversed range '127.0.0.9-127.0.0.1' (127.0.0.9 is after 127.0.0.1) " +
        "at column 1 of '127.0.0.9-127.0.0.1'",
    );
  });

  it('a range mixing families', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0.1-::1'])).toBe(
      "portscan: range '127.0.0.1-::1' mixes IPv4 and IPv6 at column 1 of '127.0.0.1-::1'",
    );
  });

  it('a bad prefix length', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0.0/33'])).toBe(
      "portscan: bad prefix length '/33' (0-32) at column 10 of '127.0.0.0/33'",
    );
  });

  it('an unresolvable name', () => {
    expect(usageFailure(['-p', String(Q), 'nohost.invalid'])).toBe(
      "portscan: cannot resolve hostname 'nohost.invalid' at column 1 of 'nohost.invalid'",
    );
  });

  it('a bad --exclude', () => {
    expect(usageFailure(['-p', String(Q), '--exclude', '127.0.0.2,127.0.0.x', '127.0.0.1'])).toBe(
      "portscan: bad octet 'x' in '127.0.0.x' at column 19 of '127.0.0.2,127.0.0.x'",
    );
  });

  it('a missing input file', () => {
    expect(usageFailure(['-p', String(Q), '-i', '/nonexistent/portscan-targets.txt'])).toMatch(
      /^portscan: cannot read target file '\/nonexistent\/portscan-targets.txt': ENOENT/,
    );
  });

  it('no targets at all', () => {
    expect(usageFailure(['-p', String(Q)])).toMatch(/^portscan: no targets given/);
  });

  it('every target excluded', () => {
    expect(usageFailure(['-p', String(Q), '--exclude', '127.0.0.1', '127.0.0.1'])).toMatch(
      /^portscan: every target is excluded/,
    );
  });
});

describe('bad options', () => {
  it('an unknown option', () => {
    expect(usageFailure(['--bogus', '127.0.0.1'])).toMatch(/^portscan: Unknown argument: bogus/);
  });

  it('a bad --tasks value', () => {
    expect(usageFailure(['--tasks', 'abc', '127.0.0.1'])).toBe(
      "portscan: option '--tasks' expects a whole number, got 'abc'",
    );
    expect(usageFailure(['-t', '0', '127.0.0.1'])).toMatch(
      /^portscan: option '--tasks' expects a whole number from 1 to \d+, got '0'$/,
    );
  });

  it('a bad --timeout value', () => {
    expect(usageFailure(['--timeout', '5x', '127.0.0.1'])).toBe(
      "portscan: option '--timeout' expects a whole number of ms (or with s), got '5x'",
    );
    expect(usageFailure(['--timeout', '0', '127.0.0.1'])).toBe(
      "portscan: option '--timeout' expects a whole number from 1 to 600000, got '0'",
    );
  });

  // The first line alone must name the option and the bad value (not just "Invalid values:").
  it('a bad --rate: the flag, not the library name (ratePps)', () => {
    expect(usageFailure(['--rate', '100000001', '127.0.0.1'])).toBe(
      "portscan: option '--rate' expects a whole number from 0 to 100000000, got '100000001'",
    );
  });

  it('a bad --mode', () => {
    const line = usageFailure(['--mode', 'stealthy', '127.0.0.1']);
    expect(line).toMatch(/mode/);
    expect(line).toMatch(/stealthy/);
  });

  it('a bad --format', () => {
    const line = usageFailure(['-f', 'yaml', '127.0.0.1']);
    expect(line).toMatch(/format/);
    expect(line).toMatch(/yaml/);
  });

  it('--start-ip without --end-ip', () => {
    expect(usageFailure(['-p', String(Q), '--start-ip', '127.0.0.1'])).toBe(
      "portscan: options '--start-ip' and '--end-ip' go together: give both",
    );
  });

  it('a reversed --start-ip/--end-ip', () => {
    expect(usageFailure(['-p', String(Q), '--start-ip', '127.0.0.9', '--end-ip', '127.0.0.1'])).toMatch(
      /^portscan: reversed range '127.0.0.9-127.0.0.1'/,
    );
  });

  it('a --start-ip that is not an address', () => {
    expect(usageFailure(['-p', String(Q), '--start-ip', 'localhost', '--end-ip', '127.0.0.1'])).toBe(
      "portscan: bad address 'localhost' for option '--start-ip' at column 1 of 'localhost'",
    );
  });
});

describe('silently wrong input, refused', () => {
  it('a leading zero in an octet (octal to inet_aton)', () => {
    expect(usageFailure(['-p', String(Q), '127.0.010.1'])).toBe(
      "portscan: bad octet '010' in '127.0.010.1' (leading zero: octal in some tools) at column 7 of '127.0.010.1'",
    );
  });

  it('a leading zero in a prefix length', () => {
    expect(usageFailure(['-p', String(Q), '127.0.0.0/024'])).toBe(
      "portscan: bad prefix length '/024' (0-32, no leading zero) at column 10 of '127.0.0.0/024'",
    );
  });

  it('an option that cannot merge, given twice', () => {
    expect(usageFailure(['-p', String(Q), '--timeout', '100', '--timeout', '200', '127.0.0.1'])).toBe(
      "portscan: option '--timeout' was given more than once ('100', '200'): give it once",
    );
  });

  it('a seed above 2^64-1', () => {
    expect(usageFailure(['-p', String(Q), '--mode', 'syn', '--seed', '18446744073709551616', '127.0.0.1'])).toBe(
      "portscan: option '--seed' expects a whole number from 0 to 18446744073709551615, got '18446744073709551616'",
    );
  });

  it('a switch with a value', () => {
    expect(usageFailure(['-p', String(Q), '--full=maybe', '127.0.0.1'])).toBe(
      "portscan: option '--full' is a switch: give it alone (or =true, =false), got 'maybe'",
    );
  });

  it.each([
    ['--source-port', '40000'],
    ['--source-ip', '127.0.0.1'],
    ['--interface', 'lo'],
    ['--send', 'ip'],
    ['--router-mac', '02:00:00:00:00:01'],
    ['--wait', '10'],
    ['--seed', '5'],
  ])('%s in connect mode', (flag, value) => {
    expect(usageFailure(['-p', String(Q), '--mode', 'connect', flag, value, '127.0.0.1'])).toBe(
      `portscan: option '${flag}' applies to syn mode only: connect mode cannot use it`,
    );
  });

  it('--adaptive in connect mode', () => {
    expect(usageFailure(['-p', String(Q), '--mode', 'connect', '--adaptive', '127.0.0.1'])).toBe(
      "portscan: option '--adaptive' applies to syn mode only: connect mode cannot use it",
    );
  });

  it('a target with a leading dash names the whole token', () => {
    expect(usageFailure(['-p', String(Q), '-127.0.0.1'])).toBe(
      "portscan: unknown option '-127.0.0.1' (a target cannot start with '-'; an open port range goes after -p)",
    );
  });
});

describe('nothing is sent on bad input', () => {
  let server: CountingServer;
  beforeEach(async () => {
    server = await countingServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('positive control: a valid list does connect (so the checks below can fail)', async () => {
    const r = runCli(['-q', '--mode', 'connect', '-p', `${server.port},${Q}`, '127.0.0.1']);
    expect(r.status).toBe(0);
    await settle();
    expect(server.connections()).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['a port above 65535', (p: number) => ['-p', `${p},70000`, '127.0.0.1']],
    ['port 0', (p: number) => ['-p', `0,${p}`, '127.0.0.1']],
    ['a reversed port range', (p: number) => ['-p', `${p},9-8`, '127.0.0.1']],
    ['a bad target after a good one', (p: number) => ['-p', String(p), '127.0.0.1', '127.0.0.300']],
    ['an unresolvable name after a good target', (p: number) => ['-p', String(p), '127.0.0.1', 'nohost.invalid']],
    ['a bad exclusion', (p: number) => ['-p', String(p), '--exclude', '127.0.0.x', '127.0.0.1']],
    ['a bad --tasks', (p: number) => ['-p', String(p), '--tasks', '0', '127.0.0.1']],
    ['a lone --start-ip', (p: number) => ['-p', String(p), '--start-ip', '127.0.0.1', '127.0.0.1']],
    ['an unknown option', (p: number) => ['-p', String(p), '--bogus', '127.0.0.1']],
    ['a leading-zero octet', (p: number) => ['-p', String(p), '127.0.0.1', '127.0.0.01']],
    ['a repeated --timeout', (p: number) => ['-p', String(p), '--timeout', '100', '--timeout', '200', '127.0.0.1']],
    ['--full=maybe', (p: number) => ['-p', String(p), '--full=maybe', '127.0.0.1']],
    ['--seed in connect mode', (p: number) => ['-p', String(p), '--mode', 'connect', '--seed', '1', '127.0.0.1']],
    ['a dashed target', (p: number) => ['-p', String(p), '127.0.0.1', '-127.0.0.1']],
  ])('%s', async (_name, args) => {
    const r = runCli(args(server.port));
    expect(r.status).toBe(2);
    await settle();
    expect(server.connections()).toBe(0);
  });
});
