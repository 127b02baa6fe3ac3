// SPDX-License-Identifier: MIT
// verdict.ts: what bench:nmap concludes from its runs: whether every run found the same thing,
// whether portscan's output passed `testbed verify --strict-closed`, whether the results match the
// testbed's truth, each tool's median wall time (successful runs only: a command that failed
// early is not fast) and their ratio. Also the table and the lines that say so.
import { median, table } from '../lib/harness';
import type { TestbedTruth } from '../lib/testbed-report';
import { sameFound } from './found';
import { RUNS, type Run, type Tool } from './runs';

export interface Verdict {
  ours: Run[];
  theirs: Run[];
  identical: boolean;
  verified: boolean;
  matchesTruth: boolean;
  medOurs: number;
  medNmap: number;
  ratio: number;
}

export function verdictOf(runs: Run[], truth: TestbedTruth | null): Verdict {
  const ours = runs.filter((r) => r.tool === 'portscan');
  const theirs = runs.filter((r) => r.tool === 'nmap');
  const reference = runs[0]?.found ?? null;
  const identical =
    reference !== null && runs.every((r) => !r.error && r.found !== null && sameFound(r.found, reference));
  const matchesTruth =
    truth !== null &&
    reference !== null &&
    reference.open.length === truth.open &&
    reference.closed === truth.closed &&
    reference.filtered === truth.filtered;
  const good = (rs: Run[]): number[] => rs.filter((r) => !r.error).map((r) => r.seconds);
  const medOurs = good(ours).length ? median(good(ours)) : NaN;
  const medNmap = good(theirs).length ? median(good(theirs)) : NaN;
  const verified = ours.every((r) => r.verify?.ok === true);
  return { ours, theirs, identical, verified, matchesTruth, medOurs, medNmap, ratio: medOurs / medNmap };
}

export const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : '-');

/** A tool's row: each run's seconds, the median, and what its first run found. */
function row(tool: Tool, rs: Run[], med: number): string[] {
  const f = rs[0]?.found ?? null;
  return [
    tool,
    ...rs.map((r) => (r.error ? `(${fmt(r.seconds)} failed)` : fmt(r.seconds))),
    fmt(med),
    f ? f.open.join(',') || '-' : '?',
    f ? String(f.closed) : '?',
    f ? String(f.filtered) : '?',
  ];
}

/** The table, then the verdict's lines. */
export function printVerdict(v: Verdict, runs: Run[], truth: TestbedTruth | null, overheadS: number): void {
  const header = ['tool', ...Array.from({ length: RUNS }, (_, i) => `run ${i + 1} s`)];
  header.push('median s', 'open', 'closed', 'filtered');
  const right = Array.from({ length: RUNS + 1 }, (_, i) => i + 1).concat([RUNS + 3, RUNS + 4]);
  console.log(table(header, [row('portscan', v.ours, v.medOurs), row('nmap', v.theirs, v.medNmap)], right));
  console.log('');
  console.log(
    Number.isFinite(v.ratio)
      ? `  ratio ours/nmap (median wall time): ${v.ratio.toFixed(3)}  (nmap/ours: ${(1 / v.ratio).toFixed(2)}x)`
      : '  ratio ours/nmap: - (a tool has no successful run)',
  );
  console.log(`  identical results (all ${runs.length} runs): ${v.identical ? 'yes' : 'NO'}`);
  const passed = v.ours.filter((r) => r.verify?.ok).length;
  console.log(
    `  portscan output passes testbed verify --strict-closed: ${v.verified ? 'yes' : 'NO'} ` +
      `(${passed}/${v.ours.length})`,
  );
  if (truth) console.log(`  matches testbed truth: ${v.matchesTruth ? 'yes' : 'NO'}`);
  const nmapOwn = v.theirs.map((r) => r.nmapElapsed).filter((x): x is number => x !== undefined);
  if (nmapOwn.length) console.log(`  nmap's own elapsed (XML): ${nmapOwn.map(fmt).join(', ')} s`);
  console.log(
    `  testbed run overhead (\`testbed run true\`, median of 3): ${overheadS.toFixed(3)} s, included in both`,
  );
}
