// SPDX-License-Identifier: MIT
// options.ts: the options of `portscan bench` (yargs): what each means, their defaults, and their
// checks. A bad option is a usage error, said in one line and a hint, before anything is built.
import yargs from 'yargs';

import { usageFailure } from '../cli/exit';
import { escapeText } from '../safe-fs';
import { DEFAULT_RATES, MODES, type Mode } from './workload';

/** The options, checked. */
export interface BenchOptions {
  peers: boolean;
  json: boolean;
  /** Where to write the HTML page (or, for a .svg name, the chart alone). */
  reportPath: string | undefined;
  modes: Mode[];
  rates: Record<Mode, number[]>;
  losses: number[];
  delayMs: number;
  limitS: number;
  prefix: string;
}

const ABOUT =
  'portscan bench [options]\n\nBuilds a sealed scan range on this machine (network namespaces, needs root), ' +
  'measures the highest probe rate at which each scan mode still finds every open port, its CPU cost per probe ' +
  'and its recall under packet loss, optionally next to nmap, masscan and zmap, then removes the range.';

const EXIT_CODES =
  'Exit codes: 0 done (whatever the recall), 1 the range could not be built or a portscan run failed, ' +
  '2 bad usage or not root, 130 interrupted. The range is removed in every case.';

function numbers(flag: string, text: string, min: number): number[] {
  const xs = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (xs.length === 0 || xs.some((x) => !Number.isFinite(x) || x < min))
    throw new Error(
      `option '--${flag}' expects numbers of at least ${min}, comma-separated, got '${escapeText(text)}'`,
    );
  return xs;
}

function parser(argv: string[]) {
  return yargs(argv)
    .scriptName('portscan bench')
    .usage(ABOUT)
    .parserConfiguration({ 'parse-numbers': false })
    .option('peers', {
      type: 'boolean',
      default: false,
      describe: 'also run nmap (-sT), masscan and zmap, when installed, on the same workloads',
    })
    .option('json', {
      type: 'boolean',
      default: false,
      describe: 'print the results as JSON on stdout (the table goes to stderr)',
    })
    .option('report', {
      type: 'string',
      describe: 'write a self-contained HTML page (or, for a .svg name, the chart alone)',
    })
    .option('modes', { type: 'string', default: 'connect,syn', describe: 'modes to measure' })
    .option('connect-rates', {
      type: 'string',
      default: DEFAULT_RATES.connect.join(','),
      describe: 'probe rates of the connect sweep, per second',
    })
    .option('syn-rates', {
      type: 'string',
      default: DEFAULT_RATES.syn.join(','),
      describe: 'probe rates of the syn sweep, per second',
    })
    .option('loss', {
      type: 'string',
      default: '0,1,5',
      describe: "packet loss to inject, % each way, at each sweep's second rate ('' for none)",
    })
    .option('delay', {
      type: 'string',
      default: '20',
      describe: 'added delay to test, ms each way (needs tc netem; 0 for none)',
    })
    .option('time-limit', { type: 'string', default: '540', describe: 'seconds: no step starts that could end later' })
    .option('prefix', { type: 'string', default: 'psb', describe: 'namespace name prefix: PREFIX-scan and PREFIX-tgt' })
    .example('sudo portscan bench', 'connect and syn modes, 1-2 minutes')
    .example(
      'sudo portscan bench --peers --report bench.html',
      'with nmap, masscan and zmap (about 4 minutes), and a page with the charts',
    )
    .epilog(EXIT_CODES)
    .strict()
    .help('help')
    .alias('help', 'h')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false);
}

/** The options checked from the parsed arguments; throws saying what is wrong. */
function checked(a: Record<string, unknown>): BenchOptions {
  const modes = String(a.modes)
    .split(',')
    .map((m) => m.trim()) as Mode[];
  if (modes.length === 0 || modes.some((m) => !MODES.includes(m)))
    throw new Error(`option '--modes' expects connect, syn or both, got '${escapeText(String(a.modes))}'`);
  const rates = {
    connect: numbers('connect-rates', String(a['connect-rates']), 1),
    syn: numbers('syn-rates', String(a['syn-rates']), 1),
  };
  const losses = String(a.loss).trim() === '' ? [] : numbers('loss', String(a.loss), 0);
  if (losses.some((l) => l >= 100)) throw new Error("option '--loss' expects percentages below 100");
  return {
    peers: Boolean(a.peers),
    json: Boolean(a.json),
    reportPath: typeof a.report === 'string' && a.report !== '' ? a.report : undefined,
    modes,
    rates,
    losses,
    delayMs: numbers('delay', String(a.delay), 0)[0] as number,
    limitS: numbers('time-limit', String(a['time-limit']), 10)[0] as number,
    prefix: String(a.prefix),
  };
}

/**
 * Parses `portscan bench ARGV...`: the options, or 'help' when help was printed, or null after
 * a usage error was printed (one line and a hint).
 */
export async function parseBenchArgs(argv: string[]): Promise<BenchOptions | 'help' | null> {
  try {
    const a = (await parser(argv)
      .fail((msg, err) => {
        throw err ?? new Error(msg);
      })
      .parseAsync()) as Record<string, unknown>;
    return a.help ? 'help' : checked(a);
  } catch (err) {
    usageFailure(err, 'portscan bench'); // one line, escaped: it may quote what was typed
    return null;
  }
}
