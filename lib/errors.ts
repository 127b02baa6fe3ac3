// SPDX-License-Identifier: MIT
// errors.ts: the error classes users can branch on. ParseError names the bad token and where it
// stands; UsageError is any other bad option; ScanError is an engine-level failure (permission,
// descriptor limits, a failed syscall) with a code and a hint that says the fix. Per-target
// outcomes (refused, timed out, unreachable) are never errors: they are results.
import { escapeText } from './safe-fs';

/**
 * A malformed target, port list or option value. `column` is 1-based within `input`. The
 * message quotes only short, escaped excerpts (at most `excerptMax` characters of each quoted
 * token and of `input`, around the column): the input may be a 10 MB token, terminal escapes,
 * or a line of a file the user may not see (a target file named by root).
 */
export class ParseError extends Error {
  readonly code = 'EPARSE';
  constructor(
    /** What is wrong, naming the bad token, e.g. "bad port '70000'". */
    readonly what: string,
    /** The whole text that was being parsed. */
    readonly input: string,
    /** 1-based column of the bad token within `input`. */
    readonly column: number,
    excerptMax = 80,
  ) {
    const shownWhat = escapeText(
      what.replace(/'([^']*)'/g, (_m, token: string) => `'${escapeText(token, excerptMax / 2)}'`),
      160,
    );
    super(`${shownWhat} at column ${column} of '${excerpt(input, column, excerptMax)}'`);
    this.name = 'ParseError';
  }
}

/** At most `max` characters of `text` around 1-based `column`, escaped, "..." where cut. */
function excerpt(text: string, column: number, max: number): string {
  if (text.length <= max) return escapeText(text, max);
  const start = Math.max(0, Math.min(column - 1 - Math.floor(max / 4), text.length - max));
  return `${start > 0 ? '...' : ''}${escapeText(text.slice(start), max)}`;
}

/** A bad option or combination of options (exit code 2 in the CLI). */
export class UsageError extends Error {
  readonly code = 'EUSAGE';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An engine-level failure: the scan could not run. Carries the errno code and a fix. */
export class ScanError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly hint?: string,
    readonly syscall?: string,
  ) {
    super(hint ? `${message} (${hint})` : message);
    this.name = 'ScanError';
  }
}

/** Moves a native error's code and text onto an Error created at the JS call site. */
export function withJsStack(nativeErr: { message: string; code?: string; syscall?: string }, site: Error): ScanError {
  const e = new ScanError(nativeErr.message, nativeErr.code ?? 'EUNKNOWN', hintFor(nativeErr.code), nativeErr.syscall);
  if (site.stack) e.stack = `${e.name}: ${e.message}\n${site.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

function hintFor(code: string | undefined): string | undefined {
  switch (code) {
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files: lower --tasks or raise the limit with ulimit -n';
    case 'EPERM':
    case 'EACCES':
      return 'permission denied: run as root, or with CAP_NET_RAW on a dedicated copy of node (README: Privileges)';
    default:
      return undefined;
  }
}
