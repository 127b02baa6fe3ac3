// SPDX-License-Identifier: MIT
// cpu.ts: a run's CPU cost from what GNU time measured of its tool processes (proc.ts runs each
// tool under it, inside the testbed, so the wrapper's start-up is not counted): user + system
// seconds summed over the processes (zmap runs one per port), the largest peak memory, and the
// microseconds of CPU per probe of the workload, per answered probe (a probe the testbed answers,
// open or closed, as `testbed truth` counts them: the same count for every tool) and per packet
// the tool sent (retries included: portscan's re-probes of silent ports).
import type { RunCpu } from './workload';

/** What GNU time gave for one process (nulls: it did not write). */
export interface CpuPart {
  cpuS: number | null;
  maxRssKb: number | null;
}

/** What a run's CPU is divided by: the workload's probes, those answered, the packets sent (null: unknown). */
export interface CpuCounts {
  probes: number;
  answered: number | null;
  sent: number | null;
}

const per = (cpuS: number, n: number | null): number | null => (n !== null && n > 0 ? (cpuS * 1e6) / n : null);

/**
 * The CPU of a run made of `parts`, per probe, per answered probe and per packet sent; null when
 * any part has no figure (a sum missing a process would flatter the tool).
 */
export function runCpu(parts: CpuPart[], counts: CpuCounts): RunCpu | null {
  if (parts.length === 0 || counts.probes <= 0 || parts.some((p) => p.cpuS === null)) return null;
  const cpuS = parts.reduce((a, p) => a + (p.cpuS as number), 0);
  return {
    cpuS,
    maxRssKb: Math.max(0, ...parts.map((p) => p.maxRssKb ?? 0)),
    usPerProbe: (cpuS * 1e6) / counts.probes,
    usPerAnswered: per(cpuS, counts.answered),
    usPerSent: per(cpuS, counts.sent),
  };
}
