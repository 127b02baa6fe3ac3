// SPDX-License-Identifier: MIT
// connect-vs-nmap.ts: portscan's connect mode against nmap's (-sT) on every port of one testbed
// host, 198.18.0.1, both run inside the testbed's scanner namespace, which can reach the testbed
// ranges and nothing else. Runs the two commands alternately, three times each, times each whole
// command (process start to exit, wall clock), checks that every run found the same thing (same
// open ports, same closed and filtered counts) and that portscan's output passes
// `testbed verify --strict-closed`, prints a table and writes bench/results/connect-vs-nmap.json.
// Exits 1 when the results differ or a command fails, 2 when it cannot run (not root, no testbed,
// no nmap). Needs root and the testbed up:
//
//   ../shared/testbed/testbed up && npm run bench:nmap
//
// The testbed is shared: when it is rebuilt (`testbed up`) while a command runs, that run is
// repeated (up to 3 times), so a rebuild is never mistaken for a wrong result. To keep others'
// rebuilds away altogether, use a testbed of one's own:
//
//   TESTBED_PREFIX=pbench ../shared/testbed/testbed up && TESTBED_PREFIX=pbench npm run bench:nmap
//
// Environment: TESTBED (path of the testbed command), TESTBED_PREFIX (which testbed; passed on
// to it), BENCH_RUNS (runs of each tool, default 3).
//
// The parts, in bench/nmap/: runs.ts (the commands, running and reading them), found.ts (what a
// run found), verdict.ts (the comparison, the table). nmap's command line and XML reader are the
// shared peers module's (lib/bench/peers/nmap.ts), which `portscan bench --peers` uses too.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { peerVersion } from '../lib/bench/peers/version';
import { fail } from './lib/commands';
import { describeMachine, machineInfo, repoRoot } from './lib/harness';
import { requireTestbed, runOverheadS, TESTBED, TESTBED_PREFIX, testbedIdentity, testbedTruth } from './lib/testbed';
import type { TestbedTruth } from './lib/testbed-report';
import { describeFound } from './nmap/found';
import { COMMANDS, NAME, PORTS, RUNS, runOnce, TARGET, type Run } from './nmap/runs';
import { printVerdict, verdictOf, type Verdict } from './nmap/verdict';

/** The two commands as a user would type them, `testbed` being the testbed command. */
const shown = (testbed: string): Record<'portscan' | 'nmap', string> => ({
  portscan: `${testbed} run node bin/portscan.js ${COMMANDS.portscan('OUT').slice(2).join(' ')}`,
  nmap: `${testbed} run ${COMMANDS.nmap('OUT2').join(' ')}`,
});

/** The runs, the tools alternating, each run's line printed as it ends. */
function runAll(dir: string): Run[] {
  const runs: Run[] = [];
  let identity = testbedIdentity();
  for (let i = 1; i <= RUNS; i++) {
    for (const tool of ['portscan', 'nmap'] as const) {
      const run = runOnce(dir, tool, i, identity);
      identity = testbedIdentity();
      runs.push(run);
      const verify = run.verify ? `; verify ${run.verify.ok ? 'ok' : 'FAILED'}` : '';
      const what = run.error ? `ERROR ${run.error}` : describeFound(run.found);
      console.log(`  run ${i} ${tool.padEnd(8)} ${run.seconds.toFixed(2).padStart(6)} s  ${what}${verify}`);
    }
  }
  return runs;
}

interface Context {
  machine: ReturnType<typeof machineInfo> & { nmap: string };
  truth: TestbedTruth | null;
  overheadS: number;
}

function writeResults(c: Context, runs: Run[], v: Verdict): string {
  const resultsDir = join(repoRoot(), 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, 'connect-vs-nmap.json');
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  const json = {
    date: new Date().toISOString(),
    machine: c.machine,
    testbedPrefix: TESTBED_PREFIX,
    target: TARGET,
    ports: PORTS,
    commands: shown(TESTBED),
    testbedRunOverheadSeconds: c.overheadS,
    truth: c.truth,
    runs: runs.map(({ output: _output, ...r }) => r),
    medianSeconds: { portscan: finite(v.medOurs), nmap: finite(v.medNmap) },
    ratioOursToNmap: finite(v.ratio),
    identical: v.identical,
    portscanVerified: v.verified,
    matchesTruth: v.matchesTruth,
  };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  return jsonPath;
}

function main(): number {
  if (process.getuid?.() !== 0) fail(NAME, 2, 'must run as root (the testbed uses network namespaces)');
  const nmap = peerVersion('nmap');
  if (!nmap) fail(NAME, 2, 'nmap not found: install it with `apt-get install -y nmap`');
  requireTestbed(NAME);
  const truth = testbedTruth(TARGET, PORTS);
  const c: Context = { machine: { ...machineInfo(), nmap }, truth, overheadS: runOverheadS() };
  const dir = mkdtempSync(join(tmpdir(), 'portscan-vs-nmap-'));
  console.log(
    `connect scan of every port of ${TARGET}: portscan vs nmap, ${RUNS} runs each, alternating, ` +
      `inside testbed ${TESTBED_PREFIX}`,
  );
  console.log(`machine: ${describeMachine(c.machine)}, ${c.machine.nmap}`);
  console.log(`portscan: ${shown('testbed').portscan}`);
  console.log(`nmap:     ${shown('testbed').nmap}`);
  if (truth) console.log(`truth:    ${JSON.stringify(truth)}`);
  const runs = runAll(dir);
  const v = verdictOf(runs, truth);
  printVerdict(v, runs, truth, c.overheadS);
  console.log(`\n  written: ${writeResults(c, runs, v)}`);
  const ok = v.identical && v.verified;
  if (ok) rmSync(dir, { recursive: true, force: true });
  else console.error(`${NAME}: results differ or a run failed; outputs kept in ${dir}`);
  return ok ? 0 : 1;
}

process.exitCode = main();
