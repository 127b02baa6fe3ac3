// SPDX-License-Identifier: MIT
// output-args.ts: the scan command's output options beyond -f/-o: one long option per extra
// output (--output-xml, --output-grepable, --output-normal, --output-list, --output-json, and
// --output-all BASE for BASE.xml, BASE.gnmap and BASE.nmap: nmap's -oX/-oG/-oN/-oA and masscan's
// -oL/-oJ, which lib/cli/dialect.ts spells), --open and --reason; and the list of outputs they
// make. The -f/-o output is always one of them, unless it was not asked for and another output
// took standard output. "-" is standard output; only one output may be, and no file twice.
import { resolve } from 'node:path';
import type { Options } from 'yargs';

import { UsageError } from '../errors';
import { escapeText, shownPath } from '../safe-fs';
import { FORMATS, type FormatName } from '../output/formats';
import type { OutputSpec } from '../output/session';

/** Each extra output option and the form it writes. */
export const OUTPUT_OPTIONS: Readonly<Record<string, FormatName>> = Object.freeze({
  'output-xml': 'xml',
  'output-grepable': 'grepable',
  'output-normal': 'normal',
  'output-list': 'masscan-list',
  'output-json': 'masscan-json',
});

/** --output-all BASE writes these, as nmap's -oA does. */
const ALL_FORMS: readonly [string, FormatName][] = [
  ['.xml', 'xml'],
  ['.gnmap', 'grepable'],
  ['.nmap', 'normal'],
];

/** The switches this file adds (scan-args.ts refuses "--open=maybe" for them as for its own). */
export const OUTPUT_SWITCHES = ['open', 'reason'];

/** The yargs definitions of these options (scan-args.ts adds them after -o). */
export const OUTPUT_OPTION_DEFS = {
  'output-xml': { type: 'string', describe: "also write nmap's XML form to FILE (nmap -oX)" },
  'output-grepable': { type: 'string', describe: "also write nmap's grepable form to FILE (nmap -oG)" },
  'output-normal': { type: 'string', describe: "also write nmap's normal form to FILE (nmap -oN)" },
  'output-all': { type: 'string', describe: 'also write BASE.xml, BASE.gnmap and BASE.nmap (nmap -oA BASE)' },
  'output-list': { type: 'string', describe: "also write masscan's list form to FILE (masscan -oL)" },
  'output-json': { type: 'string', describe: "also write masscan's JSON form to FILE (masscan -oJ)" },
  open: {
    type: 'boolean',
    default: false,
    describe: 'only hosts with an open port, and only open ports listed, in every output form',
  },
  reason: {
    type: 'boolean',
    default: false,
    describe: "nmap's normal form (-f normal, --output-normal) shows why each port has its state",
  },
} as const satisfies Record<string, Options>;

function one(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  if (v === undefined) return undefined;
  const s = String(Array.isArray(v) ? v.at(-1) : v);
  if (s === '') throw new UsageError(`option '--${key}' expects a file name ('-' for standard output)`);
  return s;
}

/**
 * The outputs asked for, the -f/-o one first. `explicit`: -f or -o was given (so it is written
 * even when another output is on standard output, which is then an error).
 */
export function outputSpecs(args: Record<string, unknown>, explicit: boolean): OutputSpec[] {
  const format = String(Array.isArray(args.format) ? args.format.at(-1) : args.format) as FormatName;
  if (!(FORMATS as readonly string[]).includes(format)) {
    const got = escapeText(format, 40);
    throw new UsageError(`option '--format' expects one of ${FORMATS.join(', ')}, got '${got}'`);
  }
  const extra: (OutputSpec & { flag: string })[] = [];
  for (const [key, form] of Object.entries(OUTPUT_OPTIONS)) {
    const path = one(args, key);
    if (path !== undefined) extra.push({ format: form, path, flag: `--${key}` });
  }
  const base = one(args, 'output-all');
  if (base !== undefined) {
    if (base === '-') throw new UsageError("option '--output-all' expects a base name for three files, not '-'");
    for (const [ext, form] of ALL_FORMS) extra.push({ format: form, path: base + ext, flag: '--output-all' });
  }
  const primary = { format, path: typeof args.output === 'string' ? args.output : undefined, flag: '-o' };
  const toStdout = (s: OutputSpec): boolean => s.path === undefined || s.path === '-';
  const keepPrimary = explicit || !extra.some(toStdout);
  const all = keepPrimary ? [primary, ...extra] : extra;
  const stdout = all.filter(toStdout);
  if (stdout.length > 1) {
    throw new UsageError(
      `only one output may be standard output: ${stdout.map((s) => s.flag).join(' and ')} both are` +
        " (give -o FILE for the -f form, or a file name instead of '-')",
    );
  }
  const seen = new Map<string, string>();
  for (const s of all) {
    if (toStdout(s)) continue;
    const key = resolve(s.path as string);
    const before = seen.get(key);
    if (before) throw new UsageError(`${before} and ${s.flag} both write '${shownPath(s.path as string)}'`);
    seen.set(key, s.flag);
  }
  return all.map(({ format: f, path }) => ({ format: f, path }));
}

/**
 * Was the -f/-o output asked for on the command line (not just the default table on stdout)?
 * nmap's and masscan's -oX, -oG, -oN, -oA, -oL, -oJ (dialect.ts) are other outputs, not -o.
 */
export function primaryGiven(argv: string[]): boolean {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some(
    (a) => !/^-o[XGNALJ]$/.test(a) && /^(-[fo]|--format|--output)(=.*)?$|^-[fo]\S/.test(a),
  );
}

/** yargs reads "--output-xml -" as an empty value: the output options' "-" is joined ("--output-xml=-"). */
export function joinStdoutValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') return [...out, ...argv.slice(i)];
    const name = a.slice(2);
    if (argv[i + 1] === '-' && (name === 'output' || name === 'output-all' || name in OUTPUT_OPTIONS)) {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}
