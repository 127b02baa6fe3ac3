// SPDX-License-Identifier: MIT
// index.ts: runs the benchmark suites (bench/suites/*.bench.ts, compiled to
// dist/bench/suites/*.bench.js), each in a fresh child process so that JIT warmth and GC debt
// from one suite cannot bias the next. Prints each suite's table as it runs, then one summary,
// and writes the numbers to bench/results/bench.json (gitignored).
//
//   npm run bench               every suite
//   npm run bench -- parse      the suites whose name contains "parse" (several names allowed)
//
// Benchmarks are never tests: nothing here fails on a slow number, only on a suite that crashes.
import { fork } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeMachine, formatRate, machineInfo, repoRoot, table, type SuiteReport } from './lib/harness';

const SUFFIX = '.bench.js';

function runSuite(file: string): Promise<{ code: number; report: SuiteReport | undefined }> {
  return new Promise((resolvePromise) => {
    let report: SuiteReport | undefined;
    const child = fork(file, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (msg: { type?: string; report?: SuiteReport }) => {
      if (msg?.type === 'report') report = msg.report;
    });
    child.on('exit', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), report }));
  });
}

async function main(argv: string[]): Promise<number> {
  const dir = join(__dirname, 'suites');
  const all = readdirSync(dir)
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length))
    .sort();
  const filters = argv.map((a) => a.toLowerCase()).filter((a) => a.length > 0);
  const chosen = filters.length === 0 ? all : all.filter((n) => filters.some((f) => n.toLowerCase().includes(f)));
  if (chosen.length === 0) {
    console.error(`bench: no suite matches ${argv.join(' ')}; suites: ${all.join(', ')}`);
    return 2;
  }
  const machine = machineInfo();
  console.log(`portscan benchmarks: ${chosen.join(', ')}`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(
    'ratio = ops/s of the case / ops/s of its reference, measured in the same process; compare ratios between runs',
  );

  const reports: SuiteReport[] = [];
  const failed: string[] = [];
  for (const name of chosen) {
    const { code, report } = await runSuite(join(dir, `${name}${SUFFIX}`));
    if (report) reports.push(report);
    if (code !== 0 || !report) failed.push(`${name} (exit ${code})`);
  }

  const rows = reports.flatMap((rep) =>
    rep.results.map((r) => [
      rep.suite,
      r.reference ? `[ref] ${r.name}` : r.name,
      r.error ? 'ERROR' : formatRate(r.hz),
      r.perOp === 1 ? '' : `${formatRate(r.itemsPerSec)} ${r.unit}/s`,
      r.reference || r.ratio === null ? '' : `${r.ratio.toFixed(r.ratio < 0.1 ? 4 : 2)}x`,
    ]),
  );
  console.log(`\n# summary (${describeMachine(machine)})`);
  console.log(table(['suite', 'case', 'ops/s', 'items/s', 'vs ref'], rows, [2, 3, 4]));

  const outDir = join(repoRoot(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, 'bench.json');
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), machine, suites: reports }, null, 2)}\n`);
  console.log(`\nwritten: ${out}`);
  if (failed.length > 0) {
    console.error(`bench: failed: ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
