// SPDX-License-Identifier: MIT
// compat-options.ts: the scan command's options that nmap and masscan users bring (dialect.ts
// turns their spellings into these): --top-ports, --timing (-T0..-T5), --host-timeout, -c/--conf
// and --echo, with their yargs definitions and their share of toOptions: the timing templates
// (a table), the top ports from nmap's ranking, and masscan's rate suffixes (100k, 1.5M).
import { UsageError } from '../errors';
import type { ScanOptions } from '../options';
import { NMAP_SERVICES_MISSING, nmapServices } from '../plan/nmap-services';
import { escapeText } from '../safe-fs';
import { nmapTimeMs } from './dialect';

type Timing = Pick<ScanOptions, 'tasks' | 'ratePps' | 'timeoutMs' | 'minTimeoutMs'>;

/**
 * nmap's timing templates as our options. A template only fills what the command line leaves
 * out (nmap: "the fine-grained controls that you specify will take precedence"). portscan's
 * slowest pace is one probe per second, so -T0 and -T1 are the same here; -T3 is our defaults.
 */
export const TIMING_TEMPLATES: readonly { name: string; nmap: string; ours: Timing }[] = [
  { name: 'paranoid', nmap: 'one probe at a time, 5 min apart', ours: { tasks: 1, ratePps: 1, timeoutMs: 10000 } },
  { name: 'sneaky', nmap: 'one probe at a time, 15 s apart', ours: { tasks: 1, ratePps: 1, timeoutMs: 10000 } },
  { name: 'polite', nmap: 'one probe at a time, 0.4 s apart', ours: { tasks: 1, ratePps: 2, timeoutMs: 10000 } },
  { name: 'normal', nmap: 'the default', ours: {} },
  {
    name: 'aggressive',
    nmap: '--max-rtt-timeout 1250ms --min-rtt-timeout 100ms --max-retries 6, scan delay at most 10 ms',
    ours: { timeoutMs: 1250, minTimeoutMs: 100 },
  },
  {
    name: 'insane',
    nmap: '--max-rtt-timeout 300ms --min-rtt-timeout 50ms --max-retries 2, scan delay at most 5 ms',
    ours: { timeoutMs: 300, minTimeoutMs: 50 },
  },
];

/** yargs definitions of these options (scan-args.ts adds them to its own). */
export const COMPAT_OPTIONS = {
  'top-ports': {
    type: 'string',
    describe: "the N ports nmap finds open most often (nmap's --top-ports: needs nmap-services, from nmap-common)",
  },
  timing: {
    type: 'string',
    describe: "nmap's timing template, 0-5 or paranoid..insane (-T4): sets --rate, --timeout, --min-timeout, --tasks",
  },
  'host-timeout': {
    type: 'string',
    describe: "nmap's --host-timeout (30m, 2h): accepted and checked, not applied (see the nmap section below)",
  },
  conf: { alias: 'c', type: 'string', describe: "read options from FILE: masscan's 'name = value' lines" },
  echo: { type: 'boolean', describe: 'print the options in effect as a --conf file and exit, without scanning' },
} as const;

/** The template of a --timing value (a digit or a name). */
function template(value: string): Timing {
  const v = value.trim().toLowerCase();
  const t = /^[0-5]$/.test(v) ? TIMING_TEMPLATES[Number(v)] : TIMING_TEMPLATES.find((x) => x.name === v);
  if (!t) {
    throw new UsageError(
      `option '--timing' (-T) expects 0-5 or ${TIMING_TEMPLATES.map((x) => x.name).join('|')}, ` +
        `got '${escapeText(value, 40)}'`,
    );
  }
  return t.ours;
}

/** Fills what the timing template sets and the command line left out. */
export function applyTiming(value: string | undefined, opts: ScanOptions): void {
  if (value === undefined) return;
  for (const [k, v] of Object.entries(template(value)) as [keyof Timing, number][]) {
    if (opts[k] === undefined) opts[k] = v;
  }
}

/** masscan's rate: a whole number of probes per second, or with k or M (100k, 1.5M). */
export function parseRate(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  const rate = m ? Number(m[1]) * ({ k: 1e3, m: 1e6 }[(m[2] as string).toLowerCase()] ?? 1) : NaN;
  if (!Number.isSafeInteger(rate)) {
    throw new UsageError(
      `option '--rate' expects a whole number of probes per second (100k, 1.5M work), got '${escapeText(text, 40)}'`,
    );
  }
  return rate;
}

/** The ports of --top-ports N, from nmap's ranking. */
export function topPorts(text: string, ports: unknown): number[] {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) < 1 || Number(text) > 65535) {
    throw new UsageError(`option '--top-ports' expects a whole number from 1 to 65535, got '${escapeText(text, 40)}'`);
  }
  if (ports !== undefined) throw new UsageError("options '--top-ports' and '--ports' (-p) choose the ports: give one");
  const services = nmapServices();
  if (services === null) throw new UsageError(`option '--top-ports': ${NMAP_SERVICES_MISSING}`);
  return services.topPorts(Number(text));
}

/** --host-timeout's value, checked as nmap reads it (seconds unless suffixed ms, s, m, h). */
export function checkHostTimeout(text: string | undefined): void {
  if (text !== undefined) nmapTimeMs(text, '--host-timeout');
}

/** The line said when --host-timeout is given: what it does here. */
export const HOST_TIMEOUT_NOTICE =
  '--host-timeout is not applied: portscan probes every host of the plan interleaved, so no host ' +
  'holds the scan up (a host answering on every port is cut short by --tarpit-limit)';
