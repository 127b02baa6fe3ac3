// SPDX-License-Identifier: MIT
// runs.ts: bench:service's commands, all inside the testbed's scanner namespace, each timed as a
// whole (wall clock, spawn to exit) and read: portscan -sV and nmap -sV on the open ports (which
// services were named, and how), and the library scan timed from the inside (scan-timing.ts)
// with and without identification, scored by `testbed verify`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { readNmapXml } from '../../lib/bench/peers/nmap';
import type { ScanOptions } from '../../lib/options';
import { exec, fail, secondsSince } from '../lib/commands';
import { repoRoot } from '../lib/harness';
import { shownRun, TESTBED, verify, type Verified } from '../lib/testbed';
import type { ScanTiming } from './scan-timing';

export const NAME = 'bench:service';
const COMMAND_TIMEOUT_MS = 30 * 60 * 1000;

/** What a -sV run named at each open "ip port": the name ("ssl/http" when tunnelled), and whether an answer did. */
export type Names = Map<string, { name: string; probed: boolean }>;

export interface Timed {
  command: string;
  seconds: number;
}

/** Runs `testbed run ARGV...` and times it; gives up (exit 1) when it fails. */
function timed(argv: string[]): Timed {
  const t0 = process.hrtime.bigint();
  const r = exec(TESTBED, ['run', ...argv], undefined, COMMAND_TIMEOUT_MS);
  const seconds = secondsSince(t0);
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.trim().split('\n').slice(-3).join(' | ');
    fail(NAME, 1, `${shownRun(argv)} failed (exit ${r.status}): ${why}`);
  }
  return { command: shownRun(argv), seconds };
}

/** portscan -sV on HOSTS x PORTS as a user types it, NDJSON into `out`. */
export function portscanService(mode: string, hosts: string, ports: string, out: string): Timed {
  const cli = join(repoRoot(), 'bin', 'portscan.js');
  return timed([process.execPath, cli, '-q', '-m', mode, '-sV', '-f', 'ndjson', '-o', out, '-p', ports, hosts]);
}

/** nmap -sV on HOSTS x PORTS (no DNS, no host discovery: every target is scanned), XML into `out`. */
export function nmapService(hosts: string, ports: string, out: string): Timed {
  return timed(['nmap', '-sV', '-n', '-Pn', '-p', ports, '-oX', out, hosts]);
}

/** What portscan's NDJSON named. */
export function portscanNames(file: string): Names {
  const names: Names = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as {
      ip: string;
      port: number;
      state: string;
      service?: string;
      tunnel?: string;
      method?: string;
    };
    if (r.state !== 'open') continue;
    const name = r.tunnel ? `${r.tunnel}/${r.service}` : (r.service ?? 'unknown');
    names.set(`${r.ip} ${r.port}`, { name, probed: r.method === 'probed' });
  }
  return names;
}

/** What nmap's XML named. */
export function nmapNames(file: string): Names {
  const names: Names = new Map();
  for (const host of readNmapXml(readFileSync(file, 'utf8')).hosts)
    for (const p of host.ports)
      if (p.state === 'open')
        names.set(`${host.ip} ${p.port}`, { name: p.service ?? 'unknown', probed: p.method === 'probed' });
  return names;
}

/** One library scan timed from the inside, and `testbed verify --strict-closed`'s score of it. */
export function timedScan(options: ScanOptions, out: string): { timing: ScanTiming; verified: Verified } {
  const worker = join(repoRoot(), 'dist', 'bench', 'service', 'scan-timing.js');
  const r = exec(
    TESTBED,
    ['run', process.execPath, worker, JSON.stringify(options), out],
    undefined,
    COMMAND_TIMEOUT_MS,
  );
  if (r.error || r.status !== 0)
    fail(NAME, 1, `the timed scan failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
  const timing = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ScanTiming;
  const hosts = String(options.targets);
  const ports = String(options.ports);
  return { timing, verified: verify(hosts, ports, readFileSync(out, 'utf8'), ['--strict-closed']) };
}
