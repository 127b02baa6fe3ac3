// scan-args.ts: the command line into ScanOptions. Repeated options merge where they are lists
// and are refused where they are not; switches take no other value; a token that looks like a
// negative number is an unknown option named whole. Parsing only: nothing is sent.
import { options, refusal } from '../helpers/args';

describe('repeated options', () => {
  it('-p twice merges the lists', async () => {
    expect((await options(['-p', '22', '-p', '80', '127.0.0.1'])).ports).toBe('22,80');
    expect((await options(['-p', '22', '--ports=80-81', '127.0.0.1'])).ports).toBe('22,80-81');
    expect((await options(['-p', '22', '-p-', '127.0.0.1'])).ports).toBe('all');
  });

  it('lists of targets and exclusions merge too', async () => {
    const o = await options(['--exclude', '127.0.0.2', '--exclude', '127.0.0.3', '127.0.0.1', '127.0.0.4']);
    expect(o.exclude).toEqual(['127.0.0.2', '127.0.0.3']);
    expect(o.targets).toEqual(['127.0.0.1', '127.0.0.4']);
  });

  it.each([
    [['--rate', '10', '--rate', '20'], "option '--rate' was given more than once ('10', '20'): give it once"],
    [['--mode', 'connect', '-m', 'syn'], "option '--mode' was given more than once ('connect', 'syn'): give it once"],
    [['-f', 'json', '--format', 'csv'], "option '--format' was given more than once ('json', 'csv'): give it once"],
    [['--seed', '1', '--seed', '2'], "option '--seed' was given more than once ('1', '2'): give it once"],
    [['-o', 'a', '-o', 'b'], "option '--output' was given more than once ('a', 'b'): give it once"],
  ])('%j is refused, not the last kept', async (args, message) => {
    expect(await refusal([...args, '127.0.0.1'])).toBe(message);
  });
});

describe('values the parser used to bend', () => {
  it('--seed above 2^64-1 is refused, not wrapped', async () => {
    expect((await options(['--seed', '18446744073709551615', '127.0.0.1'])).seed).toBe(18446744073709551615n);
    expect(await refusal(['--seed', '18446744073709551616', '127.0.0.1'])).toBe(
      "option '--seed' expects a whole number from 0 to 18446744073709551615, got '18446744073709551616'",
    );
  });

  it.each(['maybe', 'yes', '1', ''])('--full=%s is refused', async (v) => {
    expect(await refusal([`--full=${v}`, '127.0.0.1'])).toBe(
      `option '--full' is a switch: give it alone (or =true, =false), got '${v}'`,
    );
  });

  it('switches still take true and false', async () => {
    expect((await options(['--full=true', '127.0.0.1'])).full).toBe(true);
    expect((await options(['--full=false', '127.0.0.1'])).full).toBe(false);
    expect((await options(['--no-full', '127.0.0.1'])).full).toBe(false);
  });

  it('a target with a leading dash is an unknown option named whole', async () => {
    expect(await refusal(['-198.18.0.1'])).toBe(
      "unknown option '-198.18.0.1' (a target cannot start with '-'; an open port range goes after -p)",
    );
    expect(await refusal(['127.0.0.1', '-::1'])).toMatch(/^unknown option '-::1'/);
  });

  it("nmap's open port ranges after -p still work", async () => {
    expect((await options(['-p', '-1024', '127.0.0.1'])).ports).toBe('-1024');
    expect((await options(['--ports', '-1024', '127.0.0.1'])).ports).toBe('-1024');
  });
});
