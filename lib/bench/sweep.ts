// SPDX-License-Identifier: MIT
// sweep.ts: what the bench measures and in what order. It owns the two workloads (connect: one
// host x ports 1-20000; syn: a /18 x 7 ports), the Scanner interface every scanner implements
// (portscan here, the peers in peers.ts), and the three phases: a rate sweep per mode (every
// scanner of the mode at each rate in turn, so a change in the machine's load falls on all of
// them; a scanner stops after two steps in a row that failed or found under half the open
// ports), recall under injected loss at one moderate rate, and under added delay where the
// kernel can add it. Each step is scored against truth.ts, timed, costed in CPU per probe, and
// its achieved probe rate measured at the target (SYNs received / time packets were arriving).
// Every step has a time limit and a packet budget, and no step starts when the bench's deadline
// would not leave it time to finish.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchRange } from './range';
import { runInRange, type RunControl, type RunOutcome } from './run';
import { expected, score, type Expected, type Findings } from './truth';

export type Mode = 'connect' | 'syn';
export const MODES: readonly Mode[] = ['connect', 'syn'];

export interface Workload {
  mode: Mode;
  hosts: string;
  ports: string;
  want: Expected;
}

/** The hosts and ports each mode scans. */
export const WORKLOADS: Record<Mode, { hosts: string; ports: string }> = {
  connect: { hosts: '198.18.1.10', ports: '1-20000' },
  syn: { hosts: '198.18.0.0/18', ports: '22,80,443,3389,5000,8080,9100' },
};

/** Rates (probes per second asked for) of each mode's sweep. */
export const DEFAULT_RATES: Record<Mode, number[]> = {
  connect: [2500, 5000, 10000, 20000, 40000, 80000, 160000],
  syn: [25000, 50000, 100000, 200000, 400000, 800000],
};

export function workload(mode: Mode): Workload {
  const w = WORKLOADS[mode];
  return { mode, ...w, want: expected(w.hosts, w.ports) };
}

/** One process a scanner runs for a job (zmap runs one per port). */
export interface JobRun {
  argv: string[];
  /** How long it should take, ms (for the time limit and the deadline check). */
  expectMs: number;
  watch?: (stderr: string, ctl: RunControl) => void;
}

export interface ScanJob {
  runs: JobRun[];
  /** The command(s) as a person would type them (inside the scanner namespace). */
  shown: string;
  /** Reads what the runs wrote. */
  parse(): Findings;
}

export interface JobContext {
  dir: string;
  range: BenchRange;
}

export interface Scanner {
  name: string;
  mode: Mode;
  version: string;
  /** How it retries by default, in words. */
  retries: string;
  job(w: Workload, rate: number, ctx: JobContext, tag: string): ScanJob;
}

export type Phase = 'sweep' | 'loss' | 'delay';

export interface StepResult {
  scanner: string;
  mode: Mode;
  phase: Phase;
  /** Probes per second asked for. */
  rate: number;
  /** Probes per second achieved: SYNs the target received / time packets were arriving. */
  achievedPps: number;
  /** SYNs the target received (first tries and retries). */
  syns: number;
  lossPct: number;
  delayMs: number;
  probes: number;
  expectedOpen: number;
  foundOpen: number;
  falseOpen: number;
  recall: number;
  exact: boolean;
  wallS: number;
  cpuS: number | null;
  cpuUsPerProbe: number | null;
  /** Packets the target side received, and their peak rate (any 100 ms). */
  packetsIn: number;
  peakPps: number;
  command: string;
  error?: string;
  skipped?: string;
}

export interface SweepOptions {
  rates: Record<Mode, number[]>;
  /** Loss percentages to test besides 0. */
  losses: number[];
  /** Added delay to test (0: none). */
  delayMs: number;
  /** No step starts that would end after this (performance.now() ms). */
  deadline: number;
  abort: AbortSignal;
  log: (line: string) => void;
}

export interface SweepOutput {
  steps: StepResult[];
  /** Things that could not be measured here, and why. */
  unavailable: string[];
}

/** The portscan CLI of this package (from dist/lib/bench, or lib/bench under jest). */
export const CLI =
  [join(__dirname, '..', '..', '..', 'bin', 'portscan.js'), join(__dirname, '..', '..', 'bin', 'portscan.js')].find(
    (p) => existsSync(p),
  ) ?? 'bin/portscan.js';

export function quote(args: string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Open pairs from NDJSON lines ({ip, port, state}). */
export function readNdjson(path: string): Findings {
  const open = new Set<string>();
  const other: Findings['other'] = new Map();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { open, other };
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const r = JSON.parse(line) as { ip?: string; port?: number; state?: string };
      if (!r.ip || !r.port) continue;
      const k = `${r.ip} ${r.port}`;
      if (r.state === 'open') open.add(k);
      else if (r.state === 'closed' || r.state === 'filtered') other.set(k, r.state);
    } catch {
      // a torn last line of a stopped run
    }
  }
  return { open, other };
}

/** portscan itself, in one mode, with its default retries and timeouts. */
export function portscanScanner(mode: Mode, version: string): Scanner {
  return {
    name: 'portscan',
    mode,
    version,
    retries: '--retries 2 (default): a silent port is probed 3 times',
    job(w, rate, ctx, tag) {
      const out = join(ctx.dir, `portscan-${mode}-${tag}.ndjson`);
      const args = ['-q', '--mode', mode, '--rate', String(rate), '-p', w.ports, '-f', 'ndjson', '-o', out, w.hosts];
      return {
        runs: [{ argv: [process.execPath, CLI, ...args], expectMs: (w.want.probes / rate) * 1000 + 4000 }],
        shown: quote(['node', 'bin/portscan.js', ...args]).replace(out, 'OUT.ndjson'),
        parse: () => readNdjson(out),
      };
    },
  };
}

async function runStep(
  s: Scanner,
  w: Workload,
  rate: number,
  phase: Phase,
  lossPct: number,
  delayMs: number,
  ctx: JobContext,
  o: SweepOptions,
): Promise<StepResult> {
  const tag = `${phase}-${rate}-${lossPct}-${delayMs}`;
  const job = s.job(w, rate, ctx, tag);
  const base: StepResult = {
    scanner: s.name,
    mode: s.mode,
    phase,
    rate,
    lossPct,
    delayMs,
    probes: w.want.probes,
    expectedOpen: w.want.open.size,
    achievedPps: 0,
    syns: 0,
    foundOpen: 0,
    falseOpen: 0,
    recall: 0,
    exact: false,
    wallS: 0,
    cpuS: null,
    cpuUsPerProbe: null,
    packetsIn: 0,
    peakPps: 0,
    command: job.shown,
  };
  const expectMs = job.runs.reduce((a, r) => a + r.expectMs, 0);
  if (o.abort.aborted) return { ...base, skipped: 'interrupted' };
  if (performance.now() + expectMs > o.deadline) return { ...base, skipped: 'time limit of the bench reached' };
  const outcomes: RunOutcome[] = [];
  for (const [i, r] of job.runs.entries()) {
    const left = o.deadline - performance.now();
    const out = await runInRange(
      ctx.range,
      {
        argv: r.argv,
        // Each probe may be retried, and replies to it (RST, ACK) also count: 8 packets a probe is ample.
        packetBudget: Math.ceil((w.want.probes / job.runs.length) * 8) + 10000,
        timeLimitMs: Math.max(1000, Math.min(r.expectMs * 3 + 20000, left + 15000)),
        timeFile: join(ctx.dir, `time-${s.name}-${s.mode}-${tag}-${i}.txt`),
        ...(r.watch ? { watch: r.watch } : {}),
      },
      o.abort,
    );
    outcomes.push(out);
    if (out.stopped || (out.exitCode !== 0 && out.exitCode !== null) || out.signal) break;
  }
  const cpu = outcomes.every((x) => x.cpuS !== null) ? outcomes.reduce((a, x) => a + (x.cpuS as number), 0) : null;
  const res: StepResult = {
    ...base,
    wallS: outcomes.reduce((a, x) => a + x.wallS, 0),
    cpuS: cpu,
    cpuUsPerProbe: cpu === null ? null : (cpu * 1e6) / w.want.probes,
    packetsIn: outcomes.reduce((a, x) => a + x.packetsIn, 0),
    syns: outcomes.reduce((a, x) => a + x.syns, 0),
    peakPps: Math.max(0, ...outcomes.map((x) => x.peakPps)),
  };
  const busy = outcomes.reduce((a, x) => a + x.busyS, 0);
  res.achievedPps = busy > 0 && Number.isFinite(res.syns) ? res.syns / busy : 0;
  const bad = outcomes.find((x) => x.stopped || (x.exitCode !== 0 && x.exitCode !== null) || x.signal);
  if (bad)
    res.error = bad.stopped
      ? `stopped: ${bad.stopped}`
      : `exit ${String(bad.exitCode ?? bad.signal)}: ${bad.stderrTail.split('\n').slice(-2).join(' | ')}`;
  if (outcomes.length < job.runs.length)
    res.error = `${res.error ?? 'failed'} (ran ${outcomes.length} of ${job.runs.length} processes)`;
  const sc = score(w.want, job.parse());
  Object.assign(res, {
    foundOpen: sc.foundOpen,
    falseOpen: sc.falseOpen,
    recall: sc.recall,
    exact: sc.exact && !res.error,
  });
  return res;
}

function describeStep(r: StepResult): string {
  if (r.skipped) return `${r.scanner} ${r.mode} @ ${r.rate}/s: skipped (${r.skipped})`;
  const shaping = [r.lossPct ? `loss ${r.lossPct}%` : '', r.delayMs ? `delay ${r.delayMs} ms` : '']
    .filter(Boolean)
    .join(', ');
  return (
    `${r.scanner} ${r.mode} @ ${r.rate}/s${shaping ? ` (${shaping})` : ''}: ${Math.round(r.achievedPps)} probes/s achieved, recall ${r.recall.toFixed(5)} ` +
    `(${r.foundOpen}/${r.expectedOpen}), ${r.falseOpen} false open, ${r.wallS.toFixed(2)} s` +
    `${r.cpuUsPerProbe !== null ? `, ${r.cpuUsPerProbe.toFixed(2)} us CPU/probe` : ''}${r.error ? `; ${r.error}` : ''}`
  );
}

/** The rate at which recall under loss and delay is measured: the sweep's second rate. */
export function shapingRate(rates: number[]): number {
  return rates[Math.min(1, rates.length - 1)] ?? 1000;
}

/** Runs the three phases for `scanners` in `ctx.range`. */
export async function sweep(scanners: Scanner[], ctx: JobContext, o: SweepOptions): Promise<SweepOutput> {
  const steps: StepResult[] = [];
  const unavailable: string[] = [];
  const modes = MODES.filter((m) => scanners.some((s) => s.mode === m));
  const work = new Map(modes.map((m) => [m, workload(m)]));
  const record = (r: StepResult): void => {
    steps.push(r);
    o.log(describeStep(r));
  };

  // 1. Rate sweeps, the scanners of a mode taking turns at each rate.
  for (const mode of modes) {
    const w = work.get(mode) as Workload;
    const of = scanners.filter((s) => s.mode === mode);
    o.log(
      `sweep ${mode}: ${w.hosts} x ports ${w.ports} = ${w.want.probes} probes, ${w.want.open.size} open; rates ${o.rates[mode].join(', ')}/s`,
    );
    // A scanner that fails, or finds under half the open ports, twice in a row is done.
    const misses = new Map<Scanner, number>();
    for (const rate of o.rates[mode]) {
      for (const s of of) {
        if ((misses.get(s) ?? 0) >= 2) continue;
        const r = await runStep(s, w, rate, 'sweep', 0, 0, ctx, o);
        record(r);
        if (!r.skipped) misses.set(s, r.error || r.recall < 0.5 ? (misses.get(s) ?? 0) + 1 : 0);
      }
    }
  }

  // 2. Recall under loss, at one moderate rate; the 0% point is the sweep's step at that rate.
  for (const lossPct of o.losses) {
    if (o.abort.aborted) break;
    ctx.range.shape({ lossPct });
    try {
      for (const mode of modes) {
        const w = work.get(mode) as Workload;
        const rate = shapingRate(o.rates[mode]);
        for (const s of scanners.filter((x) => x.mode === mode)) {
          if (lossPct === 0) {
            const same = steps.find(
              (x) => x.phase === 'sweep' && x.scanner === s.name && x.mode === mode && x.rate === rate && !x.skipped,
            );
            if (same) {
              steps.push({ ...same, phase: 'loss' });
              continue;
            }
          }
          record(await runStep(s, w, rate, 'loss', lossPct, 0, ctx, o));
        }
      }
    } finally {
      ctx.range.shape({});
    }
  }

  // 3. Added delay, where the kernel can add it (tc netem).
  if (o.delayMs > 0 && !o.abort.aborted) {
    const res = ctx.range.shape({ delayMs: o.delayMs });
    if (res.delay) {
      unavailable.push(`delay ${o.delayMs} ms: ${res.delay}; recall under delay was not measured`);
      o.log(`delay ${o.delayMs} ms: ${res.delay}: skipped`);
    } else {
      try {
        for (const mode of modes) {
          const w = work.get(mode) as Workload;
          for (const s of scanners.filter((x) => x.mode === mode))
            record(await runStep(s, w, shapingRate(o.rates[mode]), 'delay', 0, o.delayMs, ctx, o));
        }
      } finally {
        ctx.range.shape({});
      }
    }
  }
  return { steps, unavailable };
}
