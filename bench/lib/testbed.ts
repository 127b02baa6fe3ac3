// SPDX-License-Identifier: MIT
// testbed.ts: the side-by-side benchmarks' use of the testbed (../shared/testbed/testbed beside
// the repository, unless TESTBED says otherwise): which one (TESTBED_PREFIX, passed on to it in
// the environment; "ptb" when unset, as the testbed itself defaults), whether it is up, its truth
// and its verdict on a scan's results, the cost of `testbed run` itself, and its identity (to
// notice a rebuild during a run). Every command it runs goes through `testbed`, so every scan
// stays inside the testbed's scanner namespace.
import { resolve } from 'node:path';

import { exec, fail, secondsSince } from './commands';
import { median, repoRoot } from './harness';
import type { TestbedTruth, TestbedVerdict } from './testbed-report';

export const TESTBED = process.env.TESTBED ?? resolve(repoRoot(), '..', 'shared', 'testbed', 'testbed');
export const TESTBED_PREFIX = process.env.TESTBED_PREFIX ?? 'ptb';

/** Exits 2 (as bench `name`) unless the testbed answers `testbed run true`. */
export function requireTestbed(name: string): void {
  const probe = exec(TESTBED, ['run', 'true']);
  if (probe.error || probe.status !== 0) {
    const why = (probe.stderr || String(probe.error ?? '')).trim();
    fail(name, 2, `the testbed is not up (${why}): run \`TESTBED_PREFIX=${TESTBED_PREFIX} ${TESTBED} up\``);
  }
}

/** `testbed truth HOSTS PORTS`: what the workload should find (null when it fails). */
export function testbedTruth(hosts: string, ports: string): TestbedTruth | null {
  const r = exec(TESTBED, ['truth', hosts, ports]);
  return r.status === 0 ? (JSON.parse(r.stdout.split('\n')[0] ?? '{}') as TestbedTruth) : null;
}

/** `testbed verify`'s answer. */
export interface Verified {
  report: TestbedVerdict | null;
  exit: number | null;
  /** Its stdout (or, when that is no report, stdout and stderr). */
  text: string;
  /** What verify printed on stderr: the first missed or false results ("missed open: IP PORT"). */
  examples: string[];
}

/** Runs `testbed verify HOSTS PORTS [flags]` on `results`. */
export function verify(hosts: string, ports: string, results: string, flags: string[] = []): Verified {
  const v = exec(TESTBED, ['verify', hosts, ports, ...flags], results);
  const examples = v.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 20);
  try {
    return { report: JSON.parse(v.stdout) as TestbedVerdict, exit: v.status, text: v.stdout.trim(), examples };
  } catch {
    return { report: null, exit: v.status, text: `${v.stdout.trim()} ${v.stderr.trim()}`.trim(), examples };
  }
}

/** Seconds `testbed run true` takes (median of 3): in every wall time measured through it. */
export function runOverheadS(): number {
  return median(
    [0, 1, 2].map(() => {
      const t = process.hrtime.bigint();
      exec(TESTBED, ['run', 'true']);
      return secondsSince(t);
    }),
  );
}

/**
 * What identifies this build of the testbed: the link-local addresses of its veth ends, which
 * come from random MAC addresses and so change whenever it is rebuilt. '' when it is down.
 */
export function testbedIdentity(): string {
  const r = exec(TESTBED, ['status']);
  if (r.status !== 0) return '';
  return (r.stdout.match(/fe80::[0-9a-f:]+/g) ?? []).join(' ');
}

/** `testbed run ARGS...` as a user would type it: node for this node, paths in the repository relative. */
export function shownRun(args: string[]): string {
  const root = repoRoot();
  const rel = (a: string): string =>
    a === process.execPath ? 'node' : a.startsWith(root) ? a.slice(root.length + 1) : a;
  return [TESTBED, 'run', ...args.map(rel)].join(' ');
}
