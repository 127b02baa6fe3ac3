// SPDX-License-Identifier: MIT
// commands.ts: what the side-by-side benchmarks (connect-vs-nmap, syn-vs-peers) share for running
// things: where the testbed is (beside the repository, as ../shared/testbed/testbed, unless
// TESTBED says otherwise), a synchronous command runner, how a bench gives up, the testbed's
// identity (to notice a rebuild during a run).
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { resolve } from 'node:path';

import { repoRoot } from './harness';

export const TESTBED = process.env.TESTBED ?? resolve(repoRoot(), '..', 'shared', 'testbed', 'testbed');

/** Prints `name: message` and exits with `code`. */
export function fail(name: string, code: number, message: string): never {
  console.error(`${name}: ${message}`);
  process.exit(code);
}

/** Runs a command to its end from the repository root; `input` goes to its stdin. */
export function exec(cmd: string, args: string[], input?: string, timeoutMs = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd: repoRoot(),
    encoding: 'utf8',
    input,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    maxBuffer: 256 << 20,
    timeout: timeoutMs,
  });
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
