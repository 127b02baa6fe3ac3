// SPDX-License-Identifier: MIT
// records.ts: the packed layouts of native/record.h, written down a second time, with the only
// code that packs targets and decodes results. Little-endian integers; address bytes in network
// order. The loader checks TARGET_SIZE, RECORD_SIZE and ABI_VERSION against the addon's.
import { formatAddress, readAddressBytes, writeAddressBytes } from '../plan/ip';

export const ABI_VERSION = 2;
export const TARGET_SIZE = 24;
export const RECORD_SIZE = 32;

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

  constructor(readonly capacity: number) {
    this.bytes = new Uint8Array(capacity * TARGET_SIZE);
    this.view = new DataView(this.bytes.buffer);
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  /** Appends one probe. `addr` is on ip.ts's number line. */
  push(addr: bigint, port: number, attempt: number, timeoutMs: number): void {
    const o = this.count * TARGET_SIZE;
    this.bytes.fill(0, o, o + 16);
    const family = writeAddressBytes(addr, this.view, o);
    this.view.setUint16(o + 16, port, true);
    this.view.setUint8(o + 18, family);
    this.view.setUint8(o + 19, attempt);
    this.view.setUint32(o + 20, timeoutMs, true);
    this.count++;
  }

  /** Appends one probe from its first 20 packed bytes (address, port, family, attempt). */
  pushRaw(head: Uint8Array, timeoutMs: number): void {
    const o = this.count * TARGET_SIZE;
    this.bytes.set(head, o);
    this.view.setUint32(o + 20, timeoutMs, true);
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
    const o = i * RECORD_SIZE;
    const b = this.bytes;
    if (b[o + 18] === 4) {
      const key = ((b[o] as number) << 24 | (b[o + 1] as number) << 16 | (b[o + 2] as number) << 8 | (b[o + 3] as number)) >>> 0;
      if (key !== this.lastV4Key) {
        this.lastV4Key = key;
        this.lastV4Text = `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
      }
      return this.lastV4Text;
    }
    return formatAddress(this.address(i));
  }
  private lastV4Key = -1;
  private lastV4Text = '';
  address(i: number): bigint {
    return readAddressBytes(this.view, i * RECORD_SIZE, this.family(i));
  }
  port(i: number): number {
    return this.view.getUint16(i * RECORD_SIZE + 16, true);
  }
  family(i: number): number {
    return this.view.getUint8(i * RECORD_SIZE + 18);
  }
  kind(i: number): Kind {
    return this.view.getUint8(i * RECORD_SIZE + 19) as Kind;
  }
  err(i: number): number {
    return this.view.getInt32(i * RECORD_SIZE + 20, true);
  }
  rttUs(i: number): number {
    return this.view.getUint32(i * RECORD_SIZE + 24, true);
  }
  attempt(i: number): number {
    return this.view.getUint8(i * RECORD_SIZE + 28);
  }
  /** SYN mode: the reply's TCP flags. */
  tcpFlags(i: number): number {
    return this.view.getUint8(i * RECORD_SIZE + 29);
  }
  /** SYN mode: the reply's TTL or hop limit. */
  ttl(i: number): number {
    return this.view.getUint8(i * RECORD_SIZE + 30);
  }
}

/**
 * Probes waiting to be sent again, kept as packed target bytes copied straight from their
 * result records (the first 19 bytes of both layouts are the same), so a retry costs no
 * decoding. Grows as needed; drained last-in first-out.
 */
export class RetryQueue {
  private bytes = new Uint8Array(64 * TARGET_SIZE);
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Queues record `i` of `batch` for another try, as attempt number `attempt`. */
  push(batch: ResultBatch, i: number, attempt: number): void {
    if ((this.count + 1) * TARGET_SIZE > this.bytes.length) {
      const bigger = new Uint8Array(this.bytes.length * 2);
      bigger.set(this.bytes);
      this.bytes = bigger;
    }
    const o = this.count * TARGET_SIZE;
    const src = i * RECORD_SIZE;
    this.bytes.set(batch.bytes.subarray(src, src + 19), o);
    this.bytes[o + 19] = attempt;
    this.count++;
  }

  /** Moves up to `budget - packer.count` queued probes into `packer`, with `timeoutMs`. */
  drainInto(packer: TargetPacker, budget: number, timeoutMs: number): void {
    while (this.count > 0 && packer.count < budget) {
      this.count--;
      const o = this.count * TARGET_SIZE;
      packer.pushRaw(this.bytes.subarray(o, o + 20), timeoutMs);
    }
  }
}
