// SPDX-License-Identifier: MIT
// exit.ts: what every portscan command (scan, merge, bench) shares at its edge: the exit codes and
// the ways a message reaches the user on stderr, each as one line with control bytes escaped and
// its length bounded (a message may carry a value the user, a file or the network gave).
// Commands return an exit code; bin/portscan.js sets it.
import { escapeText } from '../safe-fs';
import { withFlagNames } from './flag-names';

/** 0 done, 1 runtime failure, 2 bad usage (nothing was sent), 130 stopped by Ctrl-C or SIGTERM. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * The most characters of one message: the values it quotes are short excerpts already (escapeText
 * where they are quoted); this bounds whatever one of them missed.
 */
const MESSAGE_MAX = 500;

/** A message as it may reach a terminal: one line, control bytes escaped, at most MESSAGE_MAX. */
export function shownMessage(msg: string): string {
  return escapeText(msg, MESSAGE_MAX);
}

/** A notice on stderr, prefixed with the command's name; nothing when `quiet`. */
export function say(quiet: boolean, msg: string, command = 'portscan'): void {
  if (!quiet) process.stderr.write(`${command}: ${shownMessage(msg)}\n`);
}

/** Reports a usage error with the way to more help; returns EXIT.usage. */
export function usageFailure(err: unknown, command = 'portscan'): number {
  const msg = shownMessage(withFlagNames(err instanceof Error ? err.message : String(err)));
  process.stderr.write(`${command}: ${msg}\nTry '${command} --help' for more information.\n`);
  return EXIT.usage;
}

/** Reports a runtime failure (the scan could not run or finish); returns EXIT.failure. */
export function runFailure(err: unknown, command = 'portscan'): number {
  process.stderr.write(`${command}: ${shownMessage(err instanceof Error ? err.message : String(err))}\n`);
  return EXIT.failure;
}
