// SPDX-License-Identifier: MIT
// service-args.ts: the command line of service identification: -sV / --service / --banners
// (masscan's name), --service-timeout, --service-tasks; their translation into ScanOptions'
// `service`. Parsing only.
import type { Argv } from 'yargs';

import { UsageError } from '../errors';
import type { ScanOptions } from '../options';
import { escapeText } from '../safe-fs';
import type { ServiceOptions } from '../service/queue';

/** Switches of this file (scan-args.ts refuses "--service=maybe" for them). */
export const SERVICE_SWITCHES = ['service', 'banners'];

/** nmap's spelling, which yargs would read as the short flags -s -V. */
export function serviceArgv(a: string): string {
  return a === '-sV' ? '--service' : a;
}

export function serviceFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('service', {
      alias: 'banners',
      type: 'boolean',
      describe:
        "identify what answers on each open port (-sV; --banners, masscan's name): banner, TLS certificate, " +
        'HTTP status/Server/title, service, product, version. Open results are written once identified',
    })
    .option('service-timeout', {
      type: 'string',
      describe: 'with --service: deadline of one identification connection, ms (default 3000; "5s" works)',
    })
    .option('service-tasks', {
      type: 'string',
      describe: 'with --service: simultaneous identifications (default 64; 8 per host at most)',
    });
}

function number(flag: string, text: unknown, min: number, max: number, suffixes: boolean): number | undefined {
  if (text === undefined) return undefined;
  const t = String(Array.isArray(text) ? text.at(-1) : text);
  const m = /^(\d{1,9})(ms|s)?$/.exec(t.trim());
  const value = m ? Number(m[1]) * (m[2] === 's' ? 1000 : 1) : NaN;
  if (!m || (!suffixes && m[2]) || value < min || value > max) {
    throw new UsageError(`option '--${flag}' expects a whole number from ${min} to ${max}, got '${escapeText(t)}'`);
  }
  return value;
}

/** Adds `service` to `opts` when --service was given; its limits need --service. */
export function serviceOptions(a: Record<string, unknown>, opts: ScanOptions): void {
  const timeoutMs = number('service-timeout', a['service-timeout'], 1, 600_000, true);
  const tasks = number('service-tasks', a['service-tasks'], 1, 10_000, false);
  if (a.service !== true) {
    if (timeoutMs !== undefined || tasks !== undefined) {
      throw new UsageError('options --service-timeout and --service-tasks need --service (-sV)');
    }
    return;
  }
  if (a.checkpoint !== undefined || a.resume !== undefined) {
    throw new UsageError('option --service cannot be used with --checkpoint or --resume');
  }
  const service: ServiceOptions = {};
  if (timeoutMs !== undefined) service.timeoutMs = timeoutMs;
  if (tasks !== undefined) service.tasks = tasks;
  opts.service = service;
}
