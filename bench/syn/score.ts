// SPDX-License-Identifier: MIT
// score.ts: how bench:syn scores a run: the open (address, port) pairs a tool reported, made unique
// and written as "IP PORT open" lines, go to `testbed verify`; its verdict, the first examples it
// gives, and probes per wall second go into the run's record.
import { verify, type Verified } from '../lib/testbed';
import type { Run } from './workload';
import type { Workload } from './workloads';

/** Unique "IP PORT open" lines from "IP PORT" pairs, and how many pairs were repeats. */
export function plainLines(pairs: Iterable<string>): { text: string; count: number; duplicates: number } {
  const seen = new Set<string>();
  let duplicates = 0;
  for (const pair of pairs) {
    const line = `${pair} open`;
    if (seen.has(line)) duplicates++;
    else seen.add(line);
  }
  return { text: [...seen].join('\n') + (seen.size ? '\n' : ''), count: seen.size, duplicates };
}

/** Records `testbed verify`'s verdict (and probes per wall second, of `probes`) in `run`. */
export function finish(run: Run, v: Verified, probes: number): void {
  run.verify = v.report;
  run.verifyExit = v.exit;
  if (v.examples.length) run.details.verifyExamples = v.examples;
  if (!v.report) run.error = `testbed verify: ${v.text || `exit ${v.exit}`}`;
  if (run.seconds !== null && run.seconds > 0) run.probesPerWall = probes / run.seconds;
}

/** Verifies `text` (results of workload `w`) and records the verdict in `run`. */
export function verifyWorkload(run: Run, w: Workload, text: string): void {
  finish(run, verify(w.hosts, w.ports, text), w.probes);
}
