// SPDX-License-Identifier: MIT
// argv-checks.ts: what the scan command refuses around yargs, which would bend it: before parsing,
// a switch given a value (`--full=maybe`) and a token like `-198.18.0.1` read as flags; after it,
// an option given twice that is not a list (lists merge: "-p 22 -p 80" is "22,80").
import { UsageError } from '../errors';
import { escapeText } from '../safe-fs';
import { OUTPUT_SWITCHES } from './output-args';
import { SERVICE_SWITCHES } from './service-args';

/** Options that may be given more than once: their values add up. Any other repeat is refused. */
export const LISTS = new Set(['targets', 'ports', 'input-file', 'exclude', 'exclude-file']);
const SWITCHES = [
  'full',
  'quiet',
  'verbose',
  'adaptive',
  'yes',
  'default-excludes',
  'echo',
  ...OUTPUT_SWITCHES,
  ...SERVICE_SWITCHES,
];
const SWITCH_LETTERS = new Set(['-q', '-v', '-h']);

/**
 * Refuses what yargs would bend before it sees it: `--full=maybe` (read as false), and a token
 * like `-198.18.0.1` (read as the flags -1, -9, -8), unless it is the value of an option.
 */
export function checkArgv(argv: string[]): void {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const a = argv[i] as string;
    const sw = /^--(?:no-)?([a-z-]+)=(.*)$/s.exec(a);
    if (sw && SWITCHES.includes(sw[1] as string) && sw[2] !== 'true' && sw[2] !== 'false') {
      throw new UsageError(
        `option '--${sw[1]}' is a switch: give it alone (or =true, =false), got '${escapeText(sw[2] as string)}'`,
      );
    }
    const prev = argv[i - 1] ?? '';
    const prevTakesValue =
      /^-/.test(prev) && !prev.includes('=') && !SWITCH_LETTERS.has(prev) && !SWITCHES.some((s) => prev.endsWith(s));
    if (/^-[\d:]/.test(a) && !prevTakesValue) {
      throw new UsageError(
        `unknown option '${escapeText(a)}' (a target cannot start with '-'; an open port range goes after -p)`,
      );
    }
  }
}

/** Lists merge ("-p 22 -p 80" is "22,80"); any other option given twice is an error, not "the last wins". */
export function checkRepeats(args: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(args)) {
    if (!Array.isArray(v) || LISTS.has(key) || key.length === 1 || key === '_' || /[A-Z]/.test(key)) continue;
    const shown = v.map((x) => `'${escapeText(String(x), 40)}'`).join(', ');
    throw new UsageError(`option '--${key}' was given more than once (${shown}): give it once`);
  }
}
