// Whole-Internet plans: special-purpose ranges are left out of targets that contain them (not
// out of targets inside them), and a plan over 2^24 addresses needs option 'yes' or an explicit
// rate. Plan-only (buildPlan) or runScan on the fake binding: nothing is sent for a /0, and DNS
// is forbidden.
import { UsageError } from '../../lib/errors';
import { withFlagNames } from '../../lib/cli/flag-names';
import { buildPlan } from '../../lib/plan/plan';
import { SPECIAL_RANGES } from '../../lib/plan/special-ranges';
import { runScan } from '../../lib/scan';
import type { ScanOptions } from '../../lib/options';
import { fakeBinding } from '../helpers/fake-binding';
import { addr, forbidDns } from '../helpers/targets';

forbidDns();

const P = Uint16Array.from([80]);
// The IPv4 blocks' sizes, less 255.255.255.255 (counted twice: it lies inside 240.0.0.0/4).
const V4_SPECIAL =
  SPECIAL_RANGES.filter(([c]) => !c.includes(':')).reduce(
    (n, [c]) => n + 2n ** BigInt(32 - Number(c.split('/')[1])),
    0n,
  ) - 1n;

describe('default exclusions (plan only)', () => {
  it('0.0.0.0/0 leaves out every IPv4 special-purpose range', async () => {
    const plan = await buildPlan({ targets: '0.0.0.0/0' }, P);
    expect(plan.specialExcluded).toBe(V4_SPECIAL);
    expect(plan.hosts.count()).toBe(2n ** 32n - V4_SPECIAL);
    for (const a of ['10.1.2.3', '127.0.0.1', '198.18.0.1', '192.168.1.1', '224.0.0.1', '255.255.255.255', '0.0.0.1'])
      expect({ a, has: plan.hosts.has(addr(a)) }).toEqual({ a, has: false });
    for (const a of ['1.1.1.1', '8.8.8.8', '198.17.255.255', '198.20.0.0'])
      expect({ a, has: plan.hosts.has(addr(a)) }).toEqual({ a, has: true });
  });

  it('192.0.0.0/8 loses the special blocks inside it', async () => {
    const plan = await buildPlan({ targets: '192.0.0.0/8' }, P);
    expect(plan.hosts.has(addr('192.168.0.1'))).toBe(false);
    expect(plan.hosts.has(addr('192.0.2.1'))).toBe(false);
    expect(plan.hosts.has(addr('192.1.0.1'))).toBe(true);
  });

  it('::/0 leaves out the IPv6 special ranges, and IPv4 (the mapped block)', async () => {
    const plan = await buildPlan({ targets: '::/0' }, P);
    for (const a of [
      '::1',
      '::',
      '1.1.1.1',
      '::ffff:1.1.1.1',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '2001:db8::1',
      '2001:2::1',
    ])
      expect({ a, has: plan.hosts.has(addr(a)) }).toEqual({ a, has: false });
    expect(plan.hosts.has(addr('2606:4700::1'))).toBe(true);
  });

  it.each(['127.0.0.1', '10.1.2.0/24', '198.18.0.0/16', '2001:2::/112', '::1', '192.168.0.0/16', 'localhost'])(
    '%s lies inside a special range and is scanned as given',
    async (t) => {
      const plan = await buildPlan({ targets: t }, P);
      const alone = await buildPlan({ targets: t, defaultExcludes: false }, P);
      expect(plan.specialExcluded).toBe(0n);
      expect(plan.hosts.count()).toBe(alone.hosts.count());
    },
  );

  it('a range that overlaps one loses only the overlap', async () => {
    const plan = await buildPlan({ targets: '10.255.255.0-11.0.0.255' }, P);
    expect(plan.hosts.count()).toBe(256n);
    expect(plan.specialExcluded).toBe(256n);
  });

  it('defaultExcludes: false keeps everything', async () => {
    const plan = await buildPlan({ targets: '0.0.0.0/0', defaultExcludes: false }, P);
    expect(plan.hosts.count()).toBe(2n ** 32n);
    expect(plan.specialExcluded).toBe(0n);
  });

  it('targets only of special ranges, inside a bigger one: every target is excluded, saying why', async () => {
    await expect(buildPlan({ targets: '224.0.0.0/3' }, P)).rejects.toThrow(
      'every target is excluded (536870912 by the default exclusions): nothing left to scan',
    );
  });
});

describe('plans over 2^24 addresses (runScan on the fake binding)', () => {
  async function attempt(o: ScanOptions): Promise<{ err?: Error; notices: string[]; engines: number }> {
    const { binding, connectEngines } = fakeBinding({ script: () => 'silent' });
    const notices: string[] = [];
    try {
      await runScan(o, { onResult: () => undefined, onNotice: (n) => notices.push(n) }, { binding });
    } catch (err) {
      return { err: err as Error, notices, engines: connectEngines.length };
    }
    return { notices, engines: connectEngines.length };
  }

  it.each(['0.0.0.0/0', '::/0', '11.0.0.0-12.0.0.0'])('%s without yes or a rate: refused, nothing made', async (t) => {
    const r = await attempt({ targets: t, ports: '80', mode: 'connect' });
    expect(r.err).toBeInstanceOf(UsageError);
    expect(r.err?.message).toMatch(/^the plan is large: \d+ addresses x 1 ports = \d+ probes, at no rate limit\. /);
    expect(r.err?.message).toMatch(/give option 'yes' \(or set its pace with option 'ratePps'\)$/);
    expect(r.engines).toBe(0);
  });

  it('exactly 2^24 addresses needs nothing more', async () => {
    // Refused only for its size would throw before the engine; a stopped scan shows it was let through.
    const stop = new AbortController();
    stop.abort();
    const r = await attempt({ targets: '11.0.0.0/8', ports: '80', mode: 'connect', signal: stop.signal });
    expect(r.err).toBeUndefined();
    expect(r.notices.filter((n) => /large plan/.test(n))).toEqual([]);
  });

  it.each<[string, ScanOptions]>([
    ['yes', { yes: true }],
    ['an explicit ratePps', { ratePps: 1000000 }],
  ])('with %s: announced with its size and duration first', async (_name, extra) => {
    const stop = new AbortController();
    stop.abort(); // the fake binding sends nothing anyway; this ends the scan at once
    const r = await attempt({ targets: '0.0.0.0/0', ports: '80', mode: 'connect', signal: stop.signal, ...extra });
    expect(r.err).toBeUndefined();
    const n = 2n ** 32n - V4_SPECIAL;
    expect(r.notices[0]).toMatch(new RegExp(`^left out ${V4_SPECIAL} addresses of special-purpose ranges`));
    expect(r.notices[1]).toMatch(new RegExp(`^large plan: ${n} addresses x 1 ports = ${n} probes, `));
    if (extra.ratePps) expect(r.notices[1]).toMatch(/, about 1\.03 hours at 1000000 probes\/s$/);
  });

  it('the CLI says its own flags', () => {
    expect(withFlagNames("give option 'yes' (or set its pace with option 'ratePps')")).toBe(
      "give option '--yes' (or set its pace with option '--rate')",
    );
    expect(withFlagNames("...; set option 'defaultExcludes' to false to scan them")).toBe(
      "...; give option '--no-default-excludes' to scan them",
    );
  });
});
