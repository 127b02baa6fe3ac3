// SPDX-License-Identifier: MIT
// syn-workloads.test.ts: the pure parts of bench:syn (bench/syn/) and of GNU time's reading that it
// shares with `portscan bench` (lib/bench/run.ts): the workloads as values and BENCH_WORKLOADS'
// choice of them, a run's CPU per probe and per answered probe, GNU time's file read back, and
// the ratios portscan/peer per workload as computed and printed. No root, no testbed needed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compare, ratio } from '../../bench/syn/compare';
import { runCpu } from '../../bench/syn/cpu';
import { ratiosLine } from '../../bench/syn/print';
import { emptyRun, type Run, type Tool } from '../../bench/syn/workload';
import { perSecondFrom } from '../../bench/syn/rate-hold';
import { allWorkloads, portsOf, selectWorkloads, sendEstimateS, sweepRates } from '../../bench/syn/workloads';
import { readTimeFile } from '../../lib/bench/run';

describe('bench:syn workloads', () => {
  it('reads a port list into its ports, in order', () => {
    expect(portsOf('22,1000-1002,8080')).toEqual([22, 1000, 1001, 1002, 8080]);
    expect(portsOf('1-14')).toHaveLength(14);
  });

  it('has the workloads of issue 11 with their probe counts and portscan flags', () => {
    const byName = Object.fromEntries(allWorkloads({}).map((w) => [w.name, w]));
    expect(Object.keys(byName)).toEqual(['five-ports', 'silent-1m', 'silent-10m', 'mostly-silent', 'mostly-closed']);
    expect(byName['five-ports']?.probes).toBe(327_680);
    expect(byName['silent-1m']?.probes).toBe(1_048_576);
    expect(byName['silent-10m']?.probes).toBe(10_485_760);
    expect(byName['mostly-silent']?.probes).toBe(1_310_720);
    expect(byName['mostly-closed']?.probes).toBe(1_310_720);
    expect(byName['silent-1m']?.portscanFlags).toEqual(['--retries', '0']);
    expect(byName['mostly-silent']?.portscanFlags).toEqual([]);
    expect(byName['silent-1m']?.rates.portscan).toEqual([0]);
    expect(byName['silent-10m']?.rates.zmap).toEqual([]);
    expect(byName['mostly-closed']?.rates.portscan).toEqual([400_000]);
  });

  it('takes the five-port sweeps from the environment, unlimited for portscan only', () => {
    const r = sweepRates({ BENCH_PORTSCAN_RATES: '0, 50000', BENCH_MASSCAN_RATES: '0,7', BENCH_ZMAP_RATES: 'x' });
    expect(r).toEqual({ portscan: [0, 50000], masscan: [7], zmap: [100000, 200000, 300000] });
  });

  it('selects what BENCH_WORKLOADS names, in the catalogue order, and refuses unknown names', () => {
    const all = selectWorkloads({});
    expect(all.workloads).toHaveLength(5);
    expect(all.oneHost).toBe(true);
    expect(all.rateHold).toBe(true);
    const some = selectWorkloads({ BENCH_WORKLOADS: 'mostly-silent, silent-1m' });
    expect(some.workloads.map((w) => w.name)).toEqual(['silent-1m', 'mostly-silent']);
    expect(some.oneHost).toBe(false);
    expect(some.rateHold).toBe(false);
    expect(selectWorkloads({ BENCH_WORKLOADS: 'one-host' })).toEqual({ workloads: [], oneHost: true, rateHold: false });
    expect(selectWorkloads({ BENCH_WORKLOADS: 'rate-hold' })).toEqual({
      workloads: [],
      oneHost: false,
      rateHold: true,
    });
    expect(() => selectWorkloads({ BENCH_WORKLOADS: 'silent-1m,silent-1g' })).toThrow(/unknown silent-1g/);
  });

  it('estimates the send time at the rate asked, or at the reach assumed when above it or unlimited', () => {
    const w = allWorkloads({}).find((x) => x.name === 'silent-1m');
    if (!w) throw new Error('no silent-1m');
    expect(sendEstimateS(w, 104_857.6)).toBeCloseTo(10, 6);
    expect(sendEstimateS(w, 0)).toBeCloseTo(w.probes / w.reachPps, 6);
    expect(sendEstimateS(w, 10_000_000)).toBeCloseTo(w.probes / w.reachPps, 6);
  });
});

describe('bench:syn CPU per probe', () => {
  it('sums the processes, keeps the largest peak memory, divides by probes, answered probes and packets', () => {
    const parts = [
      { cpuS: 1.5, maxRssKb: 5000 },
      { cpuS: 0.5, maxRssKb: 7000 },
    ];
    const cpu = runCpu(parts, { probes: 1_000_000, answered: 250_000, sent: 4_000_000 });
    expect(cpu).toEqual({ cpuS: 2, maxRssKb: 7000, usPerProbe: 2, usPerAnswered: 8, usPerSent: 0.5 });
  });

  it('has no per-answered or per-sent figure without a count, and no figure at all when a process has none', () => {
    const one = [{ cpuS: 3, maxRssKb: 1 }];
    expect(runCpu(one, { probes: 1_000_000, answered: 0, sent: null })).toMatchObject({
      usPerProbe: 3,
      usPerAnswered: null,
      usPerSent: null,
    });
    expect(runCpu(one, { probes: 1_000_000, answered: null, sent: 0 })?.usPerAnswered).toBeNull();
    const missing = [...one, { cpuS: null, maxRssKb: null }];
    expect(runCpu(missing, { probes: 1_000_000, answered: 10, sent: 10 })).toBeNull();
    expect(runCpu([], { probes: 1_000_000, answered: 10, sent: 10 })).toBeNull();
  });
});

describe("GNU time's file", () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'syn-time-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const read = (text: string | null, code: number | null): ReturnType<typeof readTimeFile> => {
    const path = join(dir, `t-${Math.random()}`);
    if (text !== null) writeFileSync(path, text);
    return readTimeFile(path, code);
  };

  it('gives user + system seconds and peak memory', () => {
    expect(read('7.53 2.25 0.50 41336\n', 0)).toEqual({ cpuS: 2.75, maxRssKb: 41336, exitCode: 0 });
  });

  it('reads the figures after the line about a failed or signalled command', () => {
    const failed = read('Command exited with non-zero status 3\n1.00 0.25 0.50 100\n', 0);
    expect(failed).toEqual({ cpuS: 0.75, maxRssKb: 100, exitCode: 3 });
    const signalled = read('Command terminated by signal 2\n9.00 1.00 1.00 200\n', 130);
    expect(signalled).toEqual({ cpuS: 2, maxRssKb: 200, exitCode: 130 });
  });

  it('has no figures when the file is missing or holds none', () => {
    expect(read(null, null)).toEqual({ cpuS: null, maxRssKb: null, exitCode: null });
    expect(read('garbage\n', 1)).toEqual({ cpuS: null, maxRssKb: null, exitCode: 1 });
  });
});

describe('bench:syn ratios', () => {
  function run(tool: Tool, workload: string, p: Partial<Run>): Run {
    const verify = {
      expected_open: 0,
      found_open: 0,
      missed_open: 0,
      false_open: 0,
      wrong_state: 0,
      recall: 1,
      malformed: 0,
      expected: { open: 0, closed: 0, filtered: 10 },
    };
    return { ...emptyRun(tool, workload, 0, tool), ok: true, verify, verifyExit: 0, ...p };
  }
  const cpu = (usPerProbe: number): Run['cpu'] => ({
    cpuS: usPerProbe,
    maxRssKb: 1,
    usPerProbe,
    usPerAnswered: null,
    usPerSent: usPerProbe,
  });

  it('divides, and has no ratio when a side is unknown or not above zero', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(null, 2)).toBeNull();
    expect(ratio(3, undefined)).toBeNull();
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(Infinity, 2)).toBeNull();
  });

  it("compares portscan with a peer on one workload's runs only", () => {
    const runs = [
      run('portscan', 'silent-1m', { ownPps: 450_000, seconds: 4, probesPerWall: 262_144, cpu: cpu(1.5) }),
      run('masscan', 'silent-1m', { ownPps: 300_000, seconds: 6, probesPerWall: 174_763, cpu: cpu(2.5) }),
      // another workload's runs, faster: must not be picked
      run('portscan', 'five-ports', { ownPps: 900_000, seconds: 1, probesPerWall: 327_680, cpu: cpu(9) }),
      run('masscan', 'five-ports', { ownPps: 100_000, seconds: 9, probesPerWall: 36_408, cpu: cpu(0.1) }),
    ];
    const c = compare(runs, 'silent-1m', 'masscan');
    expect(c.ratioOwnToOwn).toBeCloseTo(1.5, 9);
    expect(c.cpuRatio).toBeCloseTo(0.6, 9);
    expect(c.ratio).toBeCloseTo(262_144 / 174_763, 9);
    const line = ratiosLine(c);
    expect(line).toContain('portscan/masscan: send rate 1.50x (450.0k vs 300.0k)');
    expect(line).toContain('wall 0.67x (4.00 vs 6.00)');
    expect(line).toContain('CPU per probe 0.60x (1.50 vs 2.50) us');
  });

  it('takes no portscan run that missed an open port, and says the wall was not compared', () => {
    const missed = run('portscan', 'mostly-silent', { ownPps: 400_000, seconds: 3, probesPerWall: 1, cpu: cpu(1) });
    missed.verify = { ...(missed.verify as NonNullable<Run['verify']>), recall: 0.99, missed_open: 5 };
    const theirs = run('masscan', 'mostly-silent', { ownPps: 200_000, seconds: 8, probesPerWall: 1, cpu: cpu(2) });
    const c = compare([missed, theirs], 'mostly-silent', 'masscan');
    expect(c.ourBest).toBeNull();
    expect(c.ratioOwnToOwn).toBeNull();
    expect(c.cpuRatio).toBeNull();
    expect(ratiosLine(c)).toContain('no portscan run exact: wall not compared');
  });

  it('says so when the peer has no run on the workload', () => {
    const ours = run('portscan', 'silent-10m', { ownPps: 400_000, seconds: 30, probesPerWall: 1, cpu: cpu(1) });
    const skipped = { ...run('zmap', 'silent-10m', { ownPps: 100_000, seconds: 9 }), skipped: 'over budget' };
    expect(ratiosLine(compare([ours, skipped], 'silent-10m', 'zmap'))).toBe(
      '  portscan/zmap: - (no zmap run finished)',
    );
  });
});

describe("bench:syn's rate-hold count per second", () => {
  it('interpolates whole seconds from the first packet, ignoring a stray late packet', () => {
    // 1000 packets/s from t=10.0 for 3.5 s, sampled every 0.25 s; an ARP request 2 s after.
    const samples: { t: number; n: number }[] = [];
    for (let t = 9.5; t <= 16; t += 0.25) {
      const sent = Math.min(3500, Math.max(0, (t - 10) * 1000));
      samples.push({ t, n: 50 + Math.round(sent) + (t >= 15.5 ? 1 : 0) });
    }
    // t0 is the sample before the first packet (10.0): seconds [10,11), [11,12), [12,13).
    expect(perSecondFrom(samples)).toEqual([1000, 1000, 1000]);
    expect(perSecondFrom(samples.slice(0, 1))).toEqual([]);
  });
});
