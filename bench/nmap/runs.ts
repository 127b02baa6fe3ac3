// SPDX-License-Identifier: MIT
// runs.ts: bench:nmap's runs: portscan's and nmap's commands (both inside the testbed), each run
// timed as a whole (process start to exit, wall clock) and read. The testbed is shared: when it
// is rebuilt (`testbed up`) while a command runs, that run is repeated (up to MAX_REPEATS times),
// so a rebuild is never mistaken for a wrong result.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { nmapConnectArgv } from '../../lib/bench/peers/nmap';
import { exec, fail, secondsSince } from '../lib/commands';
import { repoRoot } from '../lib/harness';
import { TESTBED, testbedIdentity } from '../lib/testbed';
import { readNmapFound, readPortscanNdjson, type Found } from './found';

export const NAME = 'bench:nmap';
export const TARGET = '198.18.0.1';
export const PORTS = '1-65535';
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS) || 3);
const COMMAND_TIMEOUT_MS = 15 * 60 * 1000;
const MAX_REPEATS = 3;

export type Tool = 'portscan' | 'nmap';

export interface Run {
  tool: Tool;
  run: number;
  seconds: number;
  exitCode: number | null;
  output: string;
  found: Found | null;
  error?: string;
  /** portscan only: `testbed verify --strict-closed` report and whether it passed. */
  verify?: { ok: boolean; report: unknown };
  /** Times the run was repeated because the testbed was rebuilt while it ran. */
  repeats: number;
  /** nmap only: nmap's own elapsed time from the XML. */
  nmapElapsed?: number;
}

/** The command of each tool (after `testbed run`), writing to `out`. */
export const COMMANDS: Record<Tool, (out: string) => string[]> = {
  portscan: (out) =>
    [process.execPath, join(repoRoot(), 'bin', 'portscan.js'), '-q', '--mode', 'connect'].concat([
      '-p-',
      '-f',
      'ndjson',
      '--full',
      '-o',
      out,
      TARGET,
    ]),
  nmap: (out) => nmapConnectArgv({ ports: PORTS, hosts: TARGET, timing: 4, out }),
};

type Timing = { seconds: number; result: SpawnSyncReturns<string> };

/** Runs `testbed run ARGV...` and times it, spawn to exit. */
function timed(argv: string[]): Timing {
  const t0 = process.hrtime.bigint();
  const result = exec(TESTBED, ['run', ...argv], undefined, COMMAND_TIMEOUT_MS);
  return { seconds: secondsSince(t0), result };
}

/** Runs `argv` until a run is not disturbed by a testbed rebuild; `identity` is the testbed's before. */
function undisturbed(i: number, tool: Tool, argv: string[], identity: string): { timing: Timing; repeats: number } {
  let timing = timed(argv);
  let repeats = 0;
  for (let before = identity; ;) {
    const after = testbedIdentity();
    if (after !== '' && after === before) break;
    if (++repeats > MAX_REPEATS)
      fail(NAME, 2, `the testbed keeps being rebuilt or is down; run ${i} of ${tool} could not finish undisturbed`);
    console.log(`  run ${i} ${tool}: the testbed was rebuilt or went down during the run; repeating it`);
    for (let wait = 0; wait < 30 && testbedIdentity() === ''; wait++) spawnSync('sleep', ['1']);
    before = testbedIdentity();
    timing = timed(argv);
  }
  return { timing, repeats };
}

/** Reads what the run wrote (portscan's is also checked with `testbed verify --strict-closed`). */
function readRun(run: Run, result: SpawnSyncReturns<string>): void {
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`exit ${result.status}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  if (run.tool === 'nmap') {
    const { found, elapsed } = readNmapFound(run.output, TARGET);
    run.found = found;
    if (elapsed !== undefined) run.nmapElapsed = elapsed;
    return;
  }
  run.found = readPortscanNdjson(run.output, TARGET);
  const v = exec(TESTBED, ['verify', TARGET, PORTS, '--strict-closed'], readFileSync(run.output, 'utf8'));
  let report: unknown = v.stdout.trim();
  try {
    report = JSON.parse(v.stdout);
  } catch {
    // keep the text
  }
  run.verify = { ok: v.status === 0, report };
}

/** Run `i` of `tool`, writing into `dir`; `identity` is the testbed's before it. */
export function runOnce(dir: string, tool: Tool, i: number, identity: string): Run {
  const output = join(dir, tool === 'portscan' ? `portscan-${i}.ndjson` : `nmap-${i}.xml`);
  const { timing, repeats } = undisturbed(i, tool, COMMANDS[tool](output), identity);
  const { seconds, result } = timing;
  const run: Run = { tool, run: i, seconds, exitCode: result.status, output, found: null, repeats };
  try {
    readRun(run, result);
  } catch (err) {
    run.error = (err as Error).message;
  }
  return run;
}
