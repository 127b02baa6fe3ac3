// SPDX-License-Identifier: MIT
// peers.ts: the other scanners `portscan bench --peers` runs on the same workloads, when they are
// installed: nmap in connect mode (-sT, the connect workload), masscan and zmap in SYN mode (the
// syn workload). Each is a Scanner (sweep.ts): its command line at a given rate, and a reader of
// its output into open (address, port) pairs. Each keeps its default retries. Quirks handled here:
// nmap gets -n (no DNS, ever) and -Pn; masscan needs --interface and --router-ip inside the
// namespace, and version 1.3.2 does not exit after its --wait (its receive thread blocks in a
// pcap read until a packet arrives), so once its status line says the wait is over it is sent one
// packet (range.poke()), then SIGINT twice; zmap 2.x scans one port per run, needs -b /dev/null
// (its default blocklist excludes the benchmarking range) and the gateway MAC (-G) given.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TGT_ADDR } from './range';
import type { RunControl } from './run';
import { quote, type JobContext, type Scanner, type Workload } from './sweep';
import { expandPorts, type Findings } from './truth';

/** masscan's --wait and zmap's -c (cooldown), seconds: replies on the veth take microseconds. */
const MASSCAN_WAIT = 1;
const ZMAP_COOLDOWN = 1;

function installed(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function versionOf(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10000 });
  const text = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  return pattern.exec(text)?.[0]?.trim() ?? 'unknown version';
}

/** nmap -oX: every <host> block's address and its open ports. */
export function readNmapXml(text: string): Findings {
  const open = new Set<string>();
  const other: Findings['other'] = new Map();
  for (const block of text.split('<host ').slice(1)) {
    const ip = /<address addr="([\d.]+)" addrtype="ipv4"/.exec(block)?.[1];
    if (!ip) continue;
    for (const m of block.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="([a-z|]+)"/g)) {
      const k = `${ip} ${m[1]}`;
      if (m[2] === 'open') open.add(k);
      else if (m[2] === 'closed' || m[2] === 'filtered') other.set(k, m[2]);
    }
  }
  return { open, other };
}

/** masscan -oL: "open tcp 22 198.18.0.1 1700000000". */
export function readMasscanList(text: string): Findings {
  const open = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'open' && f[1] === 'tcp' && f[2] && f[3]) open.add(`${f[3]} ${f[2]}`);
  }
  return { open, other: new Map() };
}

/** zmap --output-fields=saddr: one address per line (a "saddr" header line is skipped). */
export function readZmapList(text: string, port: number, into: Set<string>): void {
  for (const line of text.split('\n')) {
    const ip = line.trim();
    if (/^\d+\.\d+\.\d+\.\d+$/.test(ip)) into.add(`${ip} ${port}`);
  }
}

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

export function nmapScanner(): Scanner {
  return {
    name: 'nmap',
    mode: 'connect',
    version: versionOf('nmap', ['--version'], /Nmap version \S+/),
    retries: 'nmap default: adaptive, up to 10 retransmissions (-T3)',
    job(w: Workload, rate: number, ctx: JobContext, tag: string) {
      const out = join(ctx.dir, `nmap-${tag}.xml`);
      const args = [
        'nmap',
        '-sT',
        '-n',
        '-Pn',
        '-p',
        w.ports,
        '--min-rate',
        String(rate),
        '--max-rate',
        String(rate),
        '-oX',
        out,
        w.hosts,
      ];
      return {
        runs: [{ argv: args, expectMs: (w.want.probes / rate) * 1000 + 8000 }],
        shown: quote(args).replace(out, 'OUT.xml'),
        parse: () => readNmapXml(read(out)),
      };
    },
  };
}

/**
 * Ends masscan once its wait is over: a packet every second (up to 5) to wake its receive
 * thread, which is all it needs; SIGINT only after that (it can leave masscan stuck for good).
 */
function masscanWatcher(): (stderr: string, ctl: RunControl) => void {
  let waitOverAt: number | null = null;
  let sawCountdown = false;
  return (stderr, ctl) => {
    if (waitOverAt !== null) return;
    const last =
      stderr
        .slice(-300)
        .split('\r')
        .filter((l) => l.includes('waiting'))
        .pop() ?? '';
    const m = /100\.00% done, waiting (-?\d+)-secs/.exec(last);
    if (!m) return;
    if (Number(m[1]) > 0) {
      sawCountdown = true;
      return;
    }
    if (!sawCountdown && Number(m[1]) === 0) return;
    waitOverAt = ctl.elapsedMs();
    let actions = 0;
    // The status line goes on repeating once masscan is stuck; act on a timer, not on output.
    const timer = setInterval(() => {
      if (ctl.ended()) return clearInterval(timer);
      actions++;
      if (actions <= 5) ctl.poke();
      else if (actions <= 7) ctl.signal('SIGINT');
      else clearInterval(timer);
    }, 1000);
    timer.unref();
    ctl.poke();
  };
}

export function masscanScanner(): Scanner {
  return {
    name: 'masscan',
    mode: 'syn',
    version: versionOf('masscan', ['--version'], /Masscan version \S+/),
    retries: 'masscan default: --retries 0 (one probe per port)',
    job(w: Workload, rate: number, ctx: JobContext, tag: string) {
      const out = join(ctx.dir, `masscan-${tag}.txt`);
      const args = [
        'masscan',
        `-p${w.ports}`,
        w.hosts,
        '--rate',
        String(rate),
        '--interface',
        ctx.range.scanDev,
        '--router-ip',
        TGT_ADDR,
        '--wait',
        String(MASSCAN_WAIT),
        '-oL',
        out,
      ];
      return {
        runs: [
          { argv: args, expectMs: (w.want.probes / rate) * 1000 + (MASSCAN_WAIT + 6) * 1000, watch: masscanWatcher() },
        ],
        shown: quote(args).replace(out, 'OUT.txt'),
        parse: () => readMasscanList(read(out)),
      };
    },
  };
}

export function zmapScanner(): Scanner {
  return {
    name: 'zmap',
    mode: 'syn',
    version: versionOf('zmap', ['--version'], /zmap \S+/),
    retries: 'zmap default: -P 1 (one probe per port)',
    job(w: Workload, rate: number, ctx: JobContext, tag: string) {
      const mac = ctx.range.gatewayMac();
      const ports = expandPorts(w.ports);
      const outOf = (port: number): string => join(ctx.dir, `zmap-${tag}-${port}.txt`);
      const argsFor = (port: string, out: string): string[] => [
        'zmap',
        '-p',
        port,
        '-b',
        '/dev/null',
        '-i',
        ctx.range.scanDev,
        '-G',
        mac,
        '-r',
        String(rate),
        '-c',
        String(ZMAP_COOLDOWN),
        '--output-fields=saddr',
        '-o',
        out,
        '--disable-syslog',
        w.hosts,
      ];
      return {
        runs: ports.map((p) => ({
          argv: argsFor(String(p), outOf(p)),
          expectMs: (w.want.probes / ports.length / rate) * 1000 + (ZMAP_COOLDOWN + 2) * 1000,
        })),
        shown: `for PORT in ${ports.join(' ')}; do ${quote(argsFor('PORTX', 'OUT-PORTX.txt')).replace(/PORTX/g, '$PORT')}; done`,
        parse: () => {
          const open = new Set<string>();
          for (const p of ports) readZmapList(read(outOf(p)), p, open);
          return { open, other: new Map() };
        },
      };
    },
  };
}

/** The peers installed here, and the ones that are not. */
export function findPeers(): { scanners: Scanner[]; missing: string[] } {
  const scanners: Scanner[] = [];
  const missing: string[] = [];
  for (const [cmd, make] of [
    ['nmap', nmapScanner],
    ['masscan', masscanScanner],
    ['zmap', zmapScanner],
  ] as const) {
    if (installed(cmd)) scanners.push(make());
    else missing.push(`${cmd} (not installed: apt-get install ${cmd})`);
  }
  return { scanners, missing };
}
