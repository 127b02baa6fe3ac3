// SPDX-License-Identifier: MIT
// rate-hold.ts: bench:syn's "rate-hold" runs (issue 11: "within 5% of --rate per second at 100k,
// 200k and 400k pps whenever the machine can reach it, whatever share of probes is answered").
// portscan alone, --retries 0, at each rate of RATES on two plans sized to send for about
// SEND_S seconds: all silent (the /16 x ports of the testbed's silent range, dropped at the
// target) and all answered (the /16 x ports 2000 and up, closed everywhere on variant 0: every
// probe draws a RST). The SYNs are counted where they arrive: the target end of the veth's
// rx_packets (sysfs, inside the target namespace), sampled every 20 ms by a small sampler with
// its own monotonic clock. On these plans nothing else arrives there but an ARP request or two (no
// SYN-ACK, so no RST from the scanner's kernel); portscan's sentinels (~0.8% more SYNs on the
// answered plan) are counted: each takes a probe's place in the rate. The count at each whole
// second after the first packet is interpolated between the samples either side, and every whole
// second after the first is compared with the rate. A sampler is cheaper than a capture (tcpdump
// at 400 kpps takes a core of the two).
import { spawn } from 'node:child_process';
import { join } from 'node:path';

import { repoRoot } from '../lib/harness';
import { shownRun, TESTBED_PREFIX } from '../lib/testbed';
import { overBudget } from './budget';
import { runInTestbed } from './proc';
import { HOSTS, NET } from './workloads';

const RATES = [100_000, 200_000, 400_000];
const SEND_S = 8;
/** Within this share of the rate, a second holds it. */
const TOLERANCE = 0.05;
/** Packets that may arrive after the scan's own (ARP, neighbour discovery). */
const STRAY = 16;

export interface RateHoldRun {
  plan: 'silent' | 'answered';
  ratePps: number;
  probes: number;
  command: string;
  exitCode: number | null;
  /** SYNs that arrived in each whole second after the first packet (the first second included). */
  perSecond: number[];
  /** Whole seconds after the first, within TOLERANCE of the rate. */
  secondsWithin: number;
  secondsCounted: number;
  /** Lowest and highest of those seconds, as a share of the rate. */
  minShare: number | null;
  maxShare: number | null;
  arrived: number;
  cpuS: number | null;
  skipped?: string;
}

/** The sampler: prints "monotonic_s rx_packets" every 20 ms until stdin closes. */
const SAMPLER = [
  'import sys, time, select',
  "p = '/sys/class/net/t0/statistics/rx_packets'",
  'while True:',
  '    t = time.monotonic()',
  '    with open(p) as f: n = f.read().strip()',
  "    sys.stdout.write(f'{t:.6f} {n}\\n'); sys.stdout.flush()",
  '    r, _, _ = select.select([sys.stdin], [], [], 0.02)',
  '    if r and not sys.stdin.read(1): break',
].join('\n');

interface Sample {
  t: number;
  n: number;
}

function startSampler(): { stop: () => Promise<Sample[]> } {
  const child = spawn('ip', ['netns', 'exec', `${TESTBED_PREFIX}-tgt`, 'python3', '-c', SAMPLER], {
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    text += d;
  });
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    stop: async () => {
      child.stdin.end();
      await closed;
      return text
        .split('\n')
        .map((l) => l.split(' ').map(Number))
        .filter((xs) => xs.length === 2 && xs.every(Number.isFinite))
        .map(([t, n]) => ({ t: t as number, n: n as number }));
    },
  };
}

/** The count at time `t`, interpolated between the samples either side. */
function countAt(samples: Sample[], t: number): number {
  let k = 1;
  while (k < samples.length - 1 && (samples[k] as Sample).t < t) k++;
  const a = samples[k - 1] as Sample;
  const b = samples[k] as Sample;
  if (b.t <= a.t) return b.n;
  const f = Math.min(1, Math.max(0, (t - a.t) / (b.t - a.t)));
  return a.n + f * (b.n - a.n);
}

/** Per whole second from the first packet: arrivals in it. */
export function perSecondFrom(samples: Sample[]): number[] {
  if (samples.length < 2) return [];
  const base = (samples[0] as Sample).n;
  const firstIdx = samples.findIndex((s) => s.n > base);
  if (firstIdx < 1) return [];
  const t0 = (samples[firstIdx - 1] as Sample).t; // the first packet came after this sample
  // The end: when all but a few had arrived (a lone ARP request can come seconds later).
  const final = (samples[samples.length - 1] as Sample).n;
  const tEnd = (samples.find((s) => s.n >= final - STRAY) as Sample).t;
  const out: number[] = [];
  for (let s = 0; t0 + s + 1 <= tEnd; s++) {
    out.push(Math.round(countAt(samples, t0 + s + 1) - countAt(samples, t0 + s)));
  }
  return out;
}

function planPorts(plan: 'silent' | 'answered', ratePps: number): { ports: string; probes: number } {
  const n = Math.ceil((ratePps * SEND_S) / HOSTS);
  const first = plan === 'silent' ? 1000 : 2000;
  return { ports: `${first}-${first + n - 1}`, probes: n * HOSTS };
}

async function one(dir: string, plan: 'silent' | 'answered', ratePps: number): Promise<RateHoldRun> {
  const { ports, probes } = planPorts(plan, ratePps);
  const out = join(dir, `rate-hold-${plan}-${ratePps}.ndjson`);
  const argv = [process.execPath, join(repoRoot(), 'bin', 'portscan.js'), '-q', '--mode', 'syn'];
  argv.push('--rate', String(ratePps), '--retries', '0', '-p', ports, '-f', 'ndjson', '-o', out, NET);
  const run: RateHoldRun = {
    plan,
    ratePps,
    probes,
    command: shownRun(argv).replace(out, 'OUT'),
    exitCode: null,
    perSecond: [],
    secondsWithin: 0,
    secondsCounted: 0,
    minShare: null,
    maxShare: null,
    arrived: 0,
    cpuS: null,
  };
  run.skipped = overBudget((SEND_S + 6) * 1000);
  if (run.skipped) return run;
  const sampler = startSampler();
  await new Promise((r) => setTimeout(r, 300)); // its first samples: the count before
  const p = await runInTestbed(argv, { timeoutMs: (SEND_S * 4 + 30) * 1000, stderrPath: `${out}.stderr` });
  await new Promise((r) => setTimeout(r, 300));
  const samples = await sampler.stop();
  run.exitCode = p.code;
  run.cpuS = p.cpuS;
  run.perSecond = perSecondFrom(samples);
  if (samples.length >= 2) run.arrived = (samples[samples.length - 1] as Sample).n - (samples[0] as Sample).n;
  const counted = run.perSecond.slice(1);
  run.secondsCounted = counted.length;
  run.secondsWithin = counted.filter((n) => Math.abs(n - ratePps) <= ratePps * TOLERANCE).length;
  if (counted.length) {
    run.minShare = Math.min(...counted) / ratePps;
    run.maxShare = Math.max(...counted) / ratePps;
  }
  return run;
}

/** Every plan at every rate, in turn. */
export async function runRateHold(dir: string): Promise<RateHoldRun[]> {
  const runs: RateHoldRun[] = [];
  for (const ratePps of RATES)
    for (const plan of ['silent', 'answered'] as const) {
      const r = await one(dir, plan, ratePps);
      console.log(rateHoldLine(r));
      runs.push(r);
    }
  return runs;
}

const pct = (x: number | null): string => (x === null ? '?' : `${(x * 100).toFixed(1)}%`);

export function rateHoldLine(r: RateHoldRun): string {
  const head = `  rate-hold ${r.plan.padEnd(8)} --rate ${String(r.ratePps / 1000).padStart(3)}k`;
  if (r.skipped) return `${head}: ${r.skipped}`;
  return (
    `${head} (${r.probes} probes): ${r.secondsWithin} of ${r.secondsCounted} whole seconds after the first ` +
    `within ${TOLERANCE * 100}% (lowest ${pct(r.minShare)}, highest ${pct(r.maxShare)} of the rate), ` +
    `${r.arrived} SYNs arrived, CPU ${r.cpuS === null ? '?' : r.cpuS.toFixed(2)} s, exit ${r.exitCode}`
  );
}
