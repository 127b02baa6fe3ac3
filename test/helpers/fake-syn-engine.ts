// SPDX-License-Identifier: MIT
// fake-syn-engine.ts: the SYN engine's stand-in for fake-binding.ts. It walks positions
// [startIndex, endIndex) of a plain (unpermuted) order split between its "transmit threads" as
// the addon does (thread k takes every threads-th position), answers each from a script, and
// delivers SynBatch objects on timers: each thread its own batches, with its resume mark, the
// batch's highest position and the running stats; a last batch with done = true once every
// thread is finished or drain() was called. It logs setRate/setTimeout/setRetries calls. No packets.
import { INTERVAL, Kind, RESULT } from '../../lib/native/records';
import { NO_SYN_STATS } from '../../lib/scanner/syn';
import type { NativeSynEngine, SynBatch, SynBatchCallback, SynEngineOptions, SynStats } from '../../lib/native/types';

/** One probe's fate: an answer to its first try, one that only came to the second, or none. */
export type SynAnswer = Kind.Connected | Kind.Refused | 'retried-open' | 'silent';
export type SynScript = (ip: string, port: number, position: number) => SynAnswer;

export interface FakeSynOptions {
  script: SynScript;
  /** Results per batch for each thread (thread k uses perBatch[k % length]); default [64]. */
  perBatch?: number[];
  /** Time between two rounds of batches, ms (default 2). */
  tickMs?: number;
}

export class FakeSynEngine implements NativeSynEngine {
  readonly rates: number[] = [];
  readonly debits: number[] = [];
  readonly timeouts: { timeoutMs: number; lastTryTimeoutMs: number | undefined }[] = [];
  readonly retrySettings: number[] = [];
  drained = false;
  closed = false;
  private readonly next: number[];
  private readonly hostStart: number;
  private readonly hostCount: number;
  private readonly stats: SynStats = { ...NO_SYN_STATS };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly options: SynEngineOptions,
    intervals: Uint8Array,
    private readonly ports: Uint16Array,
    private readonly onBatch: SynBatchCallback,
    private readonly fake: FakeSynOptions,
  ) {
    const view = new DataView(intervals.buffer, intervals.byteOffset, intervals.byteLength);
    if (intervals.length !== INTERVAL.size || view.getUint8(INTERVAL.family) !== 4) {
      throw new Error('the fake SYN engine takes one IPv4 interval');
    }
    this.hostStart = view.getUint32(INTERVAL.start_n, false);
    this.hostCount = Number(view.getBigUint64(INTERVAL.count, true));
    this.next = Array.from({ length: options.threads }, (_, k) => options.startIndex + k);
    this.timer = setTimeout(() => this.round(), 0);
  }

  setRate(ratePps: number): void {
    this.rates.push(ratePps);
  }

  debit(tokens: number): void {
    this.debits.push(tokens);
  }

  setTimeout(timeoutMs: number, lastTryTimeoutMs?: number): void {
    this.timeouts.push({ timeoutMs, lastTryTimeoutMs });
  }

  setRetries(retries: number): void {
    this.retrySettings.push(retries);
  }

  drain(): void {
    this.drained = true;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** The retries the probe at position p gets, as the addon decides (native/syn_tx.cc RetriesFor). */
  private retriesFor(p: number): number {
    const most = this.options.retries;
    if (!this.options.autoRetries || p % 16 === 0) return most;
    return Math.min(most, this.retrySettings.at(-1) ?? most);
  }

  /** The mark of thread k: every position of its share below it has been delivered. */
  private mark(k: number): number {
    return Math.min(this.next[k] as number, this.options.endIndex);
  }

  private round(): void {
    this.timer = undefined;
    if (this.closed) return;
    const threads = this.options.threads;
    for (let k = 0; k < threads && !this.drained; k++) {
      if ((this.next[k] as number) >= this.options.endIndex) continue;
      const size = this.fake.perBatch?.[k % this.fake.perBatch.length] ?? 64;
      const positions: number[] = [];
      for (let p = this.next[k] as number; p < this.options.endIndex && positions.length < size; p += threads) {
        positions.push(p);
      }
      this.next[k] = (positions.at(-1) as number) + threads;
      this.onBatch(null, this.batch(positions, k, false));
      if (this.closed) return;
    }
    const finished = this.next.every((p) => p >= this.options.endIndex);
    if (finished || this.drained) {
      this.onBatch(null, this.batch([], 0, true));
      return;
    }
    this.timer = setTimeout(() => this.round(), this.fake.tickMs ?? 2);
  }

  private batch(positions: number[], thread: number, done: boolean): SynBatch {
    const records = new Uint8Array(positions.length * RESULT.size);
    const view = new DataView(records.buffer);
    positions.forEach((p, i) => {
      const o = i * RESULT.size;
      const host = this.hostStart + (p % this.hostCount);
      const port = this.ports[Math.floor(p / this.hostCount)] as number;
      const ip = `${host >>> 24}.${(host >>> 16) & 255}.${(host >>> 8) & 255}.${host & 255}`;
      const allowed = this.retriesFor(p);
      // A probe whose first try is lost and that gets no retry is not heard from.
      let answer = this.fake.script(ip, port, p);
      if (answer === 'retried-open' && allowed === 0) answer = 'silent';
      const attempt = answer === 'retried-open' ? 1 : answer === 'silent' ? allowed : 0;
      view.setUint32(o + RESULT.addr_n, host, false);
      view.setUint16(o + RESULT.port_h, port, true);
      view.setUint8(o + RESULT.family, 4);
      view.setUint8(o + RESULT.kind, answer === 'silent' ? Kind.Timeout : answer === 'retried-open' ? 1 : answer);
      view.setUint32(o + RESULT.rtt_us, answer === 'silent' ? this.options.timeoutMs * 1000 : 200, true);
      view.setUint8(o + RESULT.attempt, attempt);
      view.setUint8(o + RESULT.retries_allowed, allowed);
      this.stats.sent += attempt + 1;
      if (answer !== 'silent') this.stats.replies++;
    });
    const maxPosition = positions.length > 0 ? Math.max(...positions) : 0;
    return {
      records,
      count: positions.length,
      stats: { ...this.stats },
      done,
      thread,
      mark: this.mark(thread),
      maxPosition,
    };
  }
}
