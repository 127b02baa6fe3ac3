// SPDX-License-Identifier: MIT
// commands.ts: what the side-by-side benchmarks (connect-vs-nmap, syn-vs-peers) share for running
// things: a synchronous command runner, how a bench gives up, and wall-clock seconds.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

import { repoRoot } from './harness';

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

/** Seconds since `start` (a process.hrtime.bigint()). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
