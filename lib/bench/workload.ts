// SPDX-License-Identifier: MIT
// workload.ts: what the bench scans and with what. It owns the two workloads (connect: one host x
// ports 1-20000; syn: a /18 x 7 ports), the rates each mode's sweep asks for, and the Scanner
// interface every scanner implements (portscan in portscan.ts, the peers in peers/scanners.ts):
// for a workload at a rate, the processes to run and a reader of what they wrote.
import type { BenchRange } from './range';
import type { RunControl } from './run';
import { expected, type Expected, type Findings } from './truth';

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

/** The rate at which recall under loss and delay is measured: the sweep's second rate. */
export function shapingRate(rates: number[]): number {
  return rates[Math.min(1, rates.length - 1)] ?? 1000;
}

/** One process a scanner runs for a job (zmap runs one per port). */
export interface JobRun {
  argv: string[];
  /** How long it should take, ms (for the time limit and the deadline check). */
  expectMs: number;
  /** Called with each piece of the process's stderr as it comes, and controls. */
  watch?: (chunk: string, ctl: RunControl) => void;
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
