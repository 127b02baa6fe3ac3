// SPDX-License-Identifier: MIT
// results.ts: bench:syn's record, bench/results/syn-vs-peers.json: the machine, the build, the
// load, the testbed, the workloads and their truth, every run with its details, the comparisons
// (per workload and peer), the one-host runs, and notes saying how each figure was measured.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { repoRoot } from '../lib/harness';
import { TESTBED_PREFIX } from '../lib/testbed';
import { elapsedMs } from './budget';
import type { NmapOneHost } from './nmap-one-host';
import type { RateHoldRun } from './rate-hold';
import type { Setup } from './setup';
import type { Run } from './workload';
import type { GatewayMac } from './zmap';

const NOTES = [
  'probesPerWall = probes / wall seconds (process start to exit, including testbed run and ' +
    "each tool's wait for late replies)",
  'ownPps = the send rate the tool printed: masscan the mean of its status-line rates before 100%, zmap total ' +
    'sent / sum of per-port send times from its "done (R p/s avg)", portscan first tries / its -v send phase',
  'sendSeconds: masscan, spawn to the first status line at 100% (includes its start-up); zmap, the sum over its ' +
    '5 runs of sent / its own average send rate; portscan, its -v send phase (first probe to the last first try)',
  'portscan re-probes silent ports (--retries 2 by default, 0 on the silent-* workloads), so it sends more ' +
    'packets than the workload counts (sent: its -v engine line); masscan and zmap send each probe once',
  'cpu: user + system seconds of the tool alone (GNU time inside `testbed run`, so not its python wrapper; every ' +
    'thread; zmap summed over its per-port runs); usPerProbe per probe of the workload, usPerAnswered per ' +
    'probe the testbed answers (open + closed in `testbed truth`), the same divisor for every tool; usPerSent ' +
    'per packet the tool sent (retries included)',
  'summary: per workload and peer; ratioOwnPps and ratioCpuPerProbe compare the runs with the best send rates',
  'zmap 2.x scans one port per run: its wall is the sum of one run per port, each with its own start and ' +
    '-c 2 cooldown; it does not run silent-10m (160 runs)',
  'mostly-closed scans variant 0 with its six model ports + 1-14: the same counts as variant 23 in issue 11',
  'masscan 1.3.2 hangs in a blocking pcap read after its --wait; it is woken with one TCP connect to ' +
    '198.18.0.1:22 inside the testbed (details.endedBy)',
];

export interface Outcome {
  runs: Run[];
  summary: Record<string, unknown>[];
  /** The load average before and after each workload, by name. */
  workloadLoads: Record<string, { before: number[]; after: number[] }>;
  oneHost: Record<string, unknown>;
  oneHostFull: Record<string, unknown>;
  nmapOneHost: NmapOneHost | Record<string, unknown>;
  rateHold: RateHoldRun[];
  gateway: GatewayMac | null | undefined;
  loadAfter: number[];
  identityAfter: string;
}

/** Writes the record; returns its path. */
export function writeResults(s: Setup, o: Outcome): string {
  const resultsDir = join(repoRoot(), 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, 'syn-vs-peers.json');
  const json = {
    date: new Date().toISOString(),
    machine: s.machine,
    portscanBuild: s.build,
    loadAverage: { before: s.loadBefore, after: o.loadAfter, perWorkload: o.workloadLoads },
    testbedPrefix: TESTBED_PREFIX,
    testbedRebuiltDuringBench: o.identityAfter !== s.identityBefore,
    workloads: s.workloads.map((w) => ({ ...w, truth: s.truth[w.name] ?? null })),
    testbedRunOverheadSeconds: s.overheadS,
    zmapGatewayMac: o.gateway ?? null,
    notes: NOTES,
    runs: o.runs,
    summary: o.summary,
    oneHost: o.oneHost,
    oneHostFull: o.oneHostFull,
    nmapOneHost: o.nmapOneHost,
    rateHold: o.rateHold,
    benchSeconds: elapsedMs() / 1000,
  };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  return jsonPath;
}
