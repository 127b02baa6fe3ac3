// SPDX-License-Identifier: MIT
// check.ts: `npm run bench:check`, the regression guard for the hot paths. It runs the suites
// with bench/index.ts (each in its own process; that writes bench/results/bench.json) and compares
// every case's ratio to its reference loop, measured in the same process and minute, with the
// ratio recorded in bench/baseline.json. Ratios, not ops/s: on this shared machine absolute
// speeds drift by tens of percent from one minute to the next, while a case and its reference
// drift together. A case fails when its ratio falls below TOLERANCE x its baseline ratio (a
// slowdown of more than 40% relative to its reference); a case that errors fails too. Cases
// new since the baseline, or gone from it, are listed but do not fail.
//
//   npm run bench:check                  every suite against bench/baseline.json
//   npm run bench:check -- parse plan    some suites
//   npm run bench:check -- --record      run every suite 3 times, write the medians to bench/baseline.json
//   npm run bench:check -- --runs 3      compare the median of 3 runs (fewer false alarms, 3x the time)
//
// Environment: BENCH_MAX_TIME (seconds per case, passed to the suites; default 4),
// BENCH_TOLERANCE (default 0.6).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeMachine, median, repoRoot, table, type MachineInfo, type SuiteReport } from './lib/harness';

const TOLERANCE = Number(process.env.BENCH_TOLERANCE) > 0 ? Number(process.env.BENCH_TOLERANCE) : 0.6;

interface Baseline {
  recorded: string;
  machine: MachineInfo;
  tolerance: number;
  note: string;
  /** "suite / case" -> ratio of the case to its reference. */
  ratios: Record<string, number>;
}

function key(suite: string, name: string): string {
  return `${suite} / ${name}`;
}

function ratiosOf(suites: SuiteReport[]): { ratios: Record<string, number>; errors: string[] } {
  const ratios: Record<string, number> = {};
  const errors: string[] = [];
  for (const s of suites) {
    for (const r of s.results) {
      if (r.error) errors.push(`${key(s.suite, r.name)}: ${r.error}`);
      else if (!r.reference && r.ratio !== null) ratios[key(s.suite, r.name)] = r.ratio;
    }
  }
  return { ratios, errors };
}

type Results = { date: string; machine: MachineInfo; suites: SuiteReport[] };

/** Runs the suites `runs` times; the last run's results and each case's median ratio (null: a run failed). */
function runSuites(
  runs: number,
  names: string[],
): { results: Results; ratios: Record<string, number>; errors: string[] } | null {
  const root = repoRoot();
  let results: Results | undefined;
  const samples: Record<string, number[]> = {};
  const errors: string[] = [];
  for (let i = 1; i <= runs; i++) {
    if (runs > 1) console.log(`\n# bench:check: run ${i} of ${runs}`);
    const run = spawnSync(process.execPath, [join(__dirname, 'index.js'), ...names], { stdio: 'inherit', cwd: root });
    if (run.status !== 0) {
      console.error(`bench:check: the suites failed (exit ${String(run.status ?? run.signal)})`);
      return null;
    }
    results = JSON.parse(readFileSync(join(root, 'bench', 'results', 'bench.json'), 'utf8')) as Results;
    const one = ratiosOf(results.suites);
    errors.push(...one.errors);
    for (const [k, r] of Object.entries(one.ratios)) (samples[k] ??= []).push(r);
  }
  if (!results) return null;
  return { results, ratios: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])), errors };
}

/** --record: writes the medians as the new baseline. */
function record(baselinePath: string, runs: number, results: Results, ratios: Record<string, number>): void {
  const baseline: Baseline = {
    recorded: results.date,
    machine: results.machine,
    tolerance: TOLERANCE,
    note:
      'ratio = ops/s of the case / ops/s of its reference loop, same process; ' +
      `median of ${runs} run(s); bench:check fails below tolerance x ratio`,
    ratios,
  };
  writeFileSync(baselinePath, `${JSON.stringify(baseline, null, 2)}\n`);
  console.log(`\nbench:check: baseline written: ${baselinePath} (${Object.keys(ratios).length} cases)`);
}

/** Each case against the baseline: the table's rows, and the cases that failed. */
function against(base: Baseline, ratios: Record<string, number>, errors: string[]) {
  const rows: string[][] = [];
  const failed: string[] = [...errors];
  for (const [k, ratio] of Object.entries(ratios)) {
    const was = base.ratios[k];
    if (was === undefined) {
      rows.push([k, '-', ratio.toFixed(4), '-', 'new (no baseline)']);
      continue;
    }
    const rel = ratio / was;
    const verdict = rel < TOLERANCE ? 'REGRESSION' : rel > 1 / TOLERANCE ? 'faster (refresh the baseline?)' : 'ok';
    if (rel < TOLERANCE) failed.push(`${k}: ${ratio.toFixed(4)} vs baseline ${was.toFixed(4)} (${rel.toFixed(2)}x)`);
    rows.push([k, was.toFixed(4), ratio.toFixed(4), `${rel.toFixed(2)}x`, verdict]);
  }
  return { rows, failed };
}

/** Compares the run with the baseline and prints the verdict; the exit code. */
function compare(
  baselinePath: string,
  runs: number,
  results: Results,
  now: { ratios: Record<string, number>; errors: string[] },
): number {
  const base = JSON.parse(readFileSync(baselinePath, 'utf8')) as Baseline;
  const { rows, failed } = against(base, now.ratios, now.errors);
  const suitesRun = new Set(results.suites.map((s) => s.suite));
  const gone = Object.keys(base.ratios).filter(
    (k) => suitesRun.has(k.split(' / ')[0] as string) && now.ratios[k] === undefined,
  );
  console.log(`\n# bench:check against ${baselinePath}`);
  console.log(`baseline: ${base.recorded}, ${describeMachine(base.machine)}`);
  console.log(`this run: ${results.date}, ${describeMachine(results.machine)}`);
  console.log(
    `fails when a case's ratio to its reference (median of ${runs} run(s)) drops below ${TOLERANCE} x ` +
      'its baseline ratio',
  );
  console.log(table(['case', 'baseline', 'now', 'now/base', 'verdict'], rows, [1, 2, 3]));
  for (const k of gone) console.log(`  not measured now (in the baseline): ${k}`);
  if (failed.length) {
    console.error(`\nbench:check: FAILED: ${failed.length} case(s)\n${failed.map((f) => `  ${f}`).join('\n')}`);
    return 1;
  }
  console.log(`\nbench:check: ok (${rows.length} cases)`);
  return 0;
}

function main(argv: string[]): number {
  const recording = argv.includes('--record');
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : recording ? 3 : 1;
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`bench:check: --runs expects a whole number of at least 1, got '${String(argv[runsAt + 1])}'`);
    return 2;
  }
  const names = argv.filter((a, i) => !a.startsWith('--') && !(runsAt >= 0 && i === runsAt + 1));
  if (recording && names.length > 0) {
    console.error('bench:check: --record runs every suite; give no suite names with it');
    return 2;
  }
  const baselinePath = join(repoRoot(), 'bench', 'baseline.json');
  if (!recording && !existsSync(baselinePath)) {
    console.error(`bench:check: no baseline at ${baselinePath}: record one with npm run bench:check -- --record`);
    return 2;
  }
  const now = runSuites(runs, names);
  if (!now) return 1;
  if (!recording) return compare(baselinePath, runs, now.results, now);
  record(baselinePath, runs, now.results, now.ratios);
  return now.errors.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
