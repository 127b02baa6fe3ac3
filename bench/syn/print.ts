// SPDX-License-Identifier: MIT
// print.ts: what bench:syn prints: a line per run as it finishes; per workload the table of its
// runs (send rate, wall, recall, packets sent, CPU per probe, per answered probe and per packet
// sent) and a line
// per peer comparing portscan with it (the ratios); a line per one-host workload; and portscan's
// failures with what `testbed verify` said about them.
import { formatRate, table } from '../lib/harness';
import { ratio, type Comparison } from './compare';
import { ONE_HOST, type Run } from './workload';

export const fmt = (x: number | null, digits = 2): string =>
  x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits);
export const rateName = (r: Run): string => (r.rate === 0 ? 'unlimited' : formatRate(r.rate));

/** A run in one line, as it finishes. */
export function runLine(run: Run): string {
  const v = run.verify;
  const what = run.skipped
    ? run.skipped
    : `${run.seconds === null ? '-' : run.seconds.toFixed(2).padStart(6)} s  ` +
      (v
        ? `found ${v.found_open}, missed ${v.missed_open}, false ${v.false_open}, recall ${v.recall.toFixed(4)}`
        : 'no verify') +
      (run.error ? `  ERROR ${run.error}` : '');
  const cpu = run.cpu ? `, CPU ${fmt(run.cpu.usPerProbe)} us/probe` : '';
  return `  ${run.workload} ${run.tool.padEnd(8)} rate ${String(run.rate || 'unlimited').padStart(9)}  ${what}${cpu}`;
}

const count = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : String(x));

/** Runs, a row each (one workload's: the probes per wall second and per-probe figures are its). */
export function runsTable(runs: Run[]): string {
  const rows = runs.map((r) => [
    r.tool,
    rateName(r),
    r.skipped ? 'skipped' : r.error && r.seconds === null ? 'failed' : fmt(r.seconds),
    fmt(r.sendSeconds),
    r.ownPps === null ? '-' : formatRate(r.ownPps),
    r.probesPerWall === null ? '-' : formatRate(r.probesPerWall),
    count(r.sent),
    count(r.verify?.found_open),
    count(r.verify?.missed_open),
    count(r.verify?.false_open),
    r.verify ? r.verify.recall.toFixed(4) : '-',
    fmt(r.cpu?.cpuS ?? null),
    fmt(r.cpu?.usPerProbe ?? null),
    fmt(r.cpu?.usPerAnswered ?? null),
    fmt(r.cpu?.usPerSent ?? null),
    r.error ? `ERROR: ${r.error}` : '',
  ]);
  const header = ['tool', 'rate', 'wall s', 'send s', 'send pps', 'probes/wall', 'sent', 'found open', 'missed'];
  const right = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  return table([...header, 'false', 'recall', 'CPU s', 'us/probe', 'us/answered', 'us/sent', ''], rows, right);
}

/** portscan against one peer, in one line. */
export function comparisonLine(c: Comparison): string {
  const { peer, ourBest, ourBestOwn, bestWall, bestOwn } = c;
  if (!ourBest) return `  portscan vs ${peer}: - (no portscan run reached recall 1.0)`;
  if (!bestWall) return `  portscan vs ${peer}: - (no ${peer} run finished)`;
  const ours =
    `${formatRate(ourBest.probesPerWall as number)} probes/s ` +
    `(rate ${rateName(ourBest)}, ${fmt(ourBest.seconds)} s)`;
  const theirs =
    `${formatRate(bestWall.probesPerWall as number)} probes/s (rate ${rateName(bestWall)}, ` +
    `${fmt(bestWall.seconds)} s, recall ${bestWall.verify?.recall.toFixed(4)})`;
  const own =
    bestOwn && c.ratioOwn !== null
      ? `; against ${peer}'s own send rate (${formatRate(bestOwn.ownPps as number)} pps at rate ` +
        `${rateName(bestOwn)}, recall ${bestOwn.verify?.recall.toFixed(4)}): ${fmt(c.ratioOwn)}x`
      : '';
  const ownToOwn =
    ourBestOwn && bestOwn && c.ratioOwnToOwn !== null
      ? `; send rate against send rate (portscan ${formatRate(ourBestOwn.ownPps as number)} pps at rate ` +
        `${rateName(ourBestOwn)}): ${fmt(c.ratioOwnToOwn)}x`
      : '';
  return `  portscan best with recall 1.0: ${ours} vs ${peer} best: ${theirs}: ratio ${fmt(c.ratio)}x` + own + ownToOwn;
}

/**
 * portscan over one peer in one short line: send rate over send rate (the runs with the best
 * send rates), wall time over wall time (the fastest exact portscan run, the peer's fastest run)
 * and CPU per probe over CPU per probe (the best-send-rate runs).
 */
export function ratiosLine(c: Comparison): string {
  const { peer, ourBest, ourBestOwn, bestWall, bestOwn } = c;
  if (!bestWall && !bestOwn) return `  portscan/${peer}: - (no ${peer} run finished)`;
  const pair = (a: string, b: string): string => (a === '-' && b === '-' ? '' : ` (${a} vs ${b})`);
  const pps = (r: Run | null): string => (r?.ownPps ? formatRate(r.ownPps) : '-');
  const wall = ratio(ourBest?.seconds, bestWall?.seconds);
  const us = (r: Run | null): string => fmt(r?.cpu?.usPerProbe ?? null);
  const recall = bestWall?.verify ? `, ${peer} recall ${bestWall.verify.recall.toFixed(4)}` : '';
  return (
    `  portscan/${peer}: send rate ${fmt(c.ratioOwnToOwn)}x${pair(pps(ourBestOwn), pps(bestOwn))}, ` +
    `wall ${fmt(wall)}x${pair(fmt(ourBest?.seconds ?? null), fmt(bestWall?.seconds ?? null))}${recall}, ` +
    `CPU per probe ${fmt(c.cpuRatio)}x${pair(us(ourBestOwn), us(bestOwn))} us` +
    (ourBest ? '' : ' (no portscan run exact: wall not compared)')
  );
}

/** What runOneHost returns, as far as it is printed. */
export interface OneHost {
  ok?: boolean;
  wallSeconds?: number;
  elapsedSeconds?: number | null;
  ownSeconds?: number | null;
  ownMin?: number | null;
  ownMax?: number | null;
  open?: number | null;
  probed?: number | null;
  verify?: unknown;
  skipped?: string;
  runs?: unknown[];
  exact?: number;
}

/** A one-host workload (with --full or not) in one line. */
export function oneHostLine(full: boolean, o: OneHost): string {
  const what = full ? '-p- --full' : '-p- (open ports listed, every state counted)';
  const check = full ? 'verify --strict-closed' : 'verify';
  if (o.skipped) return `  one host, every port, ${what}: ${o.skipped}`;
  const n = o.runs?.length ?? 0;
  return (
    `  one host, every port (${ONE_HOST}, ${what}, rate unlimited), ${n} runs: ` +
    `${o.open ?? '?'} open of ${o.probed ?? '?'} probed, ` +
    `median ${fmt(o.ownSeconds ?? null)} s (${fmt(o.ownMin ?? null)}-${fmt(o.ownMax ?? null)}, its own figure; ` +
    `median wall ${fmt(o.wallSeconds ?? null)} s); ` +
    `${check} exact in ${o.exact ?? 0} of ${n}${o.ok ? '' : `: FAILED ${JSON.stringify(o.verify)}`}`
  );
}

/** A failed portscan run: its command, its error and verify's verdict and examples. */
export function failureLines(r: Run): string[] {
  const lines = [
    `  portscan FAILED at rate ${rateName(r)}: ${r.command}\n    ${r.error ?? ''} verify: ${JSON.stringify(r.verify)}`,
  ];
  const examples = r.details.verifyExamples as string[] | undefined;
  if (examples?.length) lines.push(`    verify says: ${examples.join('; ')}`);
  return lines;
}
