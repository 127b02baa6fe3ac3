// SPDX-License-Identifier: MIT
// workload.ts: what bench:syn measures: the workload (198.18.0.0/16 x five ports), the one host
// scanned port by port afterwards, the testbed's interface and gateway as the SYN scanners are
// told them, the peers' waits for late replies, each tool's sweep of rates (from the environment),
// and the record of one run (Run) that every runner fills in.
import type { TestbedVerdict } from '../lib/testbed-report';

export const NET = '198.18.0.0/16';
export const HOSTS = 65536;
export const PORTS = [22, 80, 443, 8080, 31337];
export const PORT_SPEC = PORTS.join(',');
export const PROBES = HOSTS * PORTS.length;
export const ONE_HOST = '198.18.0.1';
/** The scanner namespace's interface and the target side's address on it. */
export const IFACE = 's0';
export const ROUTER_IP = '198.19.0.2';
/** masscan's --wait and zmap's -c (cooldown), seconds. */
export const MASSCAN_WAIT_S = 2;
export const ZMAP_COOLDOWN_S = 2;

export type Tool = 'portscan' | 'masscan' | 'zmap';
export const TOOLS: readonly Tool[] = ['portscan', 'masscan', 'zmap'];

export interface Run {
  tool: Tool;
  /** Requested rate, probes (packets) per second; 0 = unlimited. */
  rate: number;
  command: string;
  ok: boolean;
  seconds: number | null;
  /** Seconds spent sending, where known (tool's own figure or seen on its status line). */
  sendSeconds: number | null;
  /** The send rate the tool printed itself, probes/s. */
  ownPps: number | null;
  /** PROBES / wall seconds. */
  probesPerWall: number | null;
  verify: TestbedVerdict | null;
  verifyExit: number | null;
  error?: string;
  skipped?: string;
  /** Tool-specific details: exit codes, how masscan was ended, zmap's per-port runs. */
  details: Record<string, unknown>;
}

export function emptyRun(tool: Tool, rate: number, command: string): Run {
  return {
    tool,
    rate,
    command,
    ok: false,
    seconds: null,
    sendSeconds: null,
    ownPps: null,
    probesPerWall: null,
    verify: null,
    verifyExit: null,
    details: {},
  };
}

function ratesFrom(env: string | undefined, fallback: number[]): number[] {
  if (!env) return fallback;
  const xs = env
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0);
  return xs.length ? xs : fallback;
}

/** Each tool's sweep: BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES (0: unlimited, portscan only). */
export function sweepRates(): Record<Tool, number[]> {
  const env = process.env;
  return {
    portscan: ratesFrom(env.BENCH_PORTSCAN_RATES, [100000, 200000, 0]),
    masscan: ratesFrom(env.BENCH_MASSCAN_RATES, [100000, 150000, 200000, 300000]).filter((r) => r > 0),
    zmap: ratesFrom(env.BENCH_ZMAP_RATES, [100000, 200000, 300000]).filter((r) => r > 0),
  };
}
