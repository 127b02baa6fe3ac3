// SPDX-License-Identifier: MIT
// daemons.ts: real services from their Debian packages, started by hand for the service
// identification tests and `npm run bench:service` (the image's policy-rc.d keeps them from
// starting at install): sshd with a generated host key, redis-server, nginx (HTTP, and HTTPS with
// a generated certificate), vsftpd, and a port that accepts and says nothing. Each listens on one
// address: 127.0.0.x, or with `netns` an address inside that network namespace (the testbed's
// target namespace), the commands then run under `ip netns exec`. Each runs in a process group of
// its own; stop() ends each group by its id (workers and per-connection children included).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CERT = { cn: 'svc-test.localhost', sans: ['svc-test.localhost', 'alt.svc-test.localhost'] };

/** `cmd args` as run inside network namespace `netns` (as is when there is none). */
function inNetns(netns: string | undefined, cmd: string, args: string[]): [string, string[]] {
  return netns ? ['ip', ['netns', 'exec', netns, cmd, ...args]] : [cmd, args];
}

/**
 * Is anything listening on ip:port (on any address when ip is '*')? Asks ss, connects to nothing:
 * a connection would consume a greeting.
 */
function listening(ip: string, port: number, netns?: string): boolean {
  const filter = ip === '*' ? `sport = :${port}` : `src ${ip}:${port}`;
  const [cmd, args] = inNetns(netns, 'ss', ['-Hltn', filter]);
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss in ${netns ?? 'this namespace'} failed: ${r.stderr}`);
  return r.stdout.trim().length > 0;
}

/**
 * A free port on `ip`: bound once, then closed; in a namespace (where this process cannot bind),
 * a random port from 20000-60999 on which nothing there listens on any address.
 */
export function freePort(ip: string, netns?: string): Promise<number> {
  if (netns) {
    for (let i = 0; i < 200; i++) {
      const port = 20000 + Math.floor(Math.random() * 41000);
      if (!listening('*', port, netns)) return Promise.resolve(port);
    }
    return Promise.reject(new Error(`no free port found in ${netns}`));
  }
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

async function waitUntil(what: string, ready: () => boolean, limitMs: number): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > limitMs) throw new Error(`waited ${limitMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Accepts, holds each connection open and never sends a byte (run as `node -e`, so it can run in a namespace). */
const SILENT_SERVER = [
  'const held = [];',
  "require('node:net')",
  '  .createServer((s) => { held.push(s); s.on("error", () => {}); })',
  '  .listen(Number(process.argv[1]), process.argv[2]);',
].join('\n');

export class Daemons {
  readonly dir = mkdtempSync(join(tmpdir(), 'portscan-svc-'));
  private readonly children: ChildProcess[] = [];
  readonly logs: Record<string, string> = {};

  /** Services on `ip`, inside network namespace `netns` when given. */
  constructor(
    readonly ip: string,
    readonly netns?: string,
  ) {}

  private start(name: string, command: string, commandArgs: string[]): void {
    const [cmd, args] = inNetns(this.netns, command, commandArgs);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
      // Many identifications at once are one client, not an attack: no random drops from 10 on.
      ...['-o', 'MaxStartups=1000'],
    ]);
    await this.ready('sshd', port);
  }

  /** redis-server, protected mode off: from another namespace it would refuse all (-DENIED) and name no version. */
  async redis(port: number): Promise<void> {
    this.start('redis', 'redis-server', [
      ...['--port', String(port), '--bind', this.ip, '--save', '', '--appendonly', 'no'],
      ...['--dir', this.dir, '--daemonize', 'no', '--protected-mode', 'no'],
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
        'events { worker_connections 1024; }',
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

  /** A port that accepts and says nothing, holding every connection open. */
  async silent(port: number): Promise<void> {
    this.start('silent', process.execPath, ['-e', SILENT_SERVER, String(port), this.ip]);
    await this.ready('silent', port);
  }

  private async ready(name: string, port: number): Promise<void> {
    await waitUntil(
      `${name} listening on ${this.ip}:${port} (log: ${this.logs[name]})`,
      () => listening(this.ip, port, this.netns),
      20000,
    );
  }

  /** Ends every service's process group (SIGTERM, then SIGKILL after 5 s) and waits for each to exit. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
        const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        const group = -c.pid;
        const signal = (sig: NodeJS.Signals): void => {
          try {
            process.kill(group, sig);
          } catch {
            // the group is gone already
          }
        };
        signal('SIGTERM');
        const kill = setTimeout(() => signal('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
        signal('SIGKILL'); // what the leader left behind (an sshd child still in its grace time)
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }
}
