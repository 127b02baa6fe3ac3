// What the real-services suites (loopback, and the testbed's target namespace) check of -sV's
// records: the NDJSON records by port, every field of each service against what it is known to
// be (its Debian package's version, the certificate it was given), the names against nmap -sV's,
// and a port neither IANA nor nmap-services names (so both tools must call it unknown).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { CERT, type Daemons, freePort, packageVersion, upstream } from '../../bench/lib/daemons';
import { nmapServices } from '../../lib/plan/nmap-services';
import { serviceName } from '../../lib/plan/services';

export type Rec = Record<string, unknown> & {
  port: number;
  service: string;
  tunnel?: string;
  tls?: Record<string, unknown>;
  http?: Record<string, unknown>;
};

/** The services the suites start, by name: ssh, http, https, redis, ftp, and silent. */
export const TALKERS = ['ssh', 'http', 'https', 'redis', 'ftp'];

/** A free port that neither IANA nor nmap-services names, on ip (in netns when given). */
export async function unnamedPort(
  ip: string,
  netns?: string,
  avoid: (p: number) => boolean = () => false,
): Promise<number> {
  const nmap = nmapServices();
  for (;;) {
    const p = await freePort(ip, netns);
    if (!serviceName(p) && !nmap?.nameOf(p) && !avoid(p)) return p;
  }
}

/** Starts every service of the suites on its port (port.silent included). */
export async function startServices(daemons: Daemons, port: Record<string, number>): Promise<void> {
  await daemons.silent(port.silent as number);
  await daemons.sshd(port.ssh as number);
  await daemons.nginx(port.http as number, port.https as number);
  await daemons.redis(port.redis as number);
  await daemons.vsftpd(port.ftp as number);
}

/** The NDJSON records of one host, by port. */
export function recordsByPort(stdout: string): Map<number, Rec> {
  return new Map(
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec)
      .map((x) => [x.port, x]),
  );
}

function certificateEnd(daemons: Daemons): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-enddate', '-in', join(daemons.dir, 'tls.crt')], {
    encoding: 'utf8',
  });
  const end = /notAfter=(.*)/.exec(r.stdout)?.[1] ?? '';
  return new Date(end).toISOString().replace('.000Z', 'Z');
}

/** Every field of every service's record, against what the service is known to be. */
export function expectKnownServices(recs: Map<number, Rec>, port: Record<string, number>, daemons: Daemons): void {
  expect([...recs.keys()].sort()).toEqual(Object.values(port).sort());
  const rec = (name: string): Rec => recs.get(port[name] as number) as Rec;

  const ssh = upstream(packageVersion('openssh-server'));
  const debianRevision = packageVersion('openssh-server').replace(/^.*?-/, '');
  expect(rec('ssh')).toMatchObject({ service: 'ssh', product: 'OpenSSH', version: ssh, method: 'probed', conf: 10 });
  expect(rec('ssh').extrainfo).toBe(`Debian-${debianRevision}; protocol 2.0`);
  expect(rec('ssh').banner).toBe(`SSH-2.0-OpenSSH_${ssh} Debian-${debianRevision}\\r\\n`);

  const nginx = upstream(packageVersion('nginx-common'));
  expect(rec('http')).toMatchObject({ service: 'http', product: 'nginx', version: nginx, method: 'probed' });
  expect(rec('http').http).toEqual({ status: 200, server: `nginx/${nginx}`, title: 'svc test page' });
  expect(rec('http').tunnel).toBeUndefined();

  expect(rec('https')).toMatchObject({ service: 'http', tunnel: 'ssl', product: 'nginx', version: nginx });
  expect(rec('https').http).toEqual({ status: 200, server: `nginx/${nginx}`, title: 'svc tls page' });
  expect(rec('https').tls).toEqual({
    subject: CERT.cn,
    sans: [...CERT.sans, daemons.ip],
    issuer: CERT.cn, // self-signed
    not_after: certificateEnd(daemons),
    alpn: 'http/1.1',
  });

  const redis = upstream(packageVersion('redis-server'));
  expect(rec('redis')).toMatchObject({ service: 'redis', product: 'Redis key-value store', version: redis });
  expect(String(rec('redis').banner)).toMatch(/^\+PONG\\r\\n/);

  const vsftpd = upstream(packageVersion('vsftpd'));
  expect(rec('ftp')).toMatchObject({ service: 'ftp', product: 'vsftpd', version: vsftpd, method: 'probed' });
  expect(rec('ftp').banner).toBe(`220 (vsFTPd ${vsftpd})\\r\\n`);

  expect(rec('silent')).toMatchObject({ service: 'unknown', method: 'table', conf: 3 });
  expect(rec('silent').banner).toBeUndefined();
}

/** The same names as nmap -sV's on every port, tunnel included ("ssl/http"). */
export function expectNmapNames(recs: Map<number, Rec>, nmap: Map<number, string>): void {
  for (const [p, ours] of recs) {
    const name = ours.tunnel ? `${ours.tunnel}/${ours.service}` : ours.service;
    expect([p, name]).toEqual([p, nmap.get(p)]);
  }
}
