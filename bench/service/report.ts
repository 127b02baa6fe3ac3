// SPDX-License-Identifier: MIT
// report.ts: bench:service's verdict: identified ports per second of each tool and their ratio,
// whether both named every open port alike, the scan's own rate and exactness with and without
// -sV, printed as tables and written to bench/results/service.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { machineInfo, median, repoRoot, table } from '../lib/harness';
import type { Names, Timed } from './runs';
import type { ScanTiming } from './scan-timing';

/** One portscan -sV run of the identification workload. */
export interface IdRun extends Timed {
  names: Names;
  probed: number;
  exact: boolean;
}

/** One timed library scan of the rate workload. */
export interface ScanRow extends ScanTiming {
  mode: 'syn' | 'connect';
  /** --rate (0: unlimited). */
  ratePps: number;
  sv: boolean;
  run: number;
  rate: number;
  exact: boolean;
  verdict: unknown;
}

export interface BenchReport {
  prefix: string;
  hosts: string;
  idPorts: string;
  scanPorts: string;
  open: number;
  ours: IdRun[];
  nmap: Timed & { names: Names };
  scans: ScanRow[];
  load: { before: string; after: string };
}

export const countProbed = (names: Names): number => [...names.values()].filter((n) => n.probed).length;

/** The pairs both named, and those they named differently (first few). */
function agreement(ours: Names, nmap: Names): { same: number; both: number; differ: string[] } {
  let same = 0;
  let both = 0;
  const differ: string[] = [];
  for (const [key, o] of ours) {
    const n = nmap.get(key);
    if (!n) continue;
    both++;
    if (n.name === o.name) same++;
    else if (differ.length < 5) differ.push(`${key}: ${o.name} vs nmap ${n.name}`);
  }
  return { same, both, differ };
}

function rateRow(scans: ScanRow[], mode: 'syn' | 'connect', ratePps: number): string[] {
  const mine = scans.filter((s) => s.mode === mode && s.ratePps === ratePps);
  const rate = (sv: boolean): number => median(mine.filter((s) => s.sv === sv).map((s) => s.rate));
  const share = `${((rate(true) / rate(false)) * 100).toFixed(1)}%`;
  const exact = mine.every((s) => s.exact) ? 'yes' : 'NO';
  return [mode, String(ratePps), Math.round(rate(false)).toString(), Math.round(rate(true)).toString(), share, exact];
}

/** Prints the verdict, writes bench/results/service.json; true when names agree and every scan was exact. */
export function report(r: BenchReport): boolean {
  const oursRate = median(r.ours.map((o) => o.probed / o.seconds));
  const nmapProbed = countProbed(r.nmap.names);
  const nmapRate = nmapProbed / r.nmap.seconds;
  const agree = agreement(r.ours[0]?.names ?? new Map(), r.nmap.names);
  const oursSeconds = median(r.ours.map((o) => o.seconds));
  console.log(`\nIdentification, ${r.hosts} x ${r.idPorts} (${r.open} open ports, all answering):`);
  console.log(
    table(
      ['tool', 'seconds', 'identified', 'identified/s'],
      [
        [`portscan -sV (median of ${r.ours.length})`, oursSeconds.toFixed(2), String(r.ours[0]?.probed ?? 0)],
        ['nmap -sV', r.nmap.seconds.toFixed(2), String(nmapProbed)],
      ].map((row, i) => [...row, (i === 0 ? oursRate : nmapRate).toFixed(1)]),
      [1, 2, 3],
    ),
  );
  const differ = agree.differ.length ? `; differ: ${agree.differ.join('; ')}` : '';
  console.log(`  ratio ${(oursRate / nmapRate).toFixed(1)}x nmap (goal >= 10x)`);
  console.log(`  names agree on ${agree.same} of ${agree.both} open ports${differ}`);
  console.log(`\nThe scan itself, ${r.hosts} x ${r.scanPorts}, pairs/s to the last final state (median):`);
  const cases = [...new Map(r.scans.map((s) => [`${s.mode} ${s.ratePps}`, s])).values()];
  const rows = cases.map((s) => rateRow(r.scans, s.mode, s.ratePps));
  console.log(table(['mode', '--rate', 'without -sV', 'with -sV', 'with/without', 'all exact'], rows, [1, 2, 3, 4]));
  console.log("  (--rate 0: unlimited. At a fixed --rate each identification connection takes one probe's");
  console.log('  place, so -sV slows the probes by design, by the share of identification connections.)');
  console.log(`\nload (1, 5, 15 min) before ${r.load.before}, after ${r.load.after}`);
  console.log(`commands: ${r.ours[0]?.command ?? ''}\n          ${r.nmap.command}`);

  const resultsDir = join(repoRoot(), 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    machine: machineInfo(),
    load: r.load,
    testbedPrefix: r.prefix,
    hosts: r.hosts,
    identification: {
      ports: r.idPorts,
      open: r.open,
      portscan: r.ours.map((o) => ({ command: o.command, seconds: o.seconds, probed: o.probed, exact: o.exact })),
      nmap: { command: r.nmap.command, seconds: r.nmap.seconds, probed: nmapProbed, open: r.nmap.names.size },
      ratio: oursRate / nmapRate,
      agreement: agree,
    },
    scan: { ports: r.scanPorts, runs: r.scans },
  };
  writeFileSync(join(resultsDir, 'service.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log('wrote bench/results/service.json');
  return agree.same === agree.both && r.ours.every((o) => o.exact) && r.scans.every((s) => s.exact);
}
