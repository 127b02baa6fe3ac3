// SPDX-License-Identifier: MIT
// records.ts: the packed layouts that cross to native code (native/record.h's TargetRecord and
// ResultRecord, native/syn_plan.h's PlanInterval), written down a second time as named byte
// offsets, with the only code that packs targets and decodes results. Little-endian integers;
// address bytes in network order. The loader (binding.ts, layoutMismatch) compares every size
// and offset here with the addon's LAYOUT, which the compiler computes (offsetof).
import { formatAddress, readAddressBytes, writeAddressBytes } from '../plan/ip';

/** Bumped with native/record.h's kAbiVersion whenever a layout or the batch shape changes. */
export const ABI_VERSION = 3;

/** TargetRecord: one probe to make. Byte offsets, named as the C++ fields. */
export const TARGET = Object.freeze({
  size: 24,
  /** 16 bytes, network order; IPv4 in the first 4. */
  addr_n: 0,
  /** u16, destination port. */
  port_h: 16,
  /** u8, 4 or 6. */
  family: 18,
  /** u8, 0 for the first try; echoed in the result. */
  attempt: 19,
  /** u32, this probe's deadline after connect(). */
  timeout_ms: 20,
} as const);

/** ResultRecord: one finished probe. Byte offsets, named as the C++ fields. */
export const RESULT = Object.freeze({
  size: 32,
  addr_n: 0,
  port_h: 16,
  family: 18,
  /** u8, Kind. */
  kind: 19,
  /** i32, errno for Refused / Error; type << 8 | code for Icmp. */
  err: 20,
  /** u32, connect() or send to completion. */
  rtt_us: 24,
  /** u8, the try that was answered. */
  attempt: 28,
  /** u8, SYN mode: the reply's TCP flags (not read in TypeScript). */
  tcp_flags: 29,
  /** u8, SYN mode: the reply's TTL or hop limit (not read in TypeScript). */
  ttl: 30,
  /** u8, SYN mode: the tries after the first the probe was given (--retries auto gives most fewer). */
  retries_allowed: 31,
} as const);

/** PlanInterval: one run of addresses of the SYN plan (packIntervals in lib/scanner/syn.ts). */
export const INTERVAL = Object.freeze({
  size: 32,
  /** 16 bytes, the first address, network order; IPv4 in the first 4. */
  start_n: 0,
  /** u8, 4 or 6. */
  family: 16,
  /** 7 bytes, zero. */
  reserved: 17,
  /** u64, addresses in the interval, >= 1. */
  count: 24,
} as const);

/** Every shared layout, keyed as the addon's LAYOUT export. */
export const LAYOUT = Object.freeze({ target: TARGET, result: RESULT, interval: INTERVAL } as const);


/**
 * Address, port and family open both records alike (asserted in native/record.h), so a result's
 * first HEAD_BYTES are a target's; a target's first TARGET_HEAD_BYTES add the attempt.
 */
const HEAD_BYTES = RESULT.kind;
const TARGET_HEAD_BYTES = TARGET.timeout_ms;

/** ResultKind in record.h. */
export enum Kind {
  Connected = 1,
  Refused = 2,
  Timeout = 3,
  Error = 4,
  /** SYN mode: ICMP(v6) destination unreachable; err = type << 8 | code. */
  Icmp = 5,
}

/** A growable buffer of packed TargetRecords, reused between submits. */
export class TargetPacker {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  count = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity * TARGET.size);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Appends one probe. `addr` is on ip.ts's number line. */
  push(addr: bigint, port: number, attempt: number, timeoutMs: number): void {
    const o = this.count * TARGET.size;
    this.bytes.fill(0, o + TARGET.addr_n, o + TARGET.port_h); // the whole address field
    const family = writeAddressBytes(addr, this.view, o + TARGET.addr_n);
    this.view.setUint16(o + TARGET.port_h, port, true);
    this.view.setUint8(o + TARGET.family, family);
    this.view.setUint8(o + TARGET.attempt, attempt);
    this.view.setUint32(o + TARGET.timeout_ms, timeoutMs, true);
    this.count++;
  }

  /** Appends one probe from its first TARGET_HEAD_BYTES (address, port, family, attempt). */
  pushRaw(head: Uint8Array, timeoutMs: number): void {
    const o = this.count * TARGET.size;
    this.bytes.set(head, o);
    this.view.setUint32(o + TARGET.timeout_ms, timeoutMs, true);
    this.count++;
  }

  reset(): void {
    this.count = 0;
  }
}

/** A read-only view over a batch of packed ResultRecords; decodes fields on demand. */
export class ResultBatch {
  private readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly count: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  /**
   * The address as text; IPv4 without any bigint work, since this runs once per result. The last
   * IPv4 text is kept: a scan of many ports on few hosts asks for the same one again and again.
   */
  ip(i: number): string {
    const o = i * RESULT.size;
    const b = this.bytes;
    if (b[o + RESULT.family] === 4) {
      const a = o + RESULT.addr_n;
      const b0 = b[a] as number;
      const b1 = b[a + 1] as number;
      const b2 = b[a + 2] as number;
      const b3 = b[a + 3] as number;
      const key = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
      if (key !== this.lastV4Key) {
        this.lastV4Key = key;
        this.lastV4Text = `${b0}.${b1}.${b2}.${b3}`;
      }
      return this.lastV4Text;
    }
    return formatAddress(this.address(i));
  }
  private lastV4Key = -1;
  private lastV4Text = '';
  address(i: number): bigint {
    return readAddressBytes(this.view, i * RESULT.size + RESULT.addr_n, this.family(i));
  }
  port(i: number): number {
    return this.view.getUint16(i * RESULT.size + RESULT.port_h, true);
  }
  family(i: number): number {
    return this.view.getUint8(i * RESULT.size + RESULT.family);
  }
  kind(i: number): Kind {
    return this.view.getUint8(i * RESULT.size + RESULT.kind) as Kind;
  }
  err(i: number): number {
    return this.view.getInt32(i * RESULT.size + RESULT.err, true);
  }
  rttUs(i: number): number {
    return this.view.getUint32(i * RESULT.size + RESULT.rtt_us, true);
  }
  attempt(i: number): number {
    return this.view.getUint8(i * RESULT.size + RESULT.attempt);
  }

  /** SYN mode: the tries after the first the probe was given. */
  retriesAllowed(i: number): number {
    return this.view.getUint8(i * RESULT.size + RESULT.retries_allowed);
  }
}

/**
 * Probes waiting to be sent again, kept as packed target bytes copied straight from their
 * result records (address, port and family: HEAD_BYTES, the same in both layouts), so a retry
 * costs no decoding. Grows as needed; drained last-in first-out.
 */
export class RetryQueue {
  private bytes = new Uint8Array(64 * TARGET.size);
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Queues record `i` of `batch` for another try, as attempt number `attempt`. */
  push(batch: ResultBatch, i: number, attempt: number): void {
    if ((this.count + 1) * TARGET.size > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    const o = this.count * TARGET.size;
    const src = i * RESULT.size;
    this.bytes.set(batch.bytes.subarray(src, src + HEAD_BYTES), o);
    this.bytes[o + TARGET.attempt] = attempt;
    this.count++;
  }

  /**
   * Takes the last queued probe: its packed head (TARGET_HEAD_BYTES: address, port, family,
   * attempt), a view that stays valid until the next push.
   */
  pop(): Uint8Array | undefined {
    if (this.count === 0) return undefined;
    this.count--;
    const o = this.count * TARGET.size;
    return this.bytes.subarray(o, o + TARGET_HEAD_BYTES);
  }
}

/** One probe's packed head (address, port, family, attempt), as TargetPacker.pushRaw takes it. */
export function targetHead(addr: bigint, port: number, attempt: number): Uint8Array {
  const one = new TargetPacker(1);
  one.push(addr, port, attempt, 0);
  return one.bytes.subarray(0, TARGET_HEAD_BYTES);
}
