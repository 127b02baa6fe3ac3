// SPDX-License-Identifier: MIT
// types.ts: the typed facade of portscan_native.node, the only description of its shape. It must
// change together with native/addon.cc, native/engine_connect.cc, native/engine_syn.cc,
// native/route_binding.cc and native/record.h.

/** The next hop as nextHop() reads it from the routing and neighbour tables. */
export interface NextHopInfo {
  ifindex: number;
  device: string;
  /** ARPHRD_*: 1 is Ethernet. */
  linkType: number;
  deviceMac: Uint8Array;
  gateway: Uint8Array | null;
  gatewayMac: Uint8Array | null;
  /** The matched route's prefix length (0: the default route). */
  prefixLen: number;
  /** Every plan interval of the family lies within the matched route's prefix. */
  coversPlan: boolean;
  /** Other routes (any table) overlapping the plan that would send some targets elsewhere. */
  overlapping: number;
}

/** An error raised by native code: errno name, failing syscall, message. */
export interface NativeError extends Error {
  code?: string;
  syscall?: string;
  errno?: number;
}

/** One call per batch of finished probes, on the JS thread. `records` is owned by JS. */
export type BatchCallback = (err: NativeError | null, records: Uint8Array | null, count: number) => void;

export interface ConnectEngineOptions {
  /** Most connect() attempts in flight at once (the seed's "Tasks"). */
  window: number;
  /** Longest a finished result waits in native code before it is handed over, ms. */
  flushIntervalMs: number;
  /** Most results per callback. */
  maxBatch: number;
  /** Native scan threads; the window and every submit are split evenly between them. */
  threads: number;
}

export interface NativeEngine {
  /**
   * Copies `count` packed targets (TARGET_SIZE bytes each); the caller may reuse the buffer.
   * `urgent` targets (retries) are queued ahead of all others.
   */
  submit(targets: Uint8Array, count: number, urgent?: boolean): void;
  /** Idempotent and synchronous: stops the thread, drops probes in flight, joins. */
  close(): void;
  /** Keep the process alive while the engine is open (the default). */
  ref(): void;
  /** Let the process exit even though the engine is open. */
  unref(): void;
}

export interface SynEngineOptions {
  /** Positions [startIndex, endIndex) of the permuted plan to scan. */
  startIndex: number;
  endIndex: number;
  /** Permutation key. */
  seed: bigint;
  /** 16 random bytes: the SipHash key of the SYN cookies. */
  cookieKey: Uint8Array;
  srcPort: number;
  /** Source addresses, network order; required for each family in the plan. */
  srcV4?: Uint8Array;
  srcV6?: Uint8Array;
  /** Capture device: 'lo', an interface name, or 'any'. */
  device: string;
  /** Probes per second; 0 = unlimited. */
  ratePps: number;
  timeoutMs: number;
  /** Wait after the last try, ms (at least timeoutMs is waited); with adaptiveWait, the longest. */
  waitMs: number;
  /** End the wait after the last try once a sentinel probe sent after it has come back. */
  adaptiveWait?: boolean;
  /** Send that family's probes as Ethernet frames out of `ifindex` (else a raw IP socket). */
  linkV4?: { ifindex: number; srcMac: Uint8Array; dstMac: Uint8Array };
  linkV6?: { ifindex: number; srcMac: Uint8Array; dstMac: Uint8Array };
  retries: number;
  flushIntervalMs: number;
  maxBatch: number;
  /** Transmit threads; each sends its share of the permuted plan. */
  threads: number;
}

/** [sent, replies, duplicates, late, pcapDrops, inFlight, sentinels, sendPhaseUs] (native/engine_syn.cc) */
export type SynStatsArray = Float64Array;

export type SynBatchCallback = (
  err: NativeError | null,
  records: Uint8Array | null,
  count: number,
  stats: SynStatsArray | null,
  done: boolean,
  /** The transmit thread that sent this batch, and its resume point (see native/syn_tx.cc Mark). */
  thread: number,
  mark: number,
  /** The highest scan-order position among this batch's results. */
  maxPosition: number,
) => void;

export interface NativeSynEngine {
  setRate(ratePps: number): void;
  /** The per-try timeout; and the shortest adaptive wait after a last try (default: the timeout). */
  setTimeout(timeoutMs: number, lastTryTimeoutMs?: number): void;
  /**
   * Stops sending (no new probes, no retries); the probes in flight still get their wait, then
   * the last batch arrives with done = true. Probes that would have needed another try get no
   * result.
   */
  drain(): void;
  /** Idempotent and synchronous: stops both threads and joins them. */
  close(): void;
  ref(): void;
  unref(): void;
}

export interface NativeBinding {
  readonly ABI_VERSION: number;
  readonly TARGET_SIZE: number;
  readonly RECORD_SIZE: number;
  ConnectEngine: new (opts: ConnectEngineOptions, onBatch: BatchCallback) => NativeEngine;
  /** Plan intervals: 32-byte records (start address 16 bytes, family, 7 reserved, count u64 LE). */
  SynEngine: new (opts: SynEngineOptions, intervals: Uint8Array, ports: Uint16Array, onBatch: SynBatchCallback) => NativeSynEngine;
  /** null when libpcap can be loaded, else the loader's reason. */
  pcapError(): string | null;
  /** The process's soft RLIMIT_NOFILE. */
  getFdLimit(): number;
  /** The route and next hop to an address (netlink); throws with code ENOROUTE when none. */
  nextHop(family: 4 | 6, address: Uint8Array, source?: Uint8Array | null, intervals?: Uint8Array): NextHopInfo;
}
