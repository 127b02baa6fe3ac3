// options.ts: defaults, and validation that names the option, the allowed values and the bad one.
import { ParseError, UsageError } from '../../lib/errors';
import { defaultTasks, DEFAULTS, maxTasks, resolveOptions, type ScanOptions } from '../../lib/options';
import { STANDARD_PORTS } from '../../lib/plan/port-list';

const FD = 20000;

function usage(o: ScanOptions, fdLimit = FD): string {
  try {
    resolveOptions(o, fdLimit);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).code).toBe('EUSAGE');
    return (err as Error).message;
  }
  throw new Error(`resolveOptions(${JSON.stringify(o)}) did not throw`);
}

describe('defaults', () => {
  it('fill every option', () => {
    const r = resolveOptions({}, FD);
    expect({ ...r, ports: [...r.ports] }).toMatchObject({
      mode: 'connect',
      requestedMode: 'auto',
      ports: [...STANDARD_PORTS],
      tasks: 10000,
      timeoutMs: 1000,
      minTimeoutMs: 100,
      retries: 2,
      retriesAuto: false, // connect mode takes 'auto' as 2
      maxMiss: 0.001,
      ratePps: 0,
      full: false,
    });
    // The defaults the README and --help state, as [name, value] pairs.
    expect(Object.entries(DEFAULTS).sort()).toEqual(
      [
        ['maxMiss', 0.001],
        ['minTimeoutMs', 100],
        ['ratePps', 0],
        ['retries', 2],
        ['synMinTimeoutMs', 20],
        ['synRatePps', 100000],
        ['synWaitMs', 250],
        ['timeoutMs', 1000],
      ].sort(),
    );
  });

  it("retries 'auto' (the default) follows the loss in SYN mode; a number is fixed", () => {
    expect(resolveOptions({ mode: 'syn' }, FD, null)).toMatchObject({ retries: 2, retriesAuto: true });
    expect(resolveOptions({ mode: 'syn', retries: 'auto' }, FD, null)).toMatchObject({ retriesAuto: true });
    expect(resolveOptions({ mode: 'syn', retries: 3 }, FD, null)).toMatchObject({ retries: 3, retriesAuto: false });
    expect(() => resolveOptions({ mode: 'syn', maxMiss: 0 }, FD, null)).toThrow(
      "option 'maxMiss' expects a number above 0 and below 1, got '0'",
    );
  });

  it('the default ports are a fresh Uint16Array of the Standard list', () => {
    const a = resolveOptions({}, FD).ports;
    expect(a).toBeInstanceOf(Uint16Array);
    a[0] = 1;
    expect(resolveOptions({}, FD).ports[0]).toBe(7);
    expect(STANDARD_PORTS[0]).toBe(7);
  });

  it('minTimeout defaults to the smaller of 100 and timeout', () => {
    expect(resolveOptions({ timeoutMs: 50 }, FD).minTimeoutMs).toBe(50);
    expect(resolveOptions({ timeoutMs: 5000 }, FD).minTimeoutMs).toBe(100);
  });

  it('keeps the given values', () => {
    const r = resolveOptions(
      {
        mode: 'connect',
        ports: '80,443',
        tasks: 5,
        timeoutMs: 300,
        minTimeoutMs: 20,
        retries: 0,
        ratePps: 1000,
        full: true,
      },
      FD,
    );
    expect({ ...r, ports: [...r.ports] }).toMatchObject({
      mode: 'connect',
      requestedMode: 'connect',
      ports: [80, 443],
      tasks: 5,
      timeoutMs: 300,
      minTimeoutMs: 20,
      retries: 0,
      ratePps: 1000,
      full: true,
    });
  });
});

describe('tasks and the descriptor limit', () => {
  it.each([
    [1024, 768],
    [4096, 3840],
    [10256, 10000],
    [20000, 10000],
    [1048576, 10000],
    [300, 44],
    [272, 16],
    [100, 16],
  ])('fd limit %d -> default %d tasks', (fdLimit, tasks) => {
    expect(defaultTasks(fdLimit)).toBe(tasks);
    expect(resolveOptions({}, fdLimit).tasks).toBe(tasks);
  });

  it('the default never exceeds what --tasks itself accepts', () => {
    for (const fdLimit of [1, 64, 100, 256, 271, 272, 273, 1024, 65536]) {
      const d = defaultTasks(fdLimit);
      expect(d).toBeLessThanOrEqual(maxTasks(fdLimit));
      expect(resolveOptions({ tasks: d }, fdLimit).tasks).toBe(d);
    }
  });

  it('explicit tasks may go above the default cap up to the limit', () => {
    expect(resolveOptions({ tasks: 19744 }, FD).tasks).toBe(19744);
    expect(usage({ tasks: 19745 })).toBe("option 'tasks' expects a whole number from 1 to 19744, got '19745'");
    expect(usage({ tasks: 769 }, 1024)).toBe("option 'tasks' expects a whole number from 1 to 768, got '769'");
  });
});

describe('validation', () => {
  it.each<[ScanOptions, string]>([
    [{ tasks: 0 }, "option 'tasks' expects a whole number from 1 to 19744, got '0'"],
    [{ tasks: -5 }, "option 'tasks' expects a whole number from 1 to 19744, got '-5'"],
    [{ tasks: 2.5 }, "option 'tasks' expects a whole number from 1 to 19744, got '2.5'"],
    [{ tasks: Number.NaN }, "option 'tasks' expects a whole number from 1 to 19744, got 'NaN'"],
    [{ tasks: '10' as unknown as number }, "option 'tasks' expects a whole number from 1 to 19744, got '10'"],
    [{ timeoutMs: 0 }, "option 'timeoutMs' expects a whole number from 1 to 600000, got '0'"],
    [{ timeoutMs: 600001 }, "option 'timeoutMs' expects a whole number from 1 to 600000, got '600001'"],
    [{ timeoutMs: 1.5 }, "option 'timeoutMs' expects a whole number from 1 to 600000, got '1.5'"],
    [{ timeoutMs: Infinity }, "option 'timeoutMs' expects a whole number from 1 to 600000, got 'Infinity'"],
    [{ minTimeoutMs: 0 }, "option 'minTimeoutMs' expects a whole number from 1 to 1000, got '0'"],
    [{ minTimeoutMs: 1001 }, "option 'minTimeoutMs' expects a whole number from 1 to 1000, got '1001'"],
    [{ timeoutMs: 500, minTimeoutMs: 600 }, "option 'minTimeoutMs' expects a whole number from 1 to 500, got '600'"],
    [{ retries: -1 }, "option 'retries' expects a whole number from 0 to 50, got '-1'"],
    [{ retries: 51 }, "option 'retries' expects a whole number from 0 to 50, got '51'"],
    [{ ratePps: -1 }, "option 'ratePps' expects a whole number from 0 to 100000000, got '-1'"],
    [{ ratePps: 100000001 }, "option 'ratePps' expects a whole number from 0 to 100000000, got '100000001'"],
    [{ mode: 'stealthy' as never }, "option 'mode' expects auto, connect or syn, got 'stealthy'"],
  ])('%j', (o, message) => {
    expect(usage(o)).toBe(message);
  });

  it('accepts the bounds', () => {
    expect(() => resolveOptions({ tasks: 1, timeoutMs: 1, minTimeoutMs: 1, retries: 0, ratePps: 0 }, FD)).not.toThrow();
    expect(() =>
      resolveOptions({ timeoutMs: 600000, minTimeoutMs: 600000, retries: 50, ratePps: 100000000 }, FD),
    ).not.toThrow();
  });
});

describe('ports', () => {
  it('parses the seed syntax', () => {
    expect([...resolveOptions({ ports: '1-3, 80' }, FD).ports]).toEqual([1, 2, 3, 80]);
    expect(resolveOptions({ ports: 'all' }, FD).ports).toHaveLength(65535);
  });

  it('takes numbers, sorted and without duplicates', () => {
    expect([...resolveOptions({ ports: [443, 80, 80, 22] }, FD).ports]).toEqual([22, 80, 443]);
  });

  it('a bad port is a ParseError naming it', () => {
    expect(() => resolveOptions({ ports: '1-30,70000' }, FD)).toThrow(
      new ParseError("bad port '70000' (above 65535)", '1-30,70000', 6),
    );
    expect(() => resolveOptions({ ports: '1-30,70000' }, FD)).toThrow(
      "bad port '70000' (above 65535) at column 6 of '1-30,70000'",
    );
    expect(() => resolveOptions({ ports: [80, 0] }, FD)).toThrow(
      "option 'ports' must be whole numbers from 1 to 65535, got 0 at [1]",
    );
    expect(() => resolveOptions({ ports: [] }, FD)).toThrow(UsageError);
    expect(() => resolveOptions({ ports: '' }, FD)).toThrow('empty port list');
  });
});

describe('mode selection', () => {
  it('auto uses syn when nothing blocks it, with syn defaults', () => {
    const r = resolveOptions({}, 20000, null);
    expect(r).toMatchObject({ mode: 'syn', requestedMode: 'auto', minTimeoutMs: 20, ratePps: 100000 });
  });
  it('auto falls back to connect when syn is blocked', () => {
    expect(resolveOptions({}, 20000, 'no raw sockets')).toMatchObject({
      mode: 'connect',
      minTimeoutMs: 100,
      ratePps: 0,
    });
  });
  it('an explicit syn that is blocked fails with the reason and a code', () => {
    expect(() => resolveOptions({ mode: 'syn' }, 20000, 'SYN mode needs raw sockets (CAP_NET_RAW)')).toThrow(
      expect.objectContaining({
        name: 'ScanError',
        code: 'ENOSYN',
        message: 'SYN mode needs raw sockets (CAP_NET_RAW)',
      }),
    );
  });
  it('connect stays connect even when syn could run', () => {
    expect(resolveOptions({ mode: 'connect' }, 20000, null).mode).toBe('connect');
  });
  it('a source port must leave room for one port per try, and one for the sentinels', () => {
    expect(() => resolveOptions({ mode: 'syn', sourcePort: 65535, retries: 2 }, 20000, null)).toThrow(
      /leaves no room for 2 retries/,
    );
    expect(() => resolveOptions({ mode: 'syn', sourcePort: 65533, retries: 2 }, 20000, null)).toThrow(
      /use at most 65532/,
    );
    expect(resolveOptions({ mode: 'syn', sourcePort: 65532, retries: 2 }, 20000, null).sourcePort).toBe(65532);
  });
  it('--router-mac cannot go with --send ip', () => {
    expect(() => resolveOptions({ mode: 'syn', sendPath: 'ip', routerMac: '02:00:00:00:00:01' }, 20000, null)).toThrow(
      "option 'routerMac' sends Ethernet frames: it cannot go with option 'sendPath' set to 'ip'",
    );
    expect(resolveOptions({ mode: 'syn', routerMac: '02:00:00:00:00:01' }, 20000, null).routerMac).toEqual(
      Uint8Array.from([2, 0, 0, 0, 0, 1]),
    );
  });
  it('the wait after the last try is adaptive unless given', () => {
    expect(resolveOptions({ mode: 'syn' }, 20000, null)).toMatchObject({ waitMs: 250, waitAdaptive: true });
    expect(resolveOptions({ mode: 'syn', waitMs: 40 }, 20000, null)).toMatchObject({ waitMs: 40, waitAdaptive: false });
  });
});

describe('syn-only options', () => {
  const synOnly: [string, ScanOptions][] = [
    ['sourcePort', { sourcePort: 40000 }],
    ['sourceIp', { sourceIp: '127.0.0.1' }],
    ['device', { device: 'lo' }],
    ['sendPath', { sendPath: 'ip' }],
    ['routerMac', { routerMac: '02:00:00:00:00:01' }],
    ['waitMs', { waitMs: 40 }],
    ['adaptive', { adaptive: true }],
    ['seed', { seed: 7n }],
  ];
  it.each(synOnly)('%s is refused in connect mode, not ignored', (name, o) => {
    expect(usage({ ...o, mode: 'connect' })).toBe(
      `option '${name}' applies to syn mode only: connect mode cannot use it`,
    );
  });
  it.each(synOnly)('%s with mode auto needs syn mode and says why it cannot run', (name, o) => {
    expect(() => resolveOptions(o, FD, 'no raw sockets (CAP_NET_RAW)')).toThrow(
      expect.objectContaining({
        name: 'UsageError',
        message: `option '${name}' needs syn mode, which cannot run here: no raw sockets (CAP_NET_RAW)`,
      }),
    );
  });
  it.each(synOnly)('%s with mode auto picks syn mode when it can run', (_name, o) => {
    expect(resolveOptions(o, FD, null).mode).toBe('syn');
  });
  it('adaptive: false is no request for syn mode', () => {
    expect(resolveOptions({ mode: 'connect', adaptive: false }, FD).mode).toBe('connect');
  });
});

describe('seed', () => {
  it('takes 0 to 2^64-1', () => {
    expect(resolveOptions({ mode: 'syn', seed: 0n }, FD, null).seed).toBe(0n);
    expect(resolveOptions({ mode: 'syn', seed: (1n << 64n) - 1n }, FD, null).seed).toBe((1n << 64n) - 1n);
  });
  it.each([1n << 64n, -1n])('refuses %s instead of wrapping it', (seed) => {
    expect(() => resolveOptions({ mode: 'syn', seed }, FD, null)).toThrow(
      `option 'seed' must be a bigint from 0 to 18446744073709551615, got ${seed}n`,
    );
  });
});
