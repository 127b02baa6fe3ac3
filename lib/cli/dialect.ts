// SPDX-License-Identifier: MIT
// dialect.ts: nmap's and masscan's spellings on the scan command line, turned into ours before
// yargs reads it (parseArgs), and the options of nmap, masscan, naabu and RustScan that portscan
// does not offer, answered with one line naming our equivalent. Data, not code: TRANSLATE maps a
// spelling to our tokens, HINTS a spelling to its answer; a pure function applies them. A
// single-dash long option (naabu's `-host`) is never handed to yargs, which would read it as
// `-h -o -s -t` and print the help.
import { UsageError } from '../errors';
import { escapeText } from '../safe-fs';

/** What parseArgs knows of its own options: long names, which take values, aliases, lists. */
export interface KnownOptions {
  /** Long names of the options that take a value ('ports', 'mode', ...). */
  values: ReadonlySet<string>;
  /** Long names of the switches ('full', 'quiet', ...). */
  switches: ReadonlySet<string>;
  /** One-letter alias -> long name ('p' -> 'ports'). */
  letters: Readonly<Record<string, string>>;
  /** Options whose repeats add up (-p 22 -p 80). */
  lists: ReadonlySet<string>;
}

/** yargs' own (untyped) record of the options defined: getOptions(). */
interface YargsDefinitions {
  string: string[];
  boolean: string[];
  alias: Record<string, string[]>;
}

/** KnownOptions read from a yargs instance's definitions. */
export function knownOptionsOf(y: object, lists: ReadonlySet<string>): KnownOptions {
  const o = (y as { getOptions(): YargsDefinitions }).getOptions();
  const long = (k: string): boolean => /^[a-z][a-z-]+$/.test(k);
  const letters: Record<string, string> = {};
  for (const [name, aliases] of Object.entries(o.alias)) {
    for (const a of aliases) if (a.length === 1) letters[a] = name;
  }
  return { values: new Set(o.string.filter(long)), switches: new Set(o.boolean.filter(long)), letters, lists };
}

/** A spelling that becomes our tokens: `to` (its value follows when `value`, through `convert`). */
interface Rule {
  to: string[];
  value?: boolean;
  convert?: (value: string, spelling: string) => string;
}

const NO_EFFECT: Rule = { to: [] };
const TCP_ONLY = 'portscan scans TCP only';
const TCP_SCANS = "portscan's TCP scans are -sS (--mode syn) and -sT (--mode connect)";
const NO_DISCOVERY = 'portscan does no host discovery: every target is scanned, as with -Pn';
const POSITIONAL = 'use a positional target';

/** nmap's time values: seconds unless suffixed ms, s, m or h; ours are ms. */
export function nmapTimeMs(value: string, spelling: string): string {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const scale = { ms: 1, s: 1000, m: 60000, h: 3600000 }[m?.[2] ?? 's'] ?? 1000;
  if (!m)
    throw new UsageError(`option '${spelling}' expects a time such as 500ms, 2s or 1m, got '${escapeText(value, 40)}'`);
  return String(Math.round(Number(m[1]) * scale));
}

const to = (...tokens: string[]): Rule => ({ to: tokens });
const withValue = (target: string, convert?: Rule['convert']): Rule => ({ to: [target], value: true, convert });

/** nmap's and masscan's spellings of our options. */
export const TRANSLATE: Readonly<Record<string, Rule>> = {
  '-sS': to('--mode', 'syn'),
  '-sT': to('--mode', 'connect'),
  '-sV': to('--service'),
  '-sSV': to('--mode', 'syn', '--service'),
  '-sTV': to('--mode', 'connect', '--service'),
  '-Pn': NO_EFFECT, // portscan does no host discovery
  '-n': NO_EFFECT, // portscan does no reverse DNS
  '-6': NO_EFFECT, // the addresses decide the family
  '-F': to('--top-ports', '100'),
  '-V': to('--version'),
  '-iL': withValue('--input-file'),
  '--excludefile': withValue('--exclude-file'),
  '--min-rate': withValue('--rate'),
  '--max-rate': withValue('--rate'),
  '--max-retries': withValue('--retries'),
  '--max-parallelism': withValue('--tasks'),
  '--max-rtt-timeout': withValue('--timeout', nmapTimeMs),
  '--min-rtt-timeout': withValue('--min-timeout', nmapTimeMs),
  '-S': withValue('--source-ip'),
  '-g': withValue('--source-port'),
  '--send-eth': to('--send', 'link'),
  '--send-ip': to('--send', 'ip'),
  '-oX': withValue('--output-xml'),
  '-oG': withValue('--output-grepable'),
  '-oN': withValue('--output-normal'),
  '-oA': withValue('--output-all'),
  '-oL': withValue('--output-list'),
  '-oJ': withValue('--output-json'),
  '-T': withValue('--timing'),
  // masscan
  '--adapter': withValue('--interface'),
  '--adapter-ip': withValue('--source-ip'),
  '--adapter-port': withValue('--source-port'),
  '--open-only': to('--open'),
};

/** Options of nmap, masscan, naabu and RustScan that portscan does not offer, with the answer. */
export const HINTS: Readonly<Record<string, string>> = {
  '-sU': TCP_ONLY,
  '-sY': TCP_ONLY,
  '-sZ': TCP_ONLY,
  '-sO': TCP_ONLY,
  '-A': 'OS detection, scripts and traceroute are not offered (-sV identifies services)',
  '-O': 'OS detection is not offered',
  '-sC': 'scripts are not offered',
  '--script': 'scripts are not offered',
  '-sn': 'host discovery alone is not offered: portscan scans ports',
  '-sL': 'a list scan is not offered: --echo prints the options a scan would use',
  '-iR': 'random targets are not offered: give the targets',
  '-R': 'portscan does no reverse DNS',
  '--traceroute': 'traceroute is not offered',
  '-D': 'decoys are not offered',
  '--spoof-mac': 'spoofing a MAC address is not offered',
  '--scan-delay': 'use --rate (probes per second)',
  '--max-scan-delay': 'use --rate (probes per second)',
  '--initial-rtt-timeout':
    'portscan measures the round trip: --timeout is the longest wait, --min-timeout the shortest',
  '--min-parallelism': 'use --tasks (the most simultaneous probes)',
  '--min-hostgroup': 'portscan interleaves every host of the plan: there are no host groups',
  '--max-hostgroup': 'portscan interleaves every host of the plan: there are no host groups',
  '-d': 'use -v for the counters',
  '--ping': NO_DISCOVERY,
  '--range': `${POSITIONAL} (masscan), or -p for RustScan's port range`,
  '--ranges': `${POSITIONAL} (masscan)`,
  '--offline': 'an offline run is not offered: --echo prints the options a scan would use',
  '-oB': "masscan's binary output is not offered: use -f ndjson",
  '--readscan': 'use portscan merge to combine results',
  '--output-filename': 'use -o FILE',
  '--output-format': 'use -f FORMAT',
  // naabu
  '-host': POSITIONAL,
  '-list': 'use -i FILE (--input-file)',
  '-l': 'use -i FILE (--input-file)',
  '-top-ports': 'use --top-ports N (two dashes)',
  '-tp': 'use --top-ports N',
  '-ep': 'excluding ports is not offered: list the ports to scan with -p',
  '-exclude-ports': 'excluding ports is not offered: list the ports to scan with -p',
  '-eh': 'use --exclude',
  '-exclude-hosts': 'use --exclude',
  '-ef': 'use --exclude-file',
  '-silent': 'use -q (--quiet)',
  '-json': 'use -f json',
  '-scan-type': 'use -m (--mode) syn or connect',
  '-nmap-cli': 'portscan does not run nmap',
  // RustScan
  '-a': POSITIONAL,
  '--addresses': POSITIONAL,
  '-b': 'use --tasks (the most simultaneous probes)',
  '--batch-size': 'use --tasks (the most simultaneous probes)',
  '--ulimit': 'not needed: portscan sizes --tasks from the open-file limit (ulimit -n)',
  '--tries': 'use --retries (tries less one)',
  '--top': 'use --top-ports N',
  '--greppable': 'use -f list',
  '--scan-order': 'portscan always scans in a random order (--seed repeats one)',
};

/** Prefixes of families: nmap's discovery probes (-PS22), other scan types (-sA), -o forms. */
function familyHint(token: string): string | undefined {
  if (/^-P[SAUYOEPMR]/.test(token)) return NO_DISCOVERY;
  if (/^-s[A-Z]{2,}$/.test(token)) return `${TCP_SCANS}, each with -sV to identify services`;
  if (/^-s[A-Z]$/.test(token)) return TCP_SCANS;
  if (/^-o[A-Z]$/.test(token)) return 'that output form is not offered: -oX, -oG, -oN, -oA, -oL, -oJ are';
  return undefined;
}

/** The answer to a single-dash long option that would otherwise reach yargs, or undefined. */
function singleDashLong(token: string, known: KnownOptions): string | undefined {
  const m = /^-([A-Za-z][A-Za-z-]+)$/.exec(token);
  if (!m) return undefined;
  const word = m[1] as string;
  if (known.values.has(word) || known.switches.has(word)) return `use '--${word}' (long options take two dashes)`;
  if (/^[qvh]+$/.test(word)) return undefined; // bundled switches (-qv)
  const first = word[0] as string;
  if (known.values.has(known.letters[first] ?? '')) return undefined; // an attached value: -msyn, -phttp
  return "single-dash long options are not read: portscan's long options take two dashes";
}

/** The long option a token sets (for the conflict check), or undefined. */
function optionOf(token: string, known: KnownOptions): string | undefined {
  if (token.startsWith('--')) return token.slice(2).split('=')[0];
  if (/^-[A-Za-z]$/.test(token)) return known.letters[token.slice(1)];
  return undefined;
}

/**
 * `argv` with nmap's and masscan's spellings turned into ours; throws UsageError with one line
 * for an option that is not offered, a missing value, or two spellings setting one option.
 */
export function translateDialect(argv: readonly string[], known: KnownOptions): string[] {
  const out: string[] = [];
  // Which spelling set each option, and whether it was a dialect's: a repeat of our own spelling
  // is left to parseArgs' check, which names the values.
  const setBy = new Map<string, { spelling: string; dialect: boolean }>();
  const note = (option: string | undefined, spelling: string, dialect: boolean): void => {
    if (option === undefined || known.lists.has(option)) return;
    const before = setBy.get(option);
    if (before !== undefined && (before.dialect || dialect)) {
      throw new UsageError(`'${escapeText(spelling, 40)}' and '${before.spelling}' both set --${option}: give one`);
    }
    setBy.set(option, { spelling: escapeText(spelling, 40), dialect });
  };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const eq = token.startsWith('-') ? token.indexOf('=') : -1;
    const spelling = eq > 0 ? token.slice(0, eq) : token;
    const timing = /^-T(.+)$/.exec(token);
    const rule = timing ? TRANSLATE['-T'] : TRANSLATE[spelling];
    if (rule) {
      const [target, ...rest] = rule.to;
      let value: string | undefined;
      if (rule.value) {
        value = timing ? timing[1] : eq > 0 ? token.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`option '${escapeText(spelling, 40)}' expects a value`);
        value = rule.convert ? rule.convert(value, spelling) : value;
      }
      if (target !== undefined) note(target.slice(2), timing ? token : spelling, true);
      if (target !== undefined) out.push(target, ...rest, ...(value === undefined ? [] : [value]));
      continue;
    }
    if (/^-v{2,}$/.test(token)) {
      out.push('--verbose');
      continue;
    }
    const hint = HINTS[spelling] ?? familyHint(spelling) ?? singleDashLong(spelling, known);
    if (hint !== undefined) throw new UsageError(`${escapeText(spelling, 40)}: ${hint}`);
    const option = optionOf(token, known);
    note(option, spelling, false);
    out.push(token);
    // Our option's value goes through as it is, whatever it looks like ("-p -1024", "-o -x").
    if (option !== undefined && known.values.has(option) && eq < 0 && i + 1 < argv.length)
      out.push(argv[++i] as string);
  }
  return out;
}
