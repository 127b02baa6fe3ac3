// SPDX-License-Identifier: MIT
// zmap.ts: what this project knows about zmap, for `portscan bench --peers` and the dev benchmark
// bench:syn alike: its command line, a reader of its CSV output, of the send summary on its
// stderr and of its metadata file (-m). Quirks handled here:
// - zmap 2.x scans one port per run: a workload of five ports is five runs, each with its own
//   start-up and cooldown (-c).
// - Its default blocklist excludes the benchmarking ranges (198.18.0.0/15 is reserved), so it gets
//   -b /dev/null: an empty blocklist. What it was allowed to scan is in its metadata
//   (blacklist_total_allowed), for the caller to check.
// - Inside a network namespace it cannot find the gateway's MAC address: it is given (-G), with
//   the interface (-i).
// - It writes to syslog unless told not to (--disable-syslog).
// - Output: --output-fields=saddr,sport, CSV with a header line; sport is the port scanned.
// - Its own send rate: the last "send: N done (R p/s avg)" line on stderr, R with a K, M or G.

/** What one zmap run is asked to do. */
export interface ZmapJob {
  port: number | string;
  hosts: string;
  iface: string;
  gatewayMac: string;
  ratePps: number;
  /** -c: seconds to wait for late replies after the last probe. */
  cooldownS: number;
  /** Where -o writes. */
  out: string;
  /** Where -m writes zmap's metadata (JSON); none when absent. */
  metadata?: string;
}

/** The zmap command line of one port, program name first. */
export function zmapArgv(job: ZmapJob): string[] {
  return [
    ...['zmap', '-p', String(job.port), '-b', '/dev/null', '-i', job.iface, '-G', job.gatewayMac],
    ...['-r', String(job.ratePps), '-c', String(job.cooldownS), '-o', job.out, '--output-fields=saddr,sport'],
    ...(job.metadata === undefined ? [] : ['-m', job.metadata]),
    ...['--disable-syslog', job.hosts],
  ];
}

/** zmap's CSV (a "saddr,sport" header, then "198.18.0.1,22"): "ip port" of each line, repeats kept. */
export function readZmapCsv(text: string): string[] {
  const open: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+\.\d+\.\d+),(\d+)$/.exec(line.trim());
    if (m) open.push(`${m[1]} ${m[2]}`);
  }
  return open;
}

/** A rate as zmap prints it ("78.2" "K"), per second. */
function scaled(value: string, unit: string | undefined): number {
  const k = (unit ?? '').toUpperCase();
  return Number(value) * (k === 'K' ? 1e3 : k === 'M' ? 1e6 : k === 'G' ? 1e9 : 1);
}

/** The last "send: N done (R p/s avg)" of zmap's stderr: probes sent and its average send rate. */
export function readZmapSendSummary(stderr: string): { sent: number; avgPps: number } | null {
  const done = [...stderr.matchAll(/send: (\d+) done \(([\d.]+) ([KMG]?)p\/s avg\)/g)].pop();
  return done ? { sent: Number(done[1]), avgPps: scaled(done[2] as string, done[3]) } : null;
}

/** The fields of zmap's metadata file (-m) that the benchmarks read. */
export interface ZmapMetadata {
  total_sent?: number;
  blacklist_total_allowed?: number;
  cli_cidr_destinations?: unknown;
  success_unique?: number;
  pcap_drop?: number;
}

/** zmap's metadata file, or {} when it is missing or unreadable (the run failed). */
export function readZmapMetadata(text: string): ZmapMetadata {
  try {
    return JSON.parse(text) as ZmapMetadata;
  } catch {
    return {};
  }
}
