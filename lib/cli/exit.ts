// SPDX-License-Identifier: MIT
// exit.ts: what every portscan command (scan, merge, bench) shares at its edge: the exit codes and
// the two ways a message reaches the user on stderr. Commands return an exit code; bin/portscan.js
// sets it.
import { withFlagNames } from './flag-names';

/** 0 done, 1 runtime failure, 2 bad usage (nothing was sent), 130 stopped by Ctrl-C or SIGTERM. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A notice on stderr, prefixed with the command's name; nothing when `quiet`. */
export function say(quiet: boolean, msg: string, command = 'portscan'): void {
  if (!quiet) process.stderr.write(`${command}: ${msg}\n`);
}

/** Reports a usage error with the way to more help; returns EXIT.usage. */
export function usageFailure(err: unknown, command = 'portscan'): number {
  const msg = withFlagNames(err instanceof Error ? err.message : String(err));
  process.stderr.write(`${command}: ${msg}\nTry '${command} --help' for more information.\n`);
  return EXIT.usage;
}
