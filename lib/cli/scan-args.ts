// SPDX-License-Identifier: MIT
// scan-args.ts: the scan command's command line: its yargs options with their help, and the
// translation of the parsed arguments into ScanOptions (whole numbers, shards, seeds checked
// here, everything else in options.ts). nmap's and masscan's spellings and -c files are turned into
// these options first (dialect.ts, conf-file.ts). Parsing only: nothing is sent.
import yargs from 'yargs';

import { UsageError } from '../errors';
import type { ScanOptions } from '../options';
import { escapeText } from '../safe-fs';
import { FORMATS } from '../output/formats';
import { EPILOG } from './scan-help';
import { checkArgv, checkRepeats, LISTS } from './argv-checks';
import { joinStdoutValues, OUTPUT_OPTION_DEFS } from './output-args';
import { applyTiming, checkHostTimeout, COMPAT_OPTIONS, parseRate, topPorts } from './compat-options';
import { knownOptionsOf, translateDialect, type KnownOptions } from './dialect';
import { expandConf } from './conf-file';
import { serviceArgv, serviceFlags, serviceOptions } from './service-args';

function wholeNumber(flag: string, text: string | undefined, suffixes = false): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+)(ms|s)?$/.exec(text.trim());
  if (!m || (!suffixes && m[2])) {
    throw new UsageError(
      `option '--${flag}' expects a whole number${suffixes ? ' of ms (or with s)' : ''}, got '${escapeText(text)}'`,
    );
  }
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

const SEED_MAX = (1n << 64n) - 1n;

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).map(String);
}

function parser(argv: string[]) {
  // "-p-" is nmap's spelling of every port; yargs would read it as two short flags.
  const args = joinStdoutValues(argv.map((a) => (a === '-p-' ? '--ports=all' : serviceArgv(a))));
  return serviceFlags(yargs(args))
    .scriptName('portscan')
    .command('$0 [targets..]', 'TCP port scanner: finds the open, closed and silent ports of the targets', (y) =>
      y.positional('targets', { type: 'string', array: true, describe: 'addresses, ranges, CIDR blocks, hostnames' }),
    )
    .parserConfiguration({
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'duplicate-arguments-array': true,
    })
    .option('ports', { alias: 'p', type: 'string', describe: 'ports to scan (default: the Standard list)' })
    .option('mode', {
      alias: 'm',
      type: 'string',
      default: 'auto',
      describe:
        'scan mode: connect (Conventional: full TCP handshake, no privileges), ' +
        'syn (Stealth: half-open, needs root or CAP_NET_RAW and libpcap), auto: syn when it can, else connect',
    })
    .option('tasks', {
      alias: 't',
      type: 'string',
      describe: 'simultaneous connection attempts (default: from the open-file limit, at most 10000)',
    })
    .option('timeout', {
      type: 'string',
      describe: 'longest wait for an answer to one probe, ms (default 1000; "2s" works)',
    })
    .option('min-timeout', {
      type: 'string',
      describe: 'shortest wait, once round trips are measured, ms (default: connect 100, syn 20)',
    })
    .option('retries', {
      alias: 'r',
      type: 'string',
      describe:
        'times a silent port is probed again: a number, or auto (default): in syn mode as few (0-2) as the ' +
        'loss measured during the scan allows under --max-miss (-v says what it chose); connect mode: 2',
    })
    .option('max-miss', {
      type: 'string',
      describe: 'with --retries auto: the chance of missing a port that answers, at most (default 0.001)',
    })
    .option('rate', {
      type: 'string',
      describe: 'most probes per second, 100k and 1.5M work (default: connect no limit, syn 100000)',
    })
    .option('wait', {
      type: 'string',
      describe:
        'syn: wait after the last try for late replies, ms ' +
        '(default: adaptive, over once a sentinel probe shows the replies in flight are in, 250 at most)',
    })
    .option('source-port', { type: 'string', describe: 'syn: source port of the probes (default: random 40000-59999)' })
    .option('source-ip', { type: 'string', describe: 'syn: source address (default: from the routing table)' })
    .option('interface', {
      alias: 'e',
      type: 'string',
      describe: "syn: capture interface (default: from the route; 'lo' for loopback)",
    })
    .option('send', {
      type: 'string',
      describe:
        "syn: how probes leave: link (Ethernet frames to the gateway's MAC, from the neighbour table), " +
        "ip (raw IP socket, the kernel routes each), auto: link when the gateway's MAC is known (default auto)",
    })
    .option('router-mac', {
      type: 'string',
      describe:
        "syn: send the frames to this MAC (e.g. 02:00:00:00:00:01) instead of the gateway's from the neighbour table",
    })
    .option('seed', { type: 'string', describe: 'syn: permutation key, to repeat a scan order (default: random)' })
    .option('start-ip', { type: 'string', describe: "first address of a range (PortScan's Starting IP)" })
    .option('end-ip', { type: 'string', describe: "last address of a range (PortScan's Ending IP)" })
    .option('input-file', { alias: 'i', type: 'string', describe: "read targets from a file ('-' = stdin)" })
    .option('exclude', { type: 'string', describe: 'addresses to leave out, comma-separated, in the target syntax' })
    .option('exclude-file', { type: 'string', describe: 'read addresses to leave out from a file' })
    .option('format', { alias: 'f', type: 'string', default: 'table', describe: `output form: ${FORMATS.join(', ')}` })
    .option('output', { alias: 'o', type: 'string', describe: 'write results to FILE instead of stdout' })
    .options(OUTPUT_OPTION_DEFS)
    .option('full', {
      type: 'boolean',
      default: false,
      describe: 'list every port: the full port list per host; every probed port in ndjson/json/csv/list',
    })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'no progress line or notices on stderr' })
    .option('verbose', {
      alias: 'v',
      type: 'boolean',
      default: false,
      describe: "print the engine's counters at the end (probes sent, replies, capture drops)",
    })
    .option('adaptive', {
      type: 'boolean',
      default: false,
      describe: 'syn: lower the rate when answers show packet loss, raise it again when the network is clean',
    })
    .option('yes', {
      type: 'boolean',
      describe: 'scan a plan of more than 2^24 addresses (a /0, a huge range): it is refused without this or --rate',
    })
    .option('default-excludes', {
      type: 'boolean',
      default: true,
      describe:
        'leave out special-purpose ranges (private, loopback, documentation, multicast: RFC 6890) from targets ' +
        'that contain them (not from targets inside them); --no-default-excludes scans them',
    })
    .option('tarpit-limit', {
      type: 'string',
      describe:
        'open ports after which a host answering on (nearly) every port is reported once as a tarpit ' +
        'instead of port by port; 0 = never (default 200)',
    })
    .option('shard', {
      type: 'string',
      describe:
        'K/N: scan only the K-th of N disjoint parts of the plan (same targets, ports and --seed in every part)',
    })
    .option('checkpoint', {
      type: 'string',
      describe: 'keep a resume point in FILE (default: OUTPUT.checkpoint for scans of over a million probes with -o)',
    })
    .option('user', {
      type: 'string',
      describe:
        'as root: the user (name or uid) the scan becomes once its sockets, capture and files are open ' +
        "(default: the sudo user, else nobody; 'root' keeps root, not advised). If that user cannot write " +
        'the checkpoint directory the scan stays root and says so',
    })
    .options(COMPAT_OPTIONS)
    .option('resume', {
      type: 'string',
      describe:
        'continue the scan recorded in checkpoint FILE, with its -o and -f ' +
        '(only --rate, --wait, --user, -q, -v may change; --yes for a large plan)',
    })
    .example('portscan 127.0.0.1', 'the Standard list of 32 ports on this machine')
    .example("portscan -p '21, 22, 80-88, 6666' 127.0.0.1", 'a custom port list')
    .example('portscan -p- --full 127.0.0.1', 'every port, with the full port list')
    .example('portscan --mode syn -p- 127.0.0.1', 'Stealth (SYN) mode on loopback (as root)')
    .example(
      'testbed run portscan -p 1-65535 -f ndjson -o out.ndjson 198.18.0.0/29',
      'inside the testbed, results saved as NDJSON',
    )
    .epilog(EPILOG)
    .strict()
    .help('help')
    .alias('help', 'h')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .exitProcess(false);
}

export function toOptions(a: Record<string, unknown>): ScanOptions {
  const last = (v: unknown): string | undefined =>
    Array.isArray(v) ? String(v[v.length - 1]) : v === undefined ? undefined : String(v);
  const opts: ScanOptions = {
    targets: [...(list(a.targets) ?? []), ...(list(a._) ?? [])].filter((t) => t.length > 0),
    mode: last(a.mode) as ScanOptions['mode'],
    full: Boolean(a.full),
    adaptive: Boolean(a.adaptive),
  };
  const ports = list(a.ports);
  if (ports !== undefined) opts.ports = ports.some((p) => /^\s*(-|all)\s*$/i.test(p)) ? 'all' : ports.join(',');
  const top = last(a['top-ports']);
  if (top !== undefined) opts.ports = topPorts(top, ports);
  const set = <K extends keyof ScanOptions>(k: K, v: ScanOptions[K] | undefined): void => {
    if (v !== undefined) opts[k] = v;
  };
  set('tasks', wholeNumber('tasks', last(a.tasks)));
  set('timeoutMs', wholeNumber('timeout', last(a.timeout), true));
  set('minTimeoutMs', wholeNumber('min-timeout', last(a['min-timeout']), true));
  const retries = last(a.retries);
  set('retries', retries?.trim() === 'auto' ? 'auto' : wholeNumber('retries', retries));
  const maxMiss = last(a['max-miss']);
  if (maxMiss !== undefined) {
    if (!/^\s*(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(maxMiss)) {
      throw new UsageError(`option '--max-miss' expects a probability such as 0.001, got '${escapeText(maxMiss, 40)}'`);
    }
    opts.maxMiss = Number(maxMiss);
  }
  set('ratePps', parseRate(last(a.rate)));
  set('waitMs', wholeNumber('wait', last(a.wait), true));
  set('tarpitLimit', wholeNumber('tarpit-limit', last(a['tarpit-limit'])));
  set('sourcePort', wholeNumber('source-port', last(a['source-port'])));
  set('sourceIp', last(a['source-ip']));
  set('device', last(a.interface));
  set('sendPath', last(a.send) as ScanOptions['sendPath']);
  set('routerMac', last(a['router-mac']));
  const seed = last(a.seed);
  if (seed !== undefined) {
    if (!/^\d{1,20}$/.test(seed) || BigInt(seed) > SEED_MAX) {
      throw new UsageError(`option '--seed' expects a whole number from 0 to ${SEED_MAX}, got '${escapeText(seed)}'`);
    }
    opts.seed = BigInt(seed);
  }
  if (a.yes === true) opts.yes = true;
  if (a['default-excludes'] === false) opts.defaultExcludes = false;
  set('startIp', last(a['start-ip']));
  set('endIp', last(a['end-ip']));
  set('inputFiles', list(a['input-file']));
  set('exclude', list(a.exclude));
  set('excludeFiles', list(a['exclude-file']));
  applyTiming(last(a.timing), opts);
  checkHostTimeout(last(a['host-timeout']));
  const shard = last(a.shard);
  if (shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shard.trim());
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]))
      throw new UsageError(`option '--shard' expects K/N with 1 <= K <= N, got '${escapeText(shard)}'`);
    opts.shard = { index: Number(m[1]), count: Number(m[2]) };
  }
  serviceOptions(a, opts);
  return opts;
}

let known: KnownOptions | undefined;

/** Our options as dialect.ts and conf-file.ts need them, read from the yargs definitions once. */
export function knownOptions(): KnownOptions {
  known ??= knownOptionsOf(parser([]), LISTS);
  return known;
}

export async function parseArgs(raw: string[]): Promise<Record<string, unknown>> {
  const argv = expandConf(translateDialect(raw, knownOptions()), knownOptions());
  checkArgv(argv);
  const args = (await parser(argv)
    .fail((msg, err) => {
      // yargs' own messages quote what was typed ("Unknown argument: ..."): escaped, cut short.
      throw err ?? new UsageError(escapeText(msg, 160));
    })
    .parseAsync()) as Record<string, unknown>;
  checkRepeats(args);
  return args;
}
