// SPDX-License-Identifier: MIT
// setup.ts: what bench:syn checks and notes before it runs anything: the workloads asked for
// (BENCH_WORKLOADS), root, masscan and zmap installed (their versions), the testbed up (its truth
// for each workload), the machine, which
// portscan is measured (the commit, files of lib/ and native/ changed since, when the addon was
// built: others may be working there, and build:ts compiles the working tree), the load average
// and the cost of `testbed run` itself. Prints the header lines.
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { peerVersion } from '../../lib/bench/peers/version';
import { haveTime, TIME } from '../../lib/bench/run';
import { exec, fail } from '../lib/commands';
import { describeMachine, machineInfo, repoRoot, type MachineInfo } from '../lib/harness';
import { requireTestbed, runOverheadS, TESTBED_PREFIX, testbedIdentity, testbedTruth } from '../lib/testbed';
import type { TestbedTruth } from '../lib/testbed-report';
import { selectWorkloads, type Workload } from './workloads';

export const NAME = 'bench:syn';

export interface Setup {
  workloads: Workload[];
  /** Whether the one-host runs follow the workloads. */
  oneHost: boolean;
  /** Whether the rate-hold runs come last. */
  rateHold: boolean;
  machine: MachineInfo & { masscan: string; zmap: string };
  build: { commit: string; changedSinceCommit: string[]; addonBuilt: string | null };
  /** `testbed truth` of each workload, by name (null: it failed). */
  truth: Record<string, TestbedTruth | null>;
  identityBefore: string;
  loadBefore: number[];
  overheadS: number;
}

function portscanBuild(): Setup['build'] {
  const git = (args: string[]): string => exec('git', args).stdout;
  const addon = join(repoRoot(), 'build', 'Release', 'portscan_native.node');
  return {
    commit: git(['rev-parse', 'HEAD']).trim(),
    changedSinceCommit: git(['status', '--porcelain', '--', 'lib', 'native'])
      .split('\n')
      .filter((l) => l !== ''),
    addonBuilt: existsSync(addon) ? statSync(addon).mtime.toISOString() : null,
  };
}

/** Checks that the bench can run (else exits 2) and notes what it runs on. */
export function setUp(): Setup {
  let selected: ReturnType<typeof selectWorkloads> = { workloads: [], oneHost: false, rateHold: false };
  try {
    selected = selectWorkloads();
  } catch (err) {
    fail(NAME, 2, (err as Error).message);
  }
  if (process.getuid?.() !== 0) fail(NAME, 2, 'must run as root (the testbed uses network namespaces; raw sockets)');
  const masscan = peerVersion('masscan');
  const zmap = peerVersion('zmap');
  if (!masscan || !zmap) fail(NAME, 2, 'masscan and zmap are needed: apt-get install -y masscan zmap');
  requireTestbed(NAME);
  const truth = Object.fromEntries(selected.workloads.map((w) => [w.name, testbedTruth(w.hosts, w.ports)]));
  const identityBefore = testbedIdentity();
  const machine = { ...machineInfo(), masscan, zmap };
  const build = portscanBuild();
  const loadBefore = loadavg();
  return { ...selected, machine, build, truth, identityBefore, loadBefore, overheadS: runOverheadS() };
}

export const loads = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' ');

export function printHeader(s: Setup): void {
  const { machine, build } = s;
  console.log(`SYN scans: portscan vs masscan vs zmap, inside testbed ${TESTBED_PREFIX}`);
  console.log(
    `machine: ${describeMachine(machine)}, ${machine.masscan}, ${machine.zmap}; load average ${loads(s.loadBefore)}`,
  );
  console.log(
    `portscan: commit ${build.commit.slice(0, 10)}, ${build.changedSinceCommit.length} files of lib/ native/ ` +
      `changed since, addon built ${build.addonBuilt ?? '?'}`,
  );
  for (const w of s.workloads) {
    const t = s.truth[w.name];
    const truth = t ? `${t.open} open, ${t.closed} closed, ${t.filtered} silent` : 'testbed truth failed';
    console.log(`  ${w.name}: ${w.title}, ${w.hosts} x ${w.ports} = ${w.probes} probes (${truth})`);
  }
  if (s.oneHost) console.log('  then every port of one host, 5 runs, 5 with --full; nmap -sS -T4 -p- on it, 3 runs');
  if (s.rateHold) console.log('  then rate-hold: --rate 100k, 200k, 400k, silent and answered, counted at the target');
  if (!haveTime()) console.log(`  ${TIME} is missing (apt-get install -y time): no CPU figures`);
}
