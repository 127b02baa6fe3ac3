// SPDX-License-Identifier: MIT
// report.ts: the BenchReport record, everything a run of the bench measured plus the machine,
// tool versions, workloads, pattern and the exact commands, and the summary drawn from it (per
// scanner and mode: the highest rate with exact results, the first rate that lost ports, recall at
// each loss, CPU per probe and per answered probe; and portscan over each peer in the same mode:
// top speed and CPU per probe). What people and machines read is made from it by text.ts (the terminal table and the
// JSON), html.ts (the self-contained page) and svg.ts (its charts). Every number shown comes from
// the steps passed in; nothing is computed from anything else, so a test can feed known steps and
// find them.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';

import type { StepResult } from './step';
import type { Mode } from './workload';

export interface MachineInfo {
  cpu: string;
  cores: number;
  kernel: string;
  node: string;
  /** 1-minute load average when the bench started (other work on the machine skews results). */
  load: number;
}

export interface ScannerInfo {
  name: string;
  mode: Mode;
  version: string;
  retries: string;
}

export interface BenchReport {
  date: string;
  durationS: number;
  machine: MachineInfo;
  scanners: ScannerInfo[];
  workloads: {
    mode: Mode;
    hosts: string;
    ports: string;
    probes: number;
    open: number;
    closed: number;
    filtered: number;
  }[];
  pattern: string[];
  /** Commands that built and shaped the range, in order. */
  rangeCommands: string[];
  /** The scanner namespace the scans ran in. */
  scanNamespace: string;
  steps: StepResult[];
  unavailable: string[];
  notes: string[];
}

export interface SummaryRow {
  scanner: string;
  mode: Mode;
  /**
   * The exact swept step with the highest achieved rate: that rate, and the rate asked for (null:
   * none was exact).
   */
  maxExactAsked: number | null;
  maxExactAchieved: number | null;
  /** The lowest swept rate asked for that lost a port or reported a false open (null: none). */
  firstLossAsked: number | null;
  highestAsked: number | null;
  /** The highest probe rate achieved in any swept step: the scanner's top speed here. */
  topAchieved: number | null;
  /** Recall per loss percentage, at the loss phase's rate. */
  lossRecall: Record<string, number>;
  /** Medians over the swept steps. */
  cpuUsPerProbe: number | null;
  cpuUsPerAnswered: number | null;
}

/** portscan over one peer in one mode (null: a side has no figure). */
export interface PeerRatio {
  mode: Mode;
  peer: string;
  /** portscan's top speed achieved over the peer's. */
  topSpeed: number | null;
  /** portscan's median CPU per probe over the peer's (below 1: portscan spends less). */
  cpuPerProbe: number | null;
}

export function machineInfo(): MachineInfo {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  return { cpu, cores: availableParallelism(), kernel: release(), node: process.version, load: loadavg()[0] ?? 0 };
}

/** Did the step run (was it not skipped)? */
export const ran = (s: StepResult): boolean => !s.skipped;

export function summarise(steps: StepResult[]): SummaryRow[] {
  const keys: string[] = [];
  for (const s of steps) if (!keys.includes(`${s.scanner}\t${s.mode}`)) keys.push(`${s.scanner}\t${s.mode}`);
  return keys.map((key) => {
    const [scanner, mode] = key.split('\t') as [string, Mode];
    const mine = steps.filter((s) => s.scanner === scanner && s.mode === mode && ran(s));
    const sw = mine.filter((s) => s.phase === 'sweep');
    // The exact step that went fastest (asking for more than a scanner can do adds nothing).
    const exact = sw.filter((s) => s.exact).sort((x, y) => x.achievedPps - y.achievedPps || x.rate - y.rate);
    const best = exact[exact.length - 1];
    const lost = sw.filter((s) => !s.exact).map((s) => s.rate);
    const lossRecall: Record<string, number> = {};
    for (const s of mine.filter((x) => x.phase === 'loss')) lossRecall[String(s.lossPct)] = s.recall;
    const median = (f: (s: StepResult) => number | null): number | null => {
      const xs = sw
        .map(f)
        .filter((x): x is number => x !== null)
        .sort((x, y) => x - y);
      return xs.length ? (xs[xs.length >> 1] ?? null) : null;
    };
    return {
      scanner,
      mode,
      maxExactAsked: best ? best.rate : null,
      maxExactAchieved: best ? best.achievedPps : null,
      firstLossAsked: lost.length ? Math.min(...lost) : null,
      highestAsked: sw.length ? Math.max(...sw.map((s) => s.rate)) : null,
      topAchieved: sw.length ? Math.max(...sw.map((s) => s.achievedPps)) : null,
      lossRecall,
      cpuUsPerProbe: median((s) => s.cpuUsPerProbe),
      cpuUsPerAnswered: median((s) => s.cpuUsPerAnswered),
    };
  });
}

const over = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);

/** portscan over every other scanner of the same mode, from the summary. */
export function peerRatios(sum: SummaryRow[]): PeerRatio[] {
  return sum.flatMap((ours) => {
    if (ours.scanner !== 'portscan') return [];
    return sum
      .filter((r) => r.mode === ours.mode && r.scanner !== 'portscan')
      .map((r) => ({
        mode: r.mode,
        peer: r.scanner,
        topSpeed: over(ours.topAchieved, r.topAchieved),
        cpuPerProbe: over(ours.cpuUsPerProbe, r.cpuUsPerProbe),
      }));
  });
}
