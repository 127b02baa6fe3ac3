// SPDX-License-Identifier: MIT
// workloads.ts: the workloads bench:syn can measure, as values, and which of them a run measures
// (BENCH_WORKLOADS, comma-separated names, "one-host" for the one-host runs that follow them,
// "rate-hold" for the rate-hold runs (rate-hold.ts) after those; default all, in the order
// below). Each is hosts x ports on the testbed's variant 0 (ports 1000-1999 silent everywhere,
// `testbed model`), the flags portscan gets beyond -v --mode syn --rate R, each tool's rates, and
// the send rate its time estimates assume. The workloads (issue 11's table):
// - five-ports: 198.18.0.0/16 x 22,80,443,8080,31337, every tool over a sweep of rates
//   (BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES).
// - silent-1m, silent-10m: the /16 x 16 (160) silent ports, 1,048,576 (10,485,760) probes, nothing
//   answers; portscan --rate 0 --retries 0, masscan and zmap at a rate above what they reach (they
//   have no unlimited): what is measured is each tool's send rate. zmap, one process per port,
//   does not run the 160 ports of silent-10m.
// - mostly-silent: -p 22,1000-1018 (1,310,720 probes, 95% silent), portscan --rate 0 with its
//   default retries: wall time and recall.
// - mostly-closed: -p 22,80,443,3306,8080,31337,1-14 at --rate 400000. Issue 11 ran variant 23's
//   six model ports + 1-14; variant 0's six model ports + 1-14 have the same counts (`testbed
//   truth`: 147,975 open, 1,081,087 closed, 81,658 silent), so the testbed stays at variant 0.
import type { Tool } from './workload';

export const NET = '198.18.0.0/16';
export const HOSTS = 65536;

export interface Workload {
  /** Its name in BENCH_WORKLOADS. */
  name: string;
  /** In words, for the header. */
  title: string;
  hosts: string;
  hostCount: number;
  /** The port list as the tools are given it ("22,1000-1018"). */
  ports: string;
  /** The ports one by one, in order (zmap 2.x scans one port per run). */
  portList: number[];
  probes: number;
  /** portscan's flags beyond -v --mode syn --rate R -p PORTS -f ndjson ("--retries 0"). */
  portscanFlags: string[];
  /** Each tool's rates, in turn; none: the tool does not run on this workload. */
  rates: Record<Tool, number[]>;
  /** The send rate (probes/s) time estimates assume when the rate asked is unlimited or above it. */
  reachPps: number;
}

/** A rate above what masscan and zmap reach on this machine: "as fast as you can". */
export const ABOVE_REACH_PPS = 10_000_000;

/** The ports of a list like "22,1000-1018", in order. */
export function portsOf(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let p = a; p <= (b ?? a); p++) out.push(p);
  }
  return out;
}

function workload(
  name: string,
  title: string,
  ports: string,
  rest: Pick<Workload, 'portscanFlags' | 'rates'>,
): Workload {
  const portList = portsOf(ports);
  const probes = HOSTS * portList.length;
  return { name, title, hosts: NET, hostCount: HOSTS, ports, portList, probes, reachPps: 150_000, ...rest };
}

function ratesFrom(env: string | undefined, fallback: number[]): number[] {
  if (!env) return fallback;
  const xs = env
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((x) => Number.isInteger(x) && x >= 0);
  return xs.length ? xs : fallback;
}

/** five-ports' sweeps: BENCH_PORTSCAN_RATES, BENCH_MASSCAN_RATES, BENCH_ZMAP_RATES (0: unlimited, portscan only). */
export function sweepRates(env: NodeJS.ProcessEnv = process.env): Record<Tool, number[]> {
  return {
    portscan: ratesFrom(env.BENCH_PORTSCAN_RATES, [100000, 200000, 0]),
    masscan: ratesFrom(env.BENCH_MASSCAN_RATES, [100000, 150000, 200000, 300000]).filter((r) => r > 0),
    zmap: ratesFrom(env.BENCH_ZMAP_RATES, [100000, 200000, 300000]).filter((r) => r > 0),
  };
}

const flat = { portscan: [0], masscan: [ABOVE_REACH_PPS], zmap: [ABOVE_REACH_PPS] };

/** Every workload, in the order a run measures them. */
export function allWorkloads(env: NodeJS.ProcessEnv = process.env): Workload[] {
  const noRetries = ['--retries', '0'];
  return [
    workload('five-ports', 'the five-port sweep', '22,80,443,8080,31337', {
      portscanFlags: [],
      rates: sweepRates(env),
    }),
    workload('silent-1m', 'all silent, 1 M probes', '1000-1015', { portscanFlags: noRetries, rates: flat }),
    workload('silent-10m', 'all silent, 10 M probes', '1000-1159', {
      portscanFlags: noRetries,
      rates: { ...flat, zmap: [] },
    }),
    workload('mostly-silent', '95% silent, default retries', '22,1000-1018', { portscanFlags: [], rates: flat }),
    workload('mostly-closed', 'mostly closed, at 400 kpps', '22,80,443,3306,8080,31337,1-14', {
      portscanFlags: [],
      rates: { portscan: [400_000], masscan: [400_000], zmap: [400_000] },
    }),
  ];
}

/** The name that selects the one-host runs (every port of one host, after the workloads). */
export const ONE_HOST_NAME = 'one-host';
/** The name that selects the rate-hold runs (the asked rate per second, counted at the target: rate-hold.ts). */
export const RATE_HOLD_NAME = 'rate-hold';

/**
 * What BENCH_WORKLOADS names (everything when unset): the workloads, in the catalogue's order, and
 * whether the one-host runs come after them; throws on an unknown name.
 */
export function selectWorkloads(env: NodeJS.ProcessEnv = process.env): {
  workloads: Workload[];
  oneHost: boolean;
  rateHold: boolean;
} {
  const all = allWorkloads(env);
  const asked = (env.BENCH_WORKLOADS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (asked.length === 0) return { workloads: all, oneHost: true, rateHold: true };
  const known = [...all.map((w) => w.name), ONE_HOST_NAME, RATE_HOLD_NAME];
  const unknown = asked.filter((n) => !known.includes(n));
  if (unknown.length) throw new Error(`BENCH_WORKLOADS: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return {
    workloads: all.filter((w) => asked.includes(w.name)),
    oneHost: asked.includes(ONE_HOST_NAME),
    rateHold: asked.includes(RATE_HOLD_NAME),
  };
}

/** Seconds a run of `w` at `ratePps` (0: unlimited) should send for. */
export const sendEstimateS = (w: Workload, ratePps: number): number =>
  w.probes / (ratePps > 0 ? Math.min(ratePps, w.reachPps) : w.reachPps);

/** A workload as a runner gets it: with its answered probes (open + closed, `testbed truth`; null: unknown). */
export interface Job {
  w: Workload;
  answered: number | null;
  /** Where outputs go. */
  dir: string;
}
