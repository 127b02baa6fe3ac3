// SPDX-License-Identifier: MIT
// sweep.ts: what the bench measures and in what order: three phases over the scanners given. A
// rate sweep per mode (every scanner of the mode at each rate in turn, so a change in the
// machine's load falls on all of them; a scanner stops after two steps in a row that failed or
// found under half the open ports), recall under injected loss at one moderate rate, and under
// added delay where the kernel can add it. Each step (step.ts) is scored against truth.ts, timed,
// costed in CPU per probe, and its achieved probe rate measured at the target (SYNs received /
// time packets were arriving). No step starts when the bench's deadline would not leave it time.
import { describeStep, runStep, type Phase, type StepResult } from './step';
import { MODES, shapingRate, workload, type JobContext, type Mode, type Scanner, type Workload } from './workload';

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

/** The state of one sweep: its scanners, workloads, and the steps so far. */
interface Sweep {
  scanners: Scanner[];
  modes: Mode[];
  work: Map<Mode, Workload>;
  ctx: JobContext;
  o: SweepOptions;
  steps: StepResult[];
}

/** Runs a step of `s` and records it (and logs it). */
async function step(
  sw: Sweep,
  s: Scanner,
  rate: number,
  phase: Phase,
  shaping = { lossPct: 0, delayMs: 0 },
): Promise<StepResult> {
  const w = sw.work.get(s.mode) as Workload;
  const plan = { phase, rate, ...shaping, deadline: sw.o.deadline, abort: sw.o.abort };
  const r = await runStep(s, w, plan, sw.ctx);
  sw.steps.push(r);
  sw.o.log(describeStep(r));
  return r;
}

/** 1. Rate sweeps, the scanners of a mode taking turns at each rate. */
async function rateSweeps(sw: Sweep): Promise<void> {
  for (const mode of sw.modes) {
    const w = sw.work.get(mode) as Workload;
    sw.o.log(
      `sweep ${mode}: ${w.hosts} x ports ${w.ports} = ${w.want.probes} probes, ${w.want.open.size} open; ` +
        `rates ${sw.o.rates[mode].join(', ')}/s`,
    );
    // A scanner that fails, or finds under half the open ports, twice in a row is done.
    const misses = new Map<Scanner, number>();
    for (const rate of sw.o.rates[mode]) {
      for (const s of sw.scanners.filter((x) => x.mode === mode)) {
        if ((misses.get(s) ?? 0) >= 2) continue;
        const r = await step(sw, s, rate, 'sweep');
        if (!r.skipped) misses.set(s, r.error || r.recall < 0.5 ? (misses.get(s) ?? 0) + 1 : 0);
      }
    }
  }
}

/** 2. Recall under loss, at one moderate rate; the 0% point is the sweep's step at that rate. */
async function lossPhase(sw: Sweep): Promise<void> {
  for (const lossPct of sw.o.losses) {
    if (sw.o.abort.aborted) break;
    sw.ctx.range.shape({ lossPct });
    try {
      for (const s of sw.modes.flatMap((m) => sw.scanners.filter((x) => x.mode === m))) {
        const rate = shapingRate(sw.o.rates[s.mode]);
        const same =
          lossPct === 0 &&
          sw.steps.find(
            (x) => x.phase === 'sweep' && x.scanner === s.name && x.mode === s.mode && x.rate === rate && !x.skipped,
          );
        if (same) sw.steps.push({ ...same, phase: 'loss' });
        else await step(sw, s, rate, 'loss', { lossPct, delayMs: 0 });
      }
    } finally {
      sw.ctx.range.shape({});
    }
  }
}

/** 3. Added delay, where the kernel can add it (tc netem); returns why not, when it cannot. */
async function delayPhase(sw: Sweep): Promise<string | undefined> {
  const delayMs = sw.o.delayMs;
  if (delayMs <= 0 || sw.o.abort.aborted) return undefined;
  const res = sw.ctx.range.shape({ delayMs });
  if (res.delay) {
    sw.o.log(`delay ${delayMs} ms: ${res.delay}: skipped`);
    return `delay ${delayMs} ms: ${res.delay}; recall under delay was not measured`;
  }
  try {
    for (const s of sw.modes.flatMap((m) => sw.scanners.filter((x) => x.mode === m)))
      await step(sw, s, shapingRate(sw.o.rates[s.mode]), 'delay', { lossPct: 0, delayMs });
  } finally {
    sw.ctx.range.shape({});
  }
  return undefined;
}

/** Runs the three phases for `scanners` in `ctx.range`. */
export async function sweep(scanners: Scanner[], ctx: JobContext, o: SweepOptions): Promise<SweepOutput> {
  const modes = MODES.filter((m) => scanners.some((s) => s.mode === m));
  const sw: Sweep = { scanners, modes, work: new Map(modes.map((m) => [m, workload(m)])), ctx, o, steps: [] };
  await rateSweeps(sw);
  await lossPhase(sw);
  const noDelay = await delayPhase(sw);
  return { steps: sw.steps, unavailable: noDelay ? [noDelay] : [] };
}
