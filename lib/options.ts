// SPDX-License-Identifier: MIT
// options.ts: the scan options shared by the CLI and the library, their defaults, and their
// validation. Every check names the option, what it expects and what it got, and runs before
// anything is sent.
import { availableParallelism } from 'node:os';

import { checkScanOptions } from './check-options';
import { ScanError, UsageError } from './errors';
import { parsePortList, STANDARD_PORTS } from './plan/port-list';
import { escapeText } from './safe-fs';
import type { ServiceOptions } from './service/queue';

export type ScanMode = 'auto' | 'connect' | 'syn';
export type SendPath = 'auto' | 'link' | 'ip';

/** Options of scan() and of the CLI. */
export interface ScanOptions {
  /** Targets: addresses, ranges, CIDR, octet ranges, hostnames (a string is split on spaces/commas). */
  targets?: string | string[];
  /** The seed's start and end address; added as one range. */
  startIp?: string;
  endIp?: string;
  /** Files of targets ("-" = stdin). */
  inputFiles?: string[];
  /** Addresses to leave out, in the target syntax. */
  exclude?: string | string[];
  excludeFiles?: string[];
  /** Ports, in the seed's syntax (with nmap's service names and T:) or as numbers; default the Standard list. */
  ports?: string | readonly number[];
  /** 'auto' (default) picks the best mode this process can use. */
  mode?: ScanMode;
  /** Simultaneous connection attempts (the seed's "Tasks"); default sized from the fd limit. */
  tasks?: number;
  /** Longest wait for an answer to one probe, ms (default 1000). */
  timeoutMs?: number;
  /** Shortest wait, used once round trips are known, ms (default 100). */
  minTimeoutMs?: number;
  /**
   * Times a silent probe is sent again: a number, or 'auto' (the default): SYN mode gives as few
   * as the measured loss allows under `maxMiss`, at most 2 (lib/scanner/retry-policy.ts); connect
   * mode takes 'auto' as 2.
   */
  retries?: number | 'auto';
  /** With retries 'auto': the chance of missing an answering port the scan accepts (default 0.001). */
  maxMiss?: number;
  /** Most probes per second; 0 = as fast as the window allows (default). */
  ratePps?: number;
  /** Report every probed port's final state, not only open ones. */
  full?: boolean;
  /**
   * SYN mode: wait after the last try for late replies, ms. Given, it is waited in full; left
   * out, the wait is adaptive: it ends once a sentinel probe shows the replies in flight are in
   * (at least one timeout), and lasts at most 250 ms.
   */
  waitMs?: number;
  /** SYN mode: source port of every probe (default: random in 40000-59999). */
  sourcePort?: number;
  /** SYN mode: source address (default: what the routing table picks). */
  sourceIp?: string;
  /** SYN mode: interface to capture on (default: from the route; 'lo' for own addresses). */
  device?: string;
  /**
   * SYN mode: how probes leave. 'link': Ethernet frames on an AF_PACKET socket, to the gateway's
   * MAC from the neighbour table (or routerMac); 'ip': a raw IP socket, the kernel routes each
   * one; 'auto' (default): link when the route goes through a gateway whose MAC is known.
   */
  sendPath?: SendPath;
  /** SYN mode: the MAC to send frames to (like masscan's --router-mac), "aa:bb:cc:dd:ee:ff". */
  routerMac?: string;
  /** SYN mode: permutation key, to repeat a scan's order (default: random). */
  seed?: bigint;
  /** Scan only part `index` (1-based) of `count` disjoint parts of the plan (same seed in all). */
  shard?: { index: number; count: number };
  /** SYN mode: lower the rate when answers show packet loss, raise it again when clean. */
  adaptive?: boolean;
  /** Open ports a host may show before it can be flagged as a tarpit (0 = never; default 200). */
  tarpitLimit?: number;
  /**
   * Leave out IANA's special-purpose ranges (private, loopback, documentation, multicast, ...)
   * from targets that contain them, not from targets inside them (default true).
   */
  defaultExcludes?: boolean;
  /** Go ahead with a plan of more than 2^24 addresses (else it needs an explicit ratePps). */
  yes?: boolean;
  /** Continue a scan from a checkpoint: every position below `position` is done. */
  resume?: { position: bigint; planHash: string };
  /** -sV: identify each open port (true, or limits: lib/service/queue.ts); reported once identified. */
  service?: boolean | ServiceOptions;
  /** Stops the scan; results found so far are kept. */
  signal?: AbortSignal;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  mode: 'connect' | 'syn';
  requestedMode: ScanMode;
  ports: Uint16Array;
  tasks: number;
  timeoutMs: number;
  minTimeoutMs: number;
  /** The most retries a probe gets (with retriesAuto, the measured loss may give fewer). */
  retries: number;
  /** SYN mode with retries 'auto': retries follow the measured loss (RetryPolicy). */
  retriesAuto: boolean;
  maxMiss: number;
  ratePps: number;
  full: boolean;
  /**
   * Native threads: connect mode's scan threads (each runs its share of the window) or SYN mode's
   * transmit threads (each sends its share of the order). One per core, at most 4, at most `tasks`.
   */
  threads: number;
  /** SYN mode: the wait after the last try, ms; with waitAdaptive, the longest it lasts. */
  waitMs: number;
  /** SYN mode: end the wait early once a sentinel shows the replies in flight are in. */
  waitAdaptive: boolean;
  sourcePort?: number;
  sourceIp?: string;
  device?: string;
  sendPath: SendPath;
  /** routerMac as 6 bytes. */
  routerMac?: Uint8Array;
  seed?: bigint;
  shard?: { index: number; count: number };
  tarpitLimit: number;
  adaptive: boolean;
}

/** Descriptors kept back from the window for node itself, the output file and libuv. */
const FD_RESERVE = 256;
const DEFAULT_TASKS_CAP = 10000;

/**
 * Defaults. SYN mode's shortest timeout is lower than connect mode's (nmap -T4's 100 ms): its
 * round trips are measured from the capture, with no socket set-up in them, and a reply that
 * misses it only costs a re-send until the last try.
 */
export const DEFAULTS = Object.freeze({
  timeoutMs: 1000,
  minTimeoutMs: 100,
  synMinTimeoutMs: 20,
  /**
   * SYN mode's longest wait after the last try. The tries before it may time out early (a retry
   * is cheap), but a reply that misses the last wait is a wrong "silent", so it gets slack for a
   * busy machine: measured on the 2-core test machine, replies of a scan sharing the CPUs with
   * three others came up to ~100 ms late. By default the wait is adaptive and usually ends much
   * sooner: when a sentinel probe sent after the last tries has come back (native/syn_tx_sentinel.cc).
   */
  synWaitMs: 250,
  retries: 2,
  maxMiss: 0.001,
  ratePps: 0,
  synRatePps: 100000,
});

/** The largest window --tasks accepts: the descriptor limit less the reserve, at least 16. */
export function maxTasks(fdLimit: number): number {
  return Math.max(16, fdLimit - FD_RESERVE);
}

/** The default window: as large as the descriptor limit safely allows, at most 10000. */
export function defaultTasks(fdLimit: number): number {
  return Math.min(DEFAULT_TASKS_CAP, maxTasks(fdLimit));
}

function wholeNumber(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const got = typeof value === 'string' ? escapeText(value, 40) : String(value);
    throw new UsageError(`option '${name}' expects a whole number from ${min} to ${max}, got '${got}'`);
  }
  return value;
}

function checkSendPath(v: unknown, routerMac: string | undefined): SendPath {
  if (v !== 'auto' && v !== 'link' && v !== 'ip')
    throw new UsageError(`option 'sendPath' expects auto, link or ip, got '${escapeText(String(v), 40)}'`);
  if (v === 'ip' && routerMac !== undefined)
    throw new UsageError("option 'routerMac' sends Ethernet frames: it cannot go with option 'sendPath' set to 'ip'");
  return v;
}

/** A network interface's name as Linux allows it: 1 to 15 characters, no '/', ':' or space. */
function checkDevice(v: string): string {
  if (!/^[\x21-\x7e]{1,15}$/.test(v) || /[/:]/.test(v) || v === '.' || v === '..') {
    throw new UsageError(`option 'device' expects a network interface name like eth0, got '${escapeText(v, 40)}'`);
  }
  return v;
}

/** "aa:bb:cc:dd:ee:ff" (or with '-') as 6 bytes. */
export function parseMac(text: string): Uint8Array {
  if (!/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(text)) {
    throw new UsageError(
      `option 'routerMac' expects a MAC address like 02:00:00:00:00:01, got '${escapeText(text, 40)}'`,
    );
  }
  return Uint8Array.from(text.split(/[:-]/), (h) => parseInt(h, 16));
}

function checkShard(shard: { index: number; count: number }): { index: number; count: number } {
  const count = wholeNumber('shard', shard.count, 1, 1 << 20);
  const index = wholeNumber('shard', shard.index, 1, count);
  return { index, count };
}

/** Options that only mean something in SYN mode (connect mode would silently ignore them). */
const SYN_ONLY = ['sourcePort', 'sourceIp', 'device', 'sendPath', 'routerMac', 'waitMs', 'adaptive', 'seed'] as const;

/**
 * A SYN-only option refuses connect mode: asked for, it is an error; with 'auto' it asks for
 * SYN mode, and fails (before anything is sent) when SYN mode cannot run here.
 */
function checkSynOnly(o: ScanOptions, requested: ScanMode, synBlocker: string | null): void {
  const given = SYN_ONLY.find((k) => o[k] !== undefined && o[k] !== false);
  if (given === undefined || requested === 'syn') return;
  if (requested === 'connect') {
    throw new UsageError(`option '${given}' applies to syn mode only: connect mode cannot use it`);
  }
  if (synBlocker !== null) {
    throw new UsageError(`option '${given}' needs syn mode, which cannot run here: ${synBlocker}`);
  }
}

/**
 * Applies defaults and validates. `fdLimit` bounds `tasks`; `synBlocker` is why SYN mode cannot
 * run here (null when it can): 'auto' then falls back to connect, and an explicit 'syn' fails
 * with that reason.
 */
export function resolveOptions(
  o: ScanOptions,
  fdLimit: number,
  synBlocker: string | null = 'SYN mode was not checked',
): ResolvedOptions {
  checkScanOptions(o);
  const requested = o.mode ?? 'auto';
  if (requested !== 'auto' && requested !== 'connect' && requested !== 'syn') {
    throw new UsageError(`option 'mode' expects auto, connect or syn, got '${escapeText(String(requested), 40)}'`);
  }
  if (requested === 'syn' && synBlocker !== null) throw new ScanError(synBlocker, 'ENOSYN');
  checkSynOnly(o, requested, synBlocker);
  const mode = requested === 'connect' || synBlocker !== null ? 'connect' : 'syn';
  const retriesAuto = o.retries === undefined || o.retries === 'auto';
  const retries = retriesAuto ? DEFAULTS.retries : wholeNumber('retries', o.retries, 0, 50);
  const maxMiss = o.maxMiss ?? DEFAULTS.maxMiss;
  if (typeof maxMiss !== 'number' || !(maxMiss > 0 && maxMiss < 1)) {
    throw new UsageError(
      `option 'maxMiss' expects a number above 0 and below 1, got '${escapeText(String(maxMiss), 40)}'`,
    );
  }
  // SYN mode sends try k from source port + k (native/syn_tx.cc) and the adaptive wait's
  // sentinels from the port after the last try's, so they must all fit.
  if (o.sourcePort !== undefined && o.sourcePort + retries + 1 > 65535) {
    throw new UsageError(
      `option 'sourcePort' ${o.sourcePort} leaves no room for ${retries} retries (each try uses the next ` +
        `port, and the port after them is the sentinels'): use at most ${65534 - retries}`,
    );
  }
  let ports: Uint16Array;
  if (o.ports === undefined) ports = Uint16Array.from(STANDARD_PORTS);
  else if (typeof o.ports === 'string') ports = parsePortList(o.ports);
  else ports = parsePortList(o.ports.map(String).join(','));
  const tasks = o.tasks === undefined ? defaultTasks(fdLimit) : wholeNumber('tasks', o.tasks, 1, maxTasks(fdLimit));
  const timeoutMs = wholeNumber('timeoutMs', o.timeoutMs ?? DEFAULTS.timeoutMs, 1, 600000);
  const minTimeoutMs = wholeNumber(
    'minTimeoutMs',
    o.minTimeoutMs ?? Math.min(mode === 'syn' ? DEFAULTS.synMinTimeoutMs : DEFAULTS.minTimeoutMs, timeoutMs),
    1,
    timeoutMs,
  );
  return {
    mode,
    requestedMode: requested,
    ports,
    tasks,
    timeoutMs,
    minTimeoutMs,
    retries,
    retriesAuto: retriesAuto && mode === 'syn',
    maxMiss,
    ratePps: wholeNumber(
      'ratePps',
      o.ratePps ?? (mode === 'syn' ? DEFAULTS.synRatePps : DEFAULTS.ratePps),
      0,
      100000000,
    ),
    full: o.full ?? false,
    threads: Math.max(1, Math.min(4, availableParallelism(), tasks)),
    waitMs: wholeNumber('waitMs', o.waitMs ?? DEFAULTS.synWaitMs, 0, 600000),
    waitAdaptive: o.waitMs === undefined,
    tarpitLimit: wholeNumber('tarpitLimit', o.tarpitLimit ?? 200, 0, 65535),
    adaptive: o.adaptive ?? false,
    ...(o.sourcePort !== undefined ? { sourcePort: wholeNumber('sourcePort', o.sourcePort, 1, 65535) } : {}),
    ...(o.sourceIp !== undefined ? { sourceIp: o.sourceIp } : {}),
    ...(o.device !== undefined ? { device: checkDevice(o.device) } : {}),
    sendPath: checkSendPath(o.sendPath ?? 'auto', o.routerMac),
    ...(o.routerMac !== undefined ? { routerMac: parseMac(o.routerMac) } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.shard !== undefined ? { shard: checkShard(o.shard) } : {}),
  };
}
