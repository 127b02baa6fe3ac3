// SPDX-License-Identifier: MIT
// nmap-one-host.ts: nmap on bench:syn's one-host workload (issue 11's "deep" goal: every port of
// one host, exact with --full, in at most 0.15x `nmap -sS -T4 -p-`'s wall time). nmap -sS -T4
// -p- -n -Pn (no host discovery, no DNS: portscan does neither) on the same host, NMAP_RUNS
// times, inside the testbed under GNU time, its XML read for the open ports. Both tools' times are
// given two ways: spawn to exit (with `testbed run`'s own start-up, the same for both) and GNU
// time's elapsed, inside the namespace (the tool alone, from its exec to its exit).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { shownRun } from '../lib/testbed';
import { capped, overBudget } from './budget';
import { runInTestbed } from './proc';
import { ONE_HOST } from './workload';

const NMAP_RUNS = 3;

export interface NmapOneHost {
  command: string;
  runs: { wallSeconds: number; elapsedSeconds: number | null; open: number | null; exitCode: number | null }[];
  wallSeconds: number | null;
  elapsedSeconds: number | null;
  open: number | null;
  skipped?: string;
}

export const median = (xs: (number | null | undefined)[]): number | null => {
  const v = xs.filter((x): x is number => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? (v[Math.floor(v.length / 2)] as number) : null;
};

export async function runNmapOneHost(dir: string): Promise<NmapOneHost> {
  const out = join(dir, 'nmap-one-host.xml');
  const argv = ['nmap', '-sS', '-T4', '-p-', '-n', '-Pn', '-oX', out, ONE_HOST];
  const result: NmapOneHost = {
    command: shownRun(argv).replace(out, 'OUT'),
    runs: [],
    wallSeconds: null,
    elapsedSeconds: null,
    open: null,
  };
  for (let k = 0; k < NMAP_RUNS; k++) {
    const skipped = overBudget(15_000);
    if (skipped) {
      if (k === 0) return { ...result, skipped };
      break;
    }
    const p = await runInTestbed(argv, { timeoutMs: capped(120_000), stderrPath: `${out}.stderr` });
    const xml = existsSync(out) ? readFileSync(out, 'utf8') : '';
    const open = xml ? (xml.match(/<state state="open"/g) ?? []).length : null;
    result.runs.push({ wallSeconds: p.seconds, elapsedSeconds: p.elapsedS, open, exitCode: p.code });
  }
  result.wallSeconds = median(result.runs.map((r) => r.wallSeconds));
  result.elapsedSeconds = median(result.runs.map((r) => r.elapsedSeconds));
  result.open = result.runs[result.runs.length - 1]?.open ?? null;
  return result;
}

const fmt = (x: number | null | undefined): string => (typeof x === 'number' ? x.toFixed(2) : '?');
const ratio = (a: number | null | undefined, b: number | null | undefined): string =>
  typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(3)}x` : '?';

/** nmap's line, and portscan --full against it. */
export function nmapOneHostLines(
  n: NmapOneHost,
  full: { wallSeconds?: number; elapsedSeconds?: number | null },
): string[] {
  if (n.skipped) return [`  nmap -sS -T4 -p- on ${ONE_HOST}: ${n.skipped}`];
  return [
    `  nmap -sS -T4 -p- -n -Pn ${ONE_HOST}, ${n.runs.length} runs: ${n.open ?? '?'} open, median wall ` +
      `${fmt(n.wallSeconds)} s (inside the namespace ${fmt(n.elapsedSeconds)} s)`,
    `  portscan -p- --full / nmap -sS -T4 -p-: wall ${ratio(full.wallSeconds, n.wallSeconds)} ` +
      `(${fmt(full.wallSeconds)} vs ${fmt(n.wallSeconds)} s, each with \`testbed run\`'s start-up), inside the ` +
      `namespace ${ratio(full.elapsedSeconds, n.elapsedSeconds)} (${fmt(full.elapsedSeconds)} vs ` +
      `${fmt(n.elapsedSeconds)} s, process start to exit)`,
  ];
}
