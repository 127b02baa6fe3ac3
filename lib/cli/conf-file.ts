// SPDX-License-Identifier: MIT
// conf-file.ts: masscan's configuration files on the scan command line. `-c FILE` / `--conf FILE`
// reads `name = value` lines (# comments, blank lines) and puts them where the option stood as
// command-line options, so every value is checked as if typed (a repeat of a command-line option
// is refused, lists add up). Names are our long options or masscan's spellings (dialect.ts);
// `range`, `ranges` and `targets` give targets. The file is read capped (readInputFile), and its
// content reaches a message only as a short escaped excerpt. `--echo` prints the options in
// effect in the same form, which -c reads back.
import { UsageError } from '../errors';
import { escapeText, readInputFile, shownPath } from '../safe-fs';
import { TRANSLATE, translateDialect, type KnownOptions } from './dialect';

/** A configuration file is a page of options: anything far larger is not one. */
const MAX_CONF_BYTES = 1024 * 1024;

/** Names that give targets; options that make no sense inside a file. */
const TARGET_NAMES = new Set(['targets', 'range', 'ranges']);
const NOT_IN_FILE = new Set(['conf', 'echo', 'help', 'version', 'resume']);

/** The command-line tokens of one configuration file's text. */
export function confTokens(text: string, path: string, known: KnownOptions): string[] {
  const tokens: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 1; n <= lines.length; n++) {
    const line = (lines[n - 1] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `config file '${shownPath(path)}' line ${n}`;
    const m = /^([A-Za-z][\w-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new UsageError(`${where}: expected 'name = value', got '${escapeText(line, 40)}'`);
    const [, name = '', value = ''] = m;
    if (TARGET_NAMES.has(name)) tokens.push(...value.split(/[\s,]+/).filter(Boolean));
    else if (known.switches.has(name) && !NOT_IN_FILE.has(name)) {
      if (value !== 'true' && value !== 'false') {
        throw new UsageError(`${where}: option '${name}' is a switch: true or false, got '${escapeText(value, 40)}'`);
      }
      tokens.push(value === 'true' ? `--${name}` : `--no-${name}`);
    } else if ((known.values.has(name) && !NOT_IN_FILE.has(name)) || TRANSLATE[`--${name}`]?.value) {
      tokens.push(`--${name}=${value}`);
    } else {
      throw new UsageError(`${where}: unknown option '${escapeText(name, 40)}'`);
    }
  }
  return translateDialect(tokens, known);
}

/** `argv` with each -c/--conf FILE replaced by the options FILE holds (dialect already applied). */
export function expandConf(argv: readonly string[], known: KnownOptions): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const m = /^--conf(?:=(.*))?$/.exec(token) ?? /^-c(?:=?(.+))?$/.exec(token);
    if (!m) {
      out.push(token);
      continue;
    }
    const path = m[1] ?? argv[++i];
    if (path === undefined) throw new UsageError("option '--conf' (-c) expects a FILE");
    if (/^\d+$/.test(path)) {
      throw new UsageError(`-c ${path}: -c reads a masscan config file; naabu's -c (concurrency) is --tasks`);
    }
    const text = readInputFile(path, 'config file', MAX_CONF_BYTES).toString('utf8');
    out.push(...confTokens(text, path, known));
  }
  return out;
}

/** The options in effect (yargs' arguments) as a configuration file that --conf reads back. */
export function echoConf(args: Record<string, unknown>, known: KnownOptions): string {
  const lines = ['# portscan --echo: the options in effect; read back with portscan -c FILE'];
  const shown = (v: unknown): string => escapeText(String(v), 4096);
  const targets = [...(Array.isArray(args.targets) ? args.targets : []), ...(Array.isArray(args._) ? args._ : [])];
  for (const name of [...known.values, ...known.switches].sort()) {
    const v = args[name];
    if (v === undefined || NOT_IN_FILE.has(name)) continue;
    for (const one of Array.isArray(v) ? v : [v]) lines.push(`${name} = ${shown(one)}`);
  }
  if (targets.length > 0) lines.push(`targets = ${targets.map(shown).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
