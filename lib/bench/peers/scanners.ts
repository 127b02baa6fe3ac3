// SPDX-License-Identifier: MIT
// scanners.ts: the other scanners `portscan bench --peers` runs on the same workloads, when they
// are installed: nmap in connect mode (-sT, the connect workload), masscan and zmap in SYN mode
// (the syn workload). Each is a Scanner (workload.ts): its command line at a given rate, built by
// nmap.ts, masscan.ts or zmap.ts (where each tool's quirks are handled), and a reader of its
// output into open (address, port) pairs. Each keeps its default retries. What is particular to
// the bench range: masscan's --router-ip is the target side's link address, its wake-up packet
// is range.poke() (a datagram from the target side); zmap's gateway MAC is the target side's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TGT_ADDR } from '../range';
import type { RunControl } from '../run';
import { quote } from '../shell';
import { expandPorts, type Findings } from '../truth';
import type { JobRun, Mode, ScanJob, Scanner } from '../workload';
import { MasscanWatch, masscanArgv, readMasscanList } from './masscan';
import { nmapConnectArgv, readNmapXml } from './nmap';
import { installed, PEER_TOOLS, peerVersion, type PeerTool } from './version';
import { readZmapCsv, zmapArgv } from './zmap';

/** masscan's --wait and zmap's -c (cooldown), seconds: replies on the veth take microseconds. */
const MASSCAN_WAIT_S = 1;
const ZMAP_COOLDOWN_S = 1;

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

const versionOf = (tool: PeerTool): string => peerVersion(tool) ?? 'unknown version';

/** nmap's findings: every IPv4 host's listed ports (open, closed or filtered). */
export function nmapFindings(text: string): Findings {
  const open = new Set<string>();
  const other: Findings['other'] = new Map();
  for (const host of readNmapXml(text).hosts) {
    if (!host.ip) continue;
    for (const { port, state } of host.ports) {
      const k = `${host.ip} ${port}`;
      if (state === 'open') open.add(k);
      else if (state === 'closed' || state === 'filtered') other.set(k, state);
    }
  }
  return { open, other };
}

/** A peer as a Scanner: its name, mode, version and default retries, and its job. */
function peer(tool: PeerTool, mode: Mode, retries: string, job: Scanner['job']): Scanner {
  return { name: tool, mode, version: versionOf(tool), retries, job };
}

/** A job of one process writing to `out` (shown as `shownOut`), read by `findings`. */
function oneProcess(run: JobRun, out: string, shownOut: string, findings: (text: string) => Findings): ScanJob {
  return { runs: [run], shown: quote(run.argv).replace(out, shownOut), parse: () => findings(read(out)) };
}

const listed = (pairs: string[]): Findings => ({ open: new Set(pairs), other: new Map() });

export function nmapScanner(): Scanner {
  return peer('nmap', 'connect', 'nmap default: adaptive, up to 10 retransmissions (-T3)', (w, rate, ctx, tag) => {
    const out = join(ctx.dir, `nmap-${tag}.xml`);
    const argv = nmapConnectArgv({ ports: w.ports, hosts: w.hosts, ratePps: rate, out });
    return oneProcess({ argv, expectMs: (w.want.probes / rate) * 1000 + 8000 }, out, 'OUT.xml', nmapFindings);
  });
}

/** Reads masscan's status line and ends it once its wait is over (masscan.ts says why and how). */
function masscanWatcher(): NonNullable<JobRun['watch']> {
  const watch = new MasscanWatch(MASSCAN_WAIT_S);
  let timer: NodeJS.Timeout | undefined;
  return (chunk: string, ctl: RunControl) => {
    watch.feed(chunk, ctl.elapsedMs() / 1000);
    // The status line goes on repeating once masscan is stuck; act on a timer, not on output.
    timer ??= setInterval(() => {
      if (ctl.ended()) return clearInterval(timer);
      const act = watch.next(ctl.elapsedMs() / 1000);
      if (act === 'wake') ctl.poke();
      else if (act === 'interrupt') ctl.signal('SIGINT');
    }, 50);
    timer.unref();
  };
}

export function masscanScanner(): Scanner {
  return peer('masscan', 'syn', 'masscan default: --retries 0 (one probe per port)', (w, rate, ctx, tag) => {
    const out = join(ctx.dir, `masscan-${tag}.txt`);
    const iface = ctx.range.scanDev;
    const job = { ports: w.ports, hosts: w.hosts, ratePps: rate, iface, routerIp: TGT_ADDR, out };
    const argv = masscanArgv({ ...job, waitS: MASSCAN_WAIT_S });
    const expectMs = (w.want.probes / rate) * 1000 + (MASSCAN_WAIT_S + 6) * 1000;
    return oneProcess({ argv, expectMs, watch: masscanWatcher() }, out, 'OUT.txt', (t) => listed(readMasscanList(t)));
  });
}

/** zmap 2.x scans one port per run: one process per port of the workload. */
export function zmapScanner(): Scanner {
  return peer('zmap', 'syn', 'zmap default: -P 1 (one probe per port)', (w, rate, ctx, tag): ScanJob => {
    const ports = expandPorts(w.ports);
    const base = { hosts: w.hosts, iface: ctx.range.scanDev, gatewayMac: ctx.range.gatewayMac(), ratePps: rate };
    const argvOf = (port: number | string, out: string): string[] =>
      zmapArgv({ ...base, port, cooldownS: ZMAP_COOLDOWN_S, out });
    const outOf = (port: number): string => join(ctx.dir, `zmap-${tag}-${port}.csv`);
    const shown = quote(argvOf('PORTX', 'OUT-PORTX.csv')).replace(/PORTX/g, '$PORT');
    return {
      runs: ports.map((p) => ({
        argv: argvOf(p, outOf(p)),
        expectMs: (w.want.probes / ports.length / rate) * 1000 + (ZMAP_COOLDOWN_S + 2) * 1000,
      })),
      shown: `for PORT in ${ports.join(' ')}; do ${shown}; done`,
      parse: () => listed(ports.flatMap((p) => readZmapCsv(read(outOf(p))))),
    };
  });
}

/** The peers installed here, and the ones that are not. */
export function findPeers(): { scanners: Scanner[]; missing: string[] } {
  const scanners: Scanner[] = [];
  const missing: string[] = [];
  const make: Record<PeerTool, () => Scanner> = { nmap: nmapScanner, masscan: masscanScanner, zmap: zmapScanner };
  for (const tool of PEER_TOOLS) {
    if (installed(tool)) scanners.push(make[tool]());
    else missing.push(`${tool} (not installed: apt-get install ${tool})`);
  }
  return { scanners, missing };
}
