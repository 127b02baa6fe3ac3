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

/** sshd forks and re-executes itself for each connection, behind a backlog of 128: one for all hosts overflows. */
const SSH_POOL = 4;

export interface BenchServices {
  /** Workload port -> the service that answers there. */
  roles: Map<number, string>;
  stop(): Promise<void>;
}

function nft(netns: string, script: string): void {
  const r = spawnSync('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: script, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nft in ${netns} failed: ${r.stderr.trim()}`);
}

/** The table: each open pair tracked and redirected to its daemon's port, everything else untracked. */
function rules(to: Map<string, number>): string {
  const pairs = [...to.keys()].join(', ');
  const map = [...to].map(([pair, port]) => `${pair} : ${port}`).join(', ');
  const daemonPorts = [...new Set(to.values())].join(', ');
  return [
    `table ip ${TABLE} {`,
    `  set open { type ipv4_addr . inet_service; elements = { ${pairs} } }`,
    `  map to { type ipv4_addr . inet_service : inet_service; elements = { ${map} } }`,
    '  chain raw_pre { type filter hook prerouting priority raw; policy accept;',
    '    ip daddr . tcp dport @open accept; notrack; }',
    '  chain raw_out { type filter hook output priority raw; policy accept;',
    `    ip saddr ${LINK_TGT} tcp sport { ${daemonPorts} } accept; notrack; }`,
    '  chain to_services { type nat hook prerouting priority dstnat; policy accept;',
    '    ip daddr . tcp dport @open redirect to : ip daddr . tcp dport map @to; }',
    '}',
    '',
  ].join('\n');
}

/** A free port in the namespace for each name, none of them a model port. */
async function daemonPorts(netns: string, names: string[], modelPorts: number[]): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const name of names) {
    let p: number;
    do p = await freePort(LINK_TGT, netns);
    while (modelPorts.includes(p) || Object.values(ports).includes(p));
    ports[name] = p;
  }
  return ports;
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
  if (open.length === 0) throw new Error('no open ports to give services to');
  const netns = `${prefix}-tgt`;
  const sshNames = Array.from({ length: SSH_POOL }, (_, i) => `ssh${i}`);
  const ports = await daemonPorts(netns, ['http', 'https', 'ftp', 'redis', ...sshNames], modelPorts);
  const others = new Daemons(LINK_TGT, netns);
  const sshds = sshNames.map(() => new Daemons(LINK_TGT, netns));
  let table = false;
  const stop = async (): Promise<void> => {
    if (table) spawnSync('ip', ['netns', 'exec', netns, 'nft', 'delete', 'table', 'ip', TABLE]);
    table = false;
    await Promise.all([others, ...sshds].map((d) => d.stop()));
  };
  try {
    for (const [i, d] of sshds.entries()) await d.sshd(ports[`ssh${i}`] as number);
    await others.nginx(ports.http as number, ports.https as number);
    await others.vsftpd(ports.ftp as number);
    await others.redis(ports.redis as number);
    const roles = new Map(modelPorts.map((p, i) => [p, ROLE_SERVICES[i] ?? 'ssh']));
    const to = new Map(
      open.map(([ip, port], n): [string, number] => {
        const name = roles.get(port) ?? 'ssh';
        return [`${ip} . ${port}`, ports[name === 'ssh' ? `ssh${n % SSH_POOL}` : name] as number];
      }),
    );
    table = true;
    nft(netns, rules(to));
    return { roles, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
