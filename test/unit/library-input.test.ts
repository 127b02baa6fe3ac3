// The library checks its own input: every ScanOptions field's type and range, with messages in
// the library's own terms (`mode`, `ratePps`), before anything is planned, resolved or sent.
// Every scan goes through runScan on the fake binding (no sockets), and DNS is forbidden: a
// lookup fails the test, so `targets: null` cannot quietly become a query for "null".
import { UsageError } from '../../lib/errors';
import { runScan, type RunHooks } from '../../lib/scan';
import { resolveOptions, type ScanOptions } from '../../lib/options';
import { fakeBinding, type FakeConnectEngine } from '../helpers/fake-binding';
import { forbidDns } from '../helpers/targets';

forbidDns();

const hooks: RunHooks = { onResult: () => undefined };

/** Runs the options on the fake binding; the error it rejects with, and the engines it made. */
async function refusal(o: unknown): Promise<{ err: Error; engines: FakeConnectEngine[] }> {
  const { binding, connectEngines } = fakeBinding({ script: () => 'silent' });
  try {
    await runScan(o as ScanOptions, hooks, { binding });
  } catch (err) {
    return { err: err as Error, engines: connectEngines };
  }
  throw new Error(`runScan(${String(o)}) was accepted`);
}

async function usage(o: unknown): Promise<string> {
  const { err, engines } = await refusal(o);
  expect(err).toBeInstanceOf(UsageError);
  expect(engines).toEqual([]); // refused before an engine existed: nothing was sent
  return err.message;
}

const base = { targets: '127.0.0.1', ports: '22', mode: 'connect' } as const;

describe('types', () => {
  it.each([
    [{ targets: null }, "option 'targets' must be a string or an array of strings, got null"],
    [{ targets: 5 }, "option 'targets' must be a string or an array of strings, got 5"],
    [
      { targets: ['127.0.0.1', undefined] },
      "option 'targets' must be a string or an array of strings, got [1]: undefined",
    ],
    [{ targets: {} }, "option 'targets' must be a string or an array of strings, got an object"],
    [{ exclude: [null] }, "option 'exclude' must be a string or an array of strings, got [0]: null"],
    [{ inputFiles: '/tmp/x' }, "option 'inputFiles' must be an array of strings, got a string"],
    [{ excludeFiles: [1] }, "option 'excludeFiles' must be an array of strings, got [0]: 1"],
    [{ startIp: 1, endIp: '127.0.0.2' }, "option 'startIp' must be a string, got 1"],
    [{ full: 'yes' }, "option 'full' must be true or false, got a string"],
    [{ adaptive: 1 }, "option 'adaptive' must be true or false, got 1"],
    [{ seed: 5 }, "option 'seed' must be a bigint from 0 to 18446744073709551615, got 5"],
    [{ shard: null }, "option 'shard' must be { index, count } with 1 <= index <= count, got null"],
    [{ sourceIp: 7 }, "option 'sourceIp' must be a string, got 7"],
    [{ device: ['lo'] }, "option 'device' must be a string, got an array"],
    [{ routerMac: 2 }, "option 'routerMac' must be a string, got 2"],
    [{ signal: {} }, "option 'signal' must be an AbortSignal, got an object"],
    [{ resume: { position: 1, planHash: 'x' } }, "option 'resume' must be { position: bigint, planHash: string }"],
    [{ ratePPS: 10 }, "unknown option 'ratePPS'"],
  ])('%j', async (o, message) => {
    expect(await usage({ ...base, ...o })).toBe(message);
  });

  it('options that are not an object', async () => {
    expect(await usage(null)).toBe('scan options must be an object, got null');
    expect(await usage('127.0.0.1')).toBe('scan options must be an object, got a string');
  });
});

describe('ports as numbers', () => {
  it.each([
    [[1000, -3], "option 'ports' must be whole numbers from 1 to 65535, got -3 at [1]"],
    [[0], "option 'ports' must be whole numbers from 1 to 65535, got 0 at [0]"],
    [[22.5], "option 'ports' must be whole numbers from 1 to 65535, got 22.5 at [0]"],
    [[65536], "option 'ports' must be whole numbers from 1 to 65535, got 65536 at [0]"],
    [['80'], "option 'ports' must be whole numbers from 1 to 65535, got '80' at [0]"],
    [[], "option 'ports' must not be empty"],
  ])('%j is refused, never read as a range', async (ports, message) => {
    expect(await usage({ ...base, ports })).toBe(message);
  });

  it('a valid array still scans exactly those ports', async () => {
    const { binding } = fakeBinding({ script: () => 'silent' });
    const summary = await runScan({ ...base, ports: [1000, 3] }, hooks, { binding });
    expect([...summary.plan.ports]).toEqual([3, 1000]);
  });
});

describe('messages in the library terms, not CLI flags', () => {
  it.each([
    [{ mode: 'stealthy' }, "option 'mode' expects auto, connect or syn, got 'stealthy'"],
    [{ ratePps: -1 }, "option 'ratePps' expects a whole number from 0 to 100000000, got '-1'"],
    [{ timeoutMs: 0 }, "option 'timeoutMs' expects a whole number from 1 to 600000, got '0'"],
    [{ minTimeoutMs: 0 }, "option 'minTimeoutMs' expects a whole number from 1 to 1000, got '0'"],
    [{ tarpitLimit: -1 }, "option 'tarpitLimit' expects a whole number from 0 to 65535, got '-1'"],
    [{ tasks: 0 }, /^option 'tasks' expects a whole number from 1 to \d+, got '0'$/],
    [{ retries: 1.5 }, "option 'retries' expects a whole number from 0 to 50, got '1.5'"],
    [{ startIp: '127.0.0.1' }, "options 'startIp' and 'endIp' go together: give both"],
  ])('%j', async (o, message) => {
    const got = await usage({ ...base, ...o });
    if (typeof message === 'string') expect(got).toBe(message);
    else expect(got).toMatch(message);
    expect(got).not.toMatch(/--/);
  });

  it('syn-only options in syn mode name the library option', () => {
    const o: ScanOptions = { ...base, mode: 'syn', sendPath: 'ip', routerMac: '02:00:00:00:00:01' };
    expect(() => resolveOptions(o, 1024, null)).toThrow(
      "option 'routerMac' sends Ethernet frames: it cannot go with option 'sendPath' set to 'ip'",
    );
  });
});
