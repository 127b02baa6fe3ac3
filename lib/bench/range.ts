// SPDX-License-Identifier: MIT
// range.ts: builds and removes the sealed bench range. Two network namespaces, <prefix>-scan and
// <prefix>-tgt (default prefix "psb"), joined by a veth pair; the scanner side holds one /30
// link address and one route, to the bench block 198.18.0.0/16 (RFC 2544's benchmarking range),
// and nothing else, so whatever a scan inside it is told, it reaches nothing outside. The target
// side answers for every address of the block (a local route on lo), runs listener.js for the
// pattern's listening ports, and applies the pattern's silent and closed rules with nftables
// (nft.ts generates them from truth.ts's pattern). Shaping (loss, delay, a rate cap) is
// shaping.ts's. The range is removed by down(), which is idempotent and synchronous, so index.ts
// can call it from signal handlers, error paths and process exit alike. A lock file in /run names
// the process that owns the range: a second bench refuses to touch a live one and replaces a
// stale one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { patternRules, SYN_COUNTER } from './nft';
import { applyShaping, type Shaping, type ShapingResult, type Side } from './shaping';
import { quote } from './shell';
import { PATTERN } from './truth';

export type { Shaping } from './shaping';

export interface RangeOptions {
  /** Namespace and device name prefix: namespaces <prefix>-scan and <prefix>-tgt. */
  prefix?: string;
  /** Called with each command that builds or changes the range (for the report). */
  log?: (command: string) => void;
}

export const SCAN_ADDR = '198.19.254.1';
export const TGT_ADDR = '198.19.254.2';

/** Why the bench range cannot be built here (not root, a tool missing), or null. */
export function rangeUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (it builds network namespaces); run it with sudo';
  for (const tool of ['ip', 'nft']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
      return `needs '${tool}' (apt-get install ${tool === 'ip' ? 'iproute2' : 'nftables'})`;
    }
  }
  return null;
}

/** The names of the network namespaces that exist now. */
export function listNamespaces(): string[] {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class BenchRange {
  readonly prefix: string;
  readonly scanNs: string;
  readonly tgtNs: string;
  /** Veth ends: scanDev in the scanner namespace, tgtDev in the target one. */
  readonly scanDev: string;
  readonly tgtDev: string;
  /** Every command run to build or change the range, in order. */
  readonly commands: string[] = [];
  /** Shaping in force, in words. */
  shaping: string[] = [];
  private listener: ChildProcess | undefined;
  private readonly lockFile: string;
  private readonly log: (command: string) => void;
  private isUp = false;

  constructor(opts: RangeOptions = {}) {
    this.prefix = opts.prefix ?? 'psb';
    if (!/^[a-z][a-z0-9]{0,9}$/.test(this.prefix))
      throw new Error(`bench: namespace prefix '${this.prefix}' must be 1-10 lower-case letters and digits`);
    this.scanNs = `${this.prefix}-scan`;
    this.tgtNs = `${this.prefix}-tgt`;
    this.scanDev = `${this.prefix}0`;
    this.tgtDev = `${this.prefix}1`;
    this.lockFile = join('/run', `portscan-bench-${this.prefix}.pid`);
    this.log = opts.log ?? (() => undefined);
  }

  /** Runs a command (in namespace `ns` when given); throws with its stderr when it fails. */
  private sh(
    args: string[],
    opts: { ns?: string; input?: string; check?: boolean; quiet?: boolean } = {},
  ): { status: number | null; stdout: string; stderr: string } {
    const full = opts.ns ? ['ip', 'netns', 'exec', opts.ns, ...args] : args;
    const text = quote(full) + (opts.input !== undefined ? ' <<EOF (ruleset below)' : '');
    if (!opts.quiet) {
      this.commands.push(opts.input !== undefined ? `${text}\n${opts.input}` : text);
      this.log(text);
    }
    const r = spawnSync(full[0] as string, full.slice(1), {
      encoding: 'utf8',
      input: opts.input,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30000,
    });
    const out = {
      status: r.status,
      stdout: r.stdout ?? '',
      stderr: (r.stderr ?? '') + (r.error ? String(r.error) : ''),
    };
    if ((opts.check ?? true) && r.status !== 0)
      throw new Error(`bench: '${text}' failed: ${out.stderr.trim() || `exit ${String(r.status)}`}`);
    return out;
  }

  /** The argv that runs `args` inside the scanner namespace. */
  scanArgv(args: string[]): string[] {
    return ['ip', 'netns', 'exec', this.scanNs, ...args];
  }

  /** Builds the range (replacing a stale one of the same prefix); throws if another live bench owns it. */
  async up(): Promise<void> {
    this.claim();
    this.removeNamespaces();
    const S = this.scanNs;
    const T = this.tgtNs;
    this.isUp = true;
    this.sh(['ip', 'netns', 'add', S]);
    this.sh(['ip', 'netns', 'add', T]);
    this.sh(['ip', 'link', 'add', this.scanDev, 'netns', S, 'type', 'veth', 'peer', 'name', this.tgtDev, 'netns', T]);
    for (const [ns, dev, addr] of [
      [S, this.scanDev, SCAN_ADDR],
      [T, this.tgtDev, TGT_ADDR],
    ] as const) {
      // IPv4 only: no IPv6 on either side, so not even router solicitations leave the link.
      this.sh(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], {
        ns,
        check: false,
      });
      this.sh(['ip', 'link', 'set', 'lo', 'up'], { ns });
      this.sh(['ip', 'addr', 'add', `${addr}/30`, 'dev', dev], { ns });
      this.sh(['ip', 'link', 'set', dev, 'up'], { ns });
    }
    // Scanner: the one route, to the bench block; wide ephemeral range for connect scans.
    this.sh(['ip', 'route', 'add', PATTERN.network, 'via', TGT_ADDR, 'dev', this.scanDev], { ns: S });
    this.sh(['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535'], { ns: S, check: false });
    // Target: every address of the block is local; deep accept queues; no ICMP rate limit.
    this.sh(['ip', 'route', 'add', 'local', PATTERN.network, 'dev', 'lo'], { ns: T });
    for (const kv of [
      'net.core.somaxconn=65535',
      'net.ipv4.tcp_max_syn_backlog=65535',
      'net.ipv4.tcp_syncookies=1',
      'net.ipv4.icmp_ratelimit=0',
    ]) {
      this.sh(['sysctl', '-qw', kv], { ns: T, check: false });
    }
    this.sh(['nft', '-f', '-'], { ns: T, input: patternRules() });
    await this.startListener();
  }

  private claim(): void {
    if (existsSync(this.lockFile)) {
      const pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(
          `bench: the range ${this.scanNs}/${this.tgtNs} belongs to a bench still running (pid ${pid}); ` +
            'wait for it or stop it',
        );
      }
    }
    writeFileSync(this.lockFile, `${process.pid}\n`);
  }

  private startListener(): Promise<void> {
    // Compiled next to this file; when this file runs as TypeScript (jest), the build's copy.
    const here = join(__dirname, 'listener.js');
    const script = existsSync(here) ? here : join(__dirname, '..', '..', 'dist', 'lib', 'bench', 'listener.js');
    const argv = [
      'ip',
      'netns',
      'exec',
      this.tgtNs,
      process.execPath,
      script,
      SCAN_ADDR,
      ...PATTERN.listeners.map(String),
    ];
    this.commands.push(`${quote(argv.slice(0, 7))} PORT... (${PATTERN.listeners.length} ports)`);
    this.log(`${quote(argv.slice(0, 7))} PORT...`);
    // Its own process group: a Ctrl-C on the terminal reaches the bench, which decides.
    const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.listener = child;
    return new Promise((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error('bench: the target listeners did not start within 10 s')), 10000);
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bench: the target listeners exited (${String(code)}): ${err.trim()}`));
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  /** Packets received on the target side of the veth (every probe, retry and reply the scanner sent). */
  packetsIn(): number {
    const pid = this.listener?.pid;
    if (!pid) return 0;
    try {
      const text = readFileSync(`/proc/${pid}/net/dev`, 'utf8');
      const line = text.split('\n').find((l) => l.trim().startsWith(`${this.tgtDev}:`));
      return Number(line?.split(':')[1]?.trim().split(/\s+/)[1] ?? 0);
    } catch {
      return 0;
    }
  }

  /** SYNs (probes, and the kernel's SYN retransmits in connect mode) the target side has received so far. */
  synCount(): number {
    const r = this.sh(['nft', 'list', 'counter', ...SYN_COUNTER], {
      ns: this.tgtNs,
      check: false,
      quiet: true,
    });
    return Number(/packets (\d+)/.exec(r.stdout)?.[1] ?? NaN);
  }

  /** Makes one packet arrive on the scanner side (a UDP datagram from the target side). */
  poke(): void {
    this.listener?.stdin?.write('poke\n');
  }

  /** The MAC address of the target side's veth end: the scanner side's gateway. */
  gatewayMac(): string {
    const r = this.sh(['ip', '-br', 'link', 'show', 'dev', this.tgtDev], { ns: this.tgtNs, quiet: true });
    const mac = /\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/i.exec(r.stdout)?.[1];
    if (!mac) throw new Error(`bench: no MAC address for ${this.tgtDev}: ${r.stdout.trim()}`);
    return mac.toLowerCase();
  }

  /** The veth ends: the scanner side's and the target side's. */
  private sides(): Side[] {
    return [
      { ns: this.scanNs, dev: this.scanDev },
      { ns: this.tgtNs, dev: this.tgtDev },
    ];
  }

  /**
   * Sets the shaping (replacing what was in force). Returns, per asked-for item, null when it
   * was applied or why it is unavailable here.
   */
  shape(s: Shaping): ShapingResult {
    const { res, words } = applyShaping((args, opts) => this.sh(args, opts), this.sides(), this.tgtNs, s);
    this.shaping = words;
    return res;
  }

  private removeNamespaces(): void {
    const present = new Set(listNamespaces());
    for (const ns of [this.scanNs, this.tgtNs])
      if (present.has(ns)) this.sh(['ip', 'netns', 'del', ns], { check: false });
  }

  /** Removes everything up() made. Synchronous and idempotent; safe from signal and exit handlers. */
  down(): void {
    const child = this.listener;
    this.listener = undefined;
    if (child && child.exitCode === null && child.pid) {
      try {
        child.stdin?.destroy();
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    if (this.isUp || listNamespaces().some((n) => n === this.scanNs || n === this.tgtNs)) this.removeNamespaces();
    this.isUp = false;
    try {
      if (existsSync(this.lockFile) && Number(readFileSync(this.lockFile, 'utf8').trim()) === process.pid)
        unlinkSync(this.lockFile);
    } catch {
      // not ours, or gone
    }
  }
}
