// SPDX-License-Identifier: MIT
// workload.ts: what every bench:syn run shares: the one host scanned port by port after the
// workloads (workloads.ts), the testbed's interface and gateway as the SYN scanners are told them,
// the peers' waits for late replies, and the record of one run (Run) that every runner fills in,
// with its CPU time (cpu.ts).
import type { TestbedVerdict } from '../lib/testbed-report';

export const ONE_HOST = '198.18.0.1';
/** The scanner namespace's interface and the target side's address on it. */
export const IFACE = 's0';
export const ROUTER_IP = '198.19.0.2';
/** masscan's --wait and zmap's -c (cooldown), seconds. */
export const MASSCAN_WAIT_S = 2;
export const ZMAP_COOLDOWN_S = 2;

export type Tool = 'portscan' | 'masscan' | 'zmap';
export const TOOLS: readonly Tool[] = ['portscan', 'masscan', 'zmap'];

/** CPU time of a run's tool processes (GNU time: user + system, every thread, the tool's children). */
export interface RunCpu {
  /** User + system seconds, summed over the tool's processes (zmap: one per port). */
  cpuS: number;
  /** The largest peak resident set of any of them, KiB. */
  maxRssKb: number;
  /** cpuS per probe of the workload, and per probe the testbed answers (open or closed; null: none answers). */
  usPerProbe: number;
  usPerAnswered: number | null;
  /** cpuS per packet the tool sent, retries included (null: not known). */
  usPerSent: number | null;
}

export interface Run {
  tool: Tool;
  /** The workload's name (workloads.ts). */
  workload: string;
  /** Requested rate, probes (packets) per second; 0 = unlimited. */
  rate: number;
  command: string;
  ok: boolean;
  seconds: number | null;
  /** Seconds spent sending, where known (tool's own figure or seen on its status line). */
  sendSeconds: number | null;
  /** The send rate the tool printed itself, probes/s. */
  ownPps: number | null;
  /** The workload's probes / wall seconds. */
  probesPerWall: number | null;
  /** Packets the tool says it sent, retries included (portscan's -v, masscan's probes, zmap's sent). */
  sent: number | null;
  /** null: GNU time missing, or the tool killed before it wrote. */
  cpu: RunCpu | null;
  verify: TestbedVerdict | null;
  verifyExit: number | null;
  error?: string;
  skipped?: string;
  /** Tool-specific details: exit codes, how masscan was ended, zmap's per-port runs. */
  details: Record<string, unknown>;
}

export function emptyRun(tool: Tool, workload: string, rate: number, command: string): Run {
  return {
    tool,
    workload,
    rate,
    command,
    ok: false,
    seconds: null,
    sendSeconds: null,
    ownPps: null,
    probesPerWall: null,
    sent: null,
    cpu: null,
    verify: null,
    verifyExit: null,
    details: {},
  };
}
