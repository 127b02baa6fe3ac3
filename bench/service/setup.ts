// SPDX-License-Identifier: MIT
// setup.ts: bench:service's services. The testbed's own listeners accept and close at once, so
// here every open (host, port) pair of the workload answers as a real service instead: real
// daemons (bench/lib/daemons.ts) run in the testbed's target namespace on free ports of its link
// address, and an nftables table there redirects each open pair to the daemon of its port's role
// (the model's roles: everywhere ssh, mod4 http, odd-third-octet https, mod251 ftp, first-24
// redis, needle ssh). Only the pairs a verified scan found open are redirected; every other packet
// is left untracked and to the testbed's own rules, so `testbed verify` stays the truth. stop()
// removes the table and ends the daemons.
import { spawnSync } from 'node:child_process';

import { Daemons, freePort } from '../lib/daemons';

/** The target namespace's end of the veth pair: a redirect sends packets to it. */
const LINK_TGT = '198.19.0.2';
const TABLE = 'portscan_bench_service';
const ROLE_SERVICES = ['ssh', 'http', 'https', 'ftp', 'redis', 'ssh'] as const;

export interface BenchServices {
  /** The daemons' own ports (in the namespace, on LINK_TGT), by service. */
  ports: Record<string, number>;
  /** Workload port -> the service that answers there. */
  roles: Map<number, string>;
  stop(): Promise<void>;
}

function nft(netns: string, script: string): void {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nft in ${netns} failed: ${r.stderr.trim()}`);
}

/** The table: open pairs tracked and redirected, everything else untracked. */
function rules(open: [string, number][], redirect: Map<number, number>): string {
  const pairs = open.map(([ip, port]) => `${ip} . ${port}`).join(', ');
  const map = [...redirect].map(([from, to]) => `${from} : ${to}`).join(', ');
  const daemonPorts = [...new Set(redirect.values())].join(', ');
  return `table ip ${TABLE} {
  set open { type ipv4_addr . inet_service; elements = { ${pairs} } }
  chain raw_pre { type filter hook prerouting priority raw; policy accept; ip daddr . tcp dport @open accept; notrack; }
  chain raw_out { type filter hook output priority raw; policy accept; ip saddr ${LINK_TGT} tcp sport { ${daemonPorts} } accept; notrack; }
  chain to_services { type nat hook prerouting priority dstnat; policy accept; ip daddr . tcp dport @open redirect to : tcp dport map { ${map} }; }
}
`;
}

/**
 * Starts the daemons in `<prefix>-tgt` and redirects the open pairs (all on `modelPorts`, the
 * model's listener ports in role order) to them.
 */
export async function startBenchServices(
  prefix: string,
  modelPorts: number[],
  open: [string, number][],
): Promise<BenchServices> {
  const netns = `${prefix}-tgt`;
  const daemons = new Daemons(LINK_TGT, netns);
  const ports: Record<string, number> = {};
  let table = false;
  const stop = async (): Promise<void> => {
    if (table) spawnSync('ip', ['netns', 'exec', netns, 'nft', 'delete', 'table', 'ip', TABLE]);
    table = false;
    await daemons.stop();
  };
  try {
    for (const name of ['ssh', 'http', 'https', 'ftp', 'redis']) {
      let p: number;
      do p = await freePort(LINK_TGT, netns);
      while (modelPorts.includes(p) || Object.values(ports).includes(p));
      ports[name] = p;
    }
    await daemons.sshd(ports.ssh as number);
    await daemons.nginx(ports.http as number, ports.https as number);
    await daemons.vsftpd(ports.ftp as number);
    await daemons.redis(ports.redis as number);
    const roles = new Map(modelPorts.map((p, i) => [p, ROLE_SERVICES[i] ?? 'ssh']));
    const redirect = new Map([...roles].map(([p, name]) => [p, ports[name] as number]));
    table = true;
    nft(netns, rules(open, redirect));
    return { ports, roles, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
