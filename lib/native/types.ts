// SPDX-License-Identifier: MIT
// types.ts: the typed facade of portscan_native.node, the only description of its shape. It must
// change together with native/addon.cc (exports, LAYOUT), native/engine_connect.cc,
// native/engine_syn.cc (the SynBatch object) and native/route_binding.cc (nextHop). The packed
// records themselves are described in records.ts.

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

/** One call per batch of finished probes, on the JS thread. `records` (RESULT records) is owned by JS. */
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
   * Copies `count` packed targets (TARGET records); the caller may reuse the buffer.
   * `urgent` targets (retries) are queued ahead of all others.
   */
  submit(targets: Uint8Array, count: number, urgent?: boolean): void;
  /** Drops every probe queued and not yet sent (no result comes for them); returns how many. */
  dropQueued(): number;
  /** Idempotent and synchronous: stops the threads, drops probes in flight, joins. */
  close(): void;
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
  /** --retries auto: most probes get what setRetries() says; one in 16 keeps every retry. */
  autoRetries?: boolean;
  /** Send that family's probes as Ethernet frames out of `ifindex` (else a raw IP socket). */
  linkV4?: { ifindex: number; srcMac: Uint8Array; dstMac: Uint8Array };
  linkV6?: { ifindex: number; srcMac: Uint8Array; dstMac: Uint8Array };
  retries: number;
  flushIntervalMs: number;
  maxBatch: number;
  /** Transmit threads; each sends its share of the permuted plan. */
  threads: number;
}

/** The SYN engine's counters, summed over its threads, as of one batch. */
export interface SynStats {
  /** Probes sent, retries included (sentinels not). */
  sent: number;
  /** Replies counted: the first answer to a probe. */
  replies: number;
  /** Further answers to a probe already answered. */
  duplicates: number;
  /** Answers to a probe no longer in flight. */
  late: number;
  /** Frames the capture lost (kernel and interface drops). */
  pcapDrops: number;
  /** Probes sent and not yet answered or given up. */
  inFlight: number;
  /** Sentinel probes sent (end of the adaptive wait). */
  sentinels: number;
  /** From the first probe to the last first try, all threads; 0 until the last thread is done. */
  sendPhaseUs: number;
}

/** One delivery of the SYN engine (native/engine_syn.cc), made once per batch, never per probe. */
export interface SynBatch {
  /** `count` packed RESULT records (records.ts); owned by JS. */
  records: Uint8Array;
  count: number;
  stats: SynStats;
  /** The last batch: every thread has finished (or drained) and had its wait. */
  done: boolean;
  /** The transmit thread that sent this batch, and its resume point (see native/syn_tx_probes.cc Mark). */
  thread: number;
  mark: number;
  /** The highest scan-order position among this batch's results. */
  maxPosition: number;
}

/** One call per batch, on the JS thread: (null, batch), or (error with code, null) when the scan failed. */
export type SynBatchCallback = (err: NativeError | null, batch: SynBatch | null) => void;

export interface NativeSynEngine {
  setRate(ratePps: number): void;
  /** Another user of the rate took `tokens` of it (-sV's connections): that many fewer probes go out. */
  debit(tokens: number): void;
  /** --retries auto: the retries new probes get from now on (at most the engine's retries). */
  setRetries(retries: number): void;
  /** The per-try timeout; and the shortest adaptive wait after a last try (default: the timeout). */
  setTimeout(timeoutMs: number, lastTryTimeoutMs?: number): void;
  /**
   * Stops sending (no new probes, no retries); the probes in flight still get their wait, then
   * the last batch arrives with done = true. Probes that would have needed another try get no
   * result.
   */
  drain(): void;
  /** Idempotent and synchronous: stops every thread and joins them. */
  close(): void;
}

/** A packed record's layout as the addon reports it: `size` and each field's byte offset, by C++ name. */
export type RecordLayout = Readonly<Record<string, number>>;

export interface NativeBinding {
  readonly ABI_VERSION: number;
  /** { target, result, interval }: from offsetof in native/addon.cc; checked against records.ts at load. */
  readonly LAYOUT: Readonly<Record<string, RecordLayout>>;
  ConnectEngine: new (opts: ConnectEngineOptions, onBatch: BatchCallback) => NativeEngine;
  /** `intervals`: packed INTERVAL records (records.ts, packIntervals in lib/scanner/syn.ts). */
  SynEngine: new (
    opts: SynEngineOptions,
    intervals: Uint8Array,
    ports: Uint16Array,
    onBatch: SynBatchCallback,
  ) => NativeSynEngine;
  /** null when libpcap can be loaded, else the loader's reason. */
  pcapError(): string | null;
  /** The process's soft RLIMIT_NOFILE. */
  getFdLimit(): number;
  /** The route and next hop to an address (netlink); throws with code ENOROUTE when none. */
  nextHop(family: 4 | 6, address: Uint8Array, source?: Uint8Array | null, intervals?: Uint8Array): NextHopInfo;
  /** One passwd entry by name or uid (getpwnam_r/getpwuid_r: NSS is honoured), or null when none. */
  lookupUser(key: string | number): { name: string; uid: number; gid: number } | null;
  /** Clears the calling thread's capability sets (capset); throws with code when it cannot. */
  dropCapabilities(): void;
}
