// Real services from their Debian packages, started by hand on a loopback address for the
// service identification tests (the image's policy-rc.d keeps them from starting at install):
// sshd with a generated host key, redis-server, nginx (HTTP, and HTTPS with a generated
// certificate), vsftpd. Each listens on 127.0.0.x only; stopAll() kills them by their pids.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { waitFor } from './cli';

export const CERT = { cn: 'svc-test.localhost', sans: ['svc-test.localhost', 'alt.svc-test.localhost'] };

/** A free port on `ip` (bound once, then closed). */
export function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s: Server = createServer();
    s.once('error', reject);
    s.listen(0, ip, () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** The installed version of a Debian package ("1:9.2p1-2+deb12u10"). */
export function packageVersion(name: string): string {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) throw new Error(`package ${name} is not installed: run scripts/setup.sh as root`);
  return r.stdout;
}

/** The upstream part of a Debian version: "1:9.2p1-2+deb12u10" -> "9.2p1". */
export function upstream(version: string): string {
  return version
    .replace(/^\d+:/, '')
    .replace(/[-~][^-~]*$/, '')
    .replace(/[-~].*$/, '');
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Is anything listening on ip:port? (ss, no connection made: a connection would consume a greeting.) */
function listening(ip: string, port: number): boolean {
  const r = spawnSync('ss', ['-Hltn', `src ${ip}:${port}`], { encoding: 'utf8' });
  return r.stdout.trim().length > 0;
}

export class Daemons {
  readonly dir = mkdtempSync(join(tmpdir(), 'portscan-svc-'));
  private readonly children: ChildProcess[] = [];
  readonly logs: Record<string, string> = {};

  constructor(readonly ip: string) {}

  private start(name: string, cmd: string, args: string[]): void {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.logs[name] = '';
    const keep = (d: Buffer): void => {
      this.logs[name] = (this.logs[name] + d.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (e) => (this.logs[name] += `spawn error: ${e.message}`));
    this.children.push(child);
  }

  async sshd(port: number): Promise<void> {
    const key = join(this.dir, 'ssh_host_ed25519_key');
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation directory
    this.start('sshd', '/usr/sbin/sshd', [
      ...['-D', '-e', '-p', String(port), '-h', key, '-f', '/dev/null'],
      ...['-o', `ListenAddress=${this.ip}`, '-o', 'PidFile=none'],
    ]);
    await this.ready('sshd', port);
  }

  async redis(port: number): Promise<void> {
    this.start('redis', 'redis-server', [
      ...['--port', String(port), '--bind', this.ip, '--save', '', '--appendonly', 'no'],
      ...['--dir', this.dir, '--daemonize', 'no'],
    ]);
    await this.ready('redis', port);
  }

  /** nginx serving HTTP on httpPort and HTTPS (CERT, with the address as an IP SAN) on tlsPort. */
  async nginx(httpPort: number, tlsPort: number): Promise<void> {
    const d = this.dir;
    const san = [...CERT.sans.map((s) => `DNS:${s}`), `IP:${this.ip}`].join(',');
    run('openssl', [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '30'],
      ...['-keyout', join(d, 'tls.key'), '-out', join(d, 'tls.crt')],
      ...['-subj', `/CN=${CERT.cn}`, '-addext', `subjectAltName=${san}`],
    ]);
    const page = (title: string): string =>
      `location / { default_type text/html; return 200 "<html><head><title>${title}</title></head></html>"; }`;
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${d}/${t};`);
    writeFileSync(
      join(d, 'nginx.conf'),
      [
        `pid ${d}/nginx.pid;`,
        `error_log ${d}/nginx-error.log;`,
        'daemon off;',
        'events { worker_connections 64; }',
        'http {',
        '  access_log off;',
        `  ${temps.join(' ')}`,
        `  server { listen ${this.ip}:${httpPort}; ${page('svc test page')} }`,
        `  server { listen ${this.ip}:${tlsPort} ssl; ssl_certificate ${d}/tls.crt; ssl_certificate_key ${d}/tls.key;`,
        `    ${page('svc tls page')} }`,
        '}',
        '',
      ].join('\n'),
    );
    this.start('nginx', 'nginx', ['-c', join(d, 'nginx.conf'), '-p', d]);
    await this.ready('nginx', httpPort);
    await this.ready('nginx', tlsPort);
  }

  /** vsftpd's greeting (local users allowed, so it greets rather than refuses; nobody logs in). */
  async vsftpd(port: number): Promise<void> {
    mkdirSync('/var/run/vsftpd/empty', { recursive: true });
    const conf = join(this.dir, 'vsftpd.conf');
    writeFileSync(
      conf,
      [
        'listen=YES',
        'listen_ipv6=NO',
        `listen_address=${this.ip}`,
        `listen_port=${port}`,
        'background=NO',
        'anonymous_enable=NO',
        'local_enable=YES',
        'write_enable=NO',
        'secure_chroot_dir=/var/run/vsftpd/empty',
        '',
      ].join('\n'),
    );
    this.start('vsftpd', 'vsftpd', [conf]);
    await this.ready('vsftpd', port);
  }

  private async ready(name: string, port: number): Promise<void> {
    await waitFor(
      `${name} listening on ${this.ip}:${port} (log: ${this.logs[name]})`,
      () => listening(this.ip, port),
      20000,
    );
  }

  stopAll(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
