// Service identification (-sV) against real services from their Debian packages, started by
// hand on a loopback address: sshd, nginx (HTTP and HTTPS with a certificate made here),
// redis-server, vsftpd, and a port that accepts and says nothing. Every field is checked
// against what the service is known to be (its package's version, the certificate it was
// given), and `nmap -sV` on the same ports must give the same service names.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { startCli } from '../helpers/cli';
import { CERT, Daemons, freePort, packageVersion, upstream } from '../helpers/daemons';
import { nmapServiceNames } from '../helpers/nmap-sv';
import { nmapServices } from '../../lib/plan/nmap-services';
import { serviceName } from '../../lib/plan/services';
import { createServer, type Server, type Socket } from 'node:net';

const IP = '127.0.13.1';

type Rec = Record<string, unknown> & {
  port: number;
  service: string;
  tls?: Record<string, unknown>;
  http?: Record<string, unknown>;
};

let daemons: Daemons;
let silent: Server;
const held = new Set<Socket>();
const port: Record<string, number> = {};

/** A free port that neither IANA nor nmap-services names (so both tools must call it unknown). */
async function unnamedPort(): Promise<number> {
  const nmap = nmapServices();
  for (;;) {
    const p = await freePort(IP);
    if (!serviceName(p) && !nmap?.nameOf(p)) return p;
  }
}

beforeAll(async () => {
  daemons = new Daemons(IP);
  for (const name of ['ssh', 'http', 'https', 'redis', 'ftp']) port[name] = await freePort(IP);
  port.silent = await unnamedPort();
  silent = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => silent.listen(port.silent, IP, resolve));
  await daemons.sshd(port.ssh as number);
  await daemons.nginx(port.http as number, port.https as number);
  await daemons.redis(port.redis as number);
  await daemons.vsftpd(port.ftp as number);
}, 60000);

afterAll(async () => {
  daemons?.stopAll();
  for (const s of held) s.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
});

function certificateEnd(): string {
  const r = spawnSync('openssl', ['x509', '-noout', '-enddate', '-in', join(daemons.dir, 'tls.crt')], {
    encoding: 'utf8',
  });
  const end = /notAfter=(.*)/.exec(r.stdout)?.[1] ?? '';
  return new Date(end).toISOString().replace('.000Z', 'Z');
}

it('identifies each real service, field by field, and agrees with nmap -sV on every name', async () => {
  const ports = Object.values(port);
  const talkers = ports.filter((p) => p !== port.silent);
  const scan = startCli(['-m', 'connect', '-sV', '-q', '-f', 'ndjson', '-p', ports.join(','), IP]);
  // nmap's full -sV waits minutes on a silent port: the silent one gets --version-light.
  const [r, nmapTalkers, nmapSilent] = await Promise.all([
    scan.done,
    nmapServiceNames(IP, talkers),
    nmapServiceNames(IP, [port.silent as number], ['--version-light']),
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const recs = new Map<number, Rec>(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec)
      .map((x) => [x.port, x]),
  );
  expect([...recs.keys()].sort()).toEqual([...ports].sort());
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
    sans: [...CERT.sans, IP],
    issuer: CERT.cn, // self-signed
    not_after: certificateEnd(),
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

  // The same names as nmap -sV, tunnel included ("ssl/http").
  const nmap = new Map([...nmapTalkers, ...nmapSilent]);
  for (const p of ports) {
    const ours = recs.get(p) as Rec;
    const name = ours.tunnel ? `${String(ours.tunnel)}/${ours.service}` : ours.service;
    expect([p, name]).toEqual([p, nmap.get(p)]);
  }
}, 170000);
