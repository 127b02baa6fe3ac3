// SPDX-License-Identifier: MIT
// setup.ts: what bench:syn checks and notes before it runs anything: root, masscan and zmap
// installed (their versions), the testbed up (its truth for the workload), the machine, which
// portscan is measured (the commit, files of lib/ and native/ changed since, when the addon was
// built: others may be working there, and build:ts compiles the working tree), the load average
// and the cost of `testbed run` itself. Prints the header lines.
import { existsSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

import { peerVersion } from '../../lib/bench/peers/version';
import { exec, fail } from '../lib/commands';
import { describeMachine, machineInfo, repoRoot, type MachineInfo } from '../lib/harness';
import { requireTestbed, runOverheadS, TESTBED_PREFIX, testbedIdentity, testbedTruth } from '../lib/testbed';
import type { TestbedTruth } from '../lib/testbed-report';
import { NET, PORT_SPEC, PROBES } from './workload';

export const NAME = 'bench:syn';

export interface Setup {
  machine: MachineInfo & { masscan: string; zmap: string };
  build: { commit: string; changedSinceCommit: string[]; addonBuilt: string | null };
  truth: TestbedTruth | null;
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
  if (process.getuid?.() !== 0) fail(NAME, 2, 'must run as root (the testbed uses network namespaces; raw sockets)');
  const masscan = peerVersion('masscan');
  const zmap = peerVersion('zmap');
  if (!masscan || !zmap) fail(NAME, 2, 'masscan and zmap are needed: apt-get install -y masscan zmap');
  requireTestbed(NAME);
  const truth = testbedTruth(NET, PORT_SPEC);
  const identityBefore = testbedIdentity();
  const machine = { ...machineInfo(), masscan, zmap };
  const build = portscanBuild();
  const loadBefore = loadavg();
  return { machine, build, truth, identityBefore, loadBefore, overheadS: runOverheadS() };
}

export const loads = (xs: number[]): string => xs.map((x) => x.toFixed(2)).join(' ');

export function printHeader(s: Setup): void {
  const { machine, build } = s;
  console.log(
    `SYN scan of ${NET} x ports ${PORT_SPEC} (${PROBES} probes): portscan vs masscan vs zmap, ` +
      `inside testbed ${TESTBED_PREFIX}`,
  );
  console.log(
    `machine: ${describeMachine(machine)}, ${machine.masscan}, ${machine.zmap}; load average ${loads(s.loadBefore)}`,
  );
  console.log(
    `portscan: commit ${build.commit.slice(0, 10)}, ${build.changedSinceCommit.length} files of lib/ native/ ` +
      `changed since, addon built ${build.addonBuilt ?? '?'}`,
  );
  if (s.truth) console.log(`truth:   ${JSON.stringify(s.truth)}`);
}
