// SPDX-License-Identifier: MIT
// step.ts: one step of the bench: one scanner on one workload at one rate, under the shaping in
// force. Runs the scanner's processes in turn (each with a time limit and a packet budget; none
// starts when the bench's deadline would not leave it time to finish), adds up what run.ts
// measured (wall and CPU time, packets, SYNs received, the time packets were arriving), and scores
// what the scanner reported against truth.ts. Also the step in words, for the log.
import { join } from 'node:path';

import { runInRange, type RunOutcome } from './run';
import { score } from './truth';
import type { JobContext, Mode, ScanJob, Scanner, Workload } from './workload';

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
  /** CPU per answered probe (open or closed in the workload's truth; null: none answers, or no CPU figure). */
  cpuUsPerAnswered: number | null;
  /** Packets the target side received, and their peak rate (any 100 ms). */
  packetsIn: number;
  peakPps: number;
  command: string;
  error?: string;
  skipped?: string;
}

/** Where a step stands: its phase and shaping, and the bench's deadline and abort signal. */
export interface StepPlan {
  phase: Phase;
  rate: number;
  lossPct: number;
  delayMs: number;
  /** No process starts that would end after this (performance.now() ms). */
  deadline: number;
  abort: AbortSignal;
}

function emptyStep(s: Scanner, w: Workload, p: StepPlan, command: string): StepResult {
  return {
    scanner: s.name,
    mode: s.mode,
    phase: p.phase,
    rate: p.rate,
    lossPct: p.lossPct,
    delayMs: p.delayMs,
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
    cpuUsPerAnswered: null,
    packetsIn: 0,
    peakPps: 0,
    command,
  };
}

const failed = (x: RunOutcome): boolean => Boolean(x.stopped || (x.exitCode !== 0 && x.exitCode !== null) || x.signal);

/** Runs the job's processes in turn until one fails. */
async function runJob(
  s: Scanner,
  w: Workload,
  job: ScanJob,
  tag: string,
  ctx: JobContext,
  p: StepPlan,
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const [i, r] of job.runs.entries()) {
    const left = p.deadline - performance.now();
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
      p.abort,
    );
    outcomes.push(out);
    if (failed(out)) break;
  }
  return outcomes;
}

/** The step's measurements: the processes' outcomes added up. */
function measured(base: StepResult, w: Workload, outcomes: RunOutcome[], planned: number): StepResult {
  const sum = (f: (x: RunOutcome) => number): number => outcomes.reduce((a, x) => a + f(x), 0);
  const cpu = outcomes.every((x) => x.cpuS !== null) ? sum((x) => x.cpuS as number) : null;
  const answered = w.want.counts.open + w.want.counts.closed;
  const res: StepResult = {
    ...base,
    wallS: sum((x) => x.wallS),
    cpuS: cpu,
    cpuUsPerProbe: cpu === null ? null : (cpu * 1e6) / w.want.probes,
    cpuUsPerAnswered: cpu === null || answered === 0 ? null : (cpu * 1e6) / answered,
    packetsIn: sum((x) => x.packetsIn),
    syns: sum((x) => x.syns),
    peakPps: Math.max(0, ...outcomes.map((x) => x.peakPps)),
  };
  const busy = sum((x) => x.busyS);
  res.achievedPps = busy > 0 && Number.isFinite(res.syns) ? res.syns / busy : 0;
  const bad = outcomes.find(failed);
  if (bad)
    res.error = bad.stopped
      ? `stopped: ${bad.stopped}`
      : `exit ${String(bad.exitCode ?? bad.signal)}: ${bad.stderrTail.split('\n').slice(-2).join(' | ')}`;
  if (outcomes.length < planned)
    res.error = `${res.error ?? 'failed'} (ran ${outcomes.length} of ${planned} processes)`;
  return res;
}

/** Runs one step: scanner `s` on workload `w` as `p` says. */
export async function runStep(s: Scanner, w: Workload, p: StepPlan, ctx: JobContext): Promise<StepResult> {
  const tag = `${p.phase}-${p.rate}-${p.lossPct}-${p.delayMs}`;
  const job = s.job(w, p.rate, ctx, tag);
  const base = emptyStep(s, w, p, job.shown);
  const expectMs = job.runs.reduce((a, r) => a + r.expectMs, 0);
  if (p.abort.aborted) return { ...base, skipped: 'interrupted' };
  if (performance.now() + expectMs > p.deadline) return { ...base, skipped: 'time limit of the bench reached' };
  const res = measured(base, w, await runJob(s, w, job, tag, ctx, p), job.runs.length);
  const sc = score(w.want, job.parse());
  Object.assign(res, {
    foundOpen: sc.foundOpen,
    falseOpen: sc.falseOpen,
    recall: sc.recall,
    exact: sc.exact && !res.error,
  });
  return res;
}

/** The step in words, for the log. */
export function describeStep(r: StepResult): string {
  if (r.skipped) return `${r.scanner} ${r.mode} @ ${r.rate}/s: skipped (${r.skipped})`;
  const shaping = [r.lossPct ? `loss ${r.lossPct}%` : '', r.delayMs ? `delay ${r.delayMs} ms` : '']
    .filter(Boolean)
    .join(', ');
  return (
    `${r.scanner} ${r.mode} @ ${r.rate}/s${shaping ? ` (${shaping})` : ''}: ` +
    `${Math.round(r.achievedPps)} probes/s achieved, recall ${r.recall.toFixed(5)} ` +
    `(${r.foundOpen}/${r.expectedOpen}), ${r.falseOpen} false open, ${r.wallS.toFixed(2)} s` +
    `${r.cpuUsPerProbe !== null ? `, ${r.cpuUsPerProbe.toFixed(2)} us CPU/probe` : ''}${r.error ? `; ${r.error}` : ''}`
  );
}
