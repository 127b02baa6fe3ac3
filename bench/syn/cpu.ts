// SPDX-License-Identifier: MIT
// cpu.ts: a run's CPU cost from what GNU time measured of its tool processes (proc.ts runs each
// tool under it, inside the testbed, so the wrapper's start-up is not counted): user + system
// seconds summed over the processes (zmap runs one per port), the largest peak memory, and the
// microseconds of CPU per probe of the workload and per answered probe (a probe the testbed
// answers, open or closed, as `testbed truth` counts them: the same count for every tool).
import type { RunCpu } from './workload';

/** What GNU time gave for one process (nulls: it did not write). */
export interface CpuPart {
  cpuS: number | null;
  maxRssKb: number | null;
}

/**
 * The CPU of a run made of `parts` over `probes` probes of which `answered` are answered (null:
 * unknown); null when any part has no figure (a sum missing a process would flatter the tool).
 */
export function runCpu(parts: CpuPart[], probes: number, answered: number | null): RunCpu | null {
  if (parts.length === 0 || probes <= 0 || parts.some((p) => p.cpuS === null)) return null;
  const cpuS = parts.reduce((a, p) => a + (p.cpuS as number), 0);
  return {
    cpuS,
    maxRssKb: Math.max(0, ...parts.map((p) => p.maxRssKb ?? 0)),
    usPerProbe: (cpuS * 1e6) / probes,
    usPerAnswered: answered !== null && answered > 0 ? (cpuS * 1e6) / answered : null,
  };
}
