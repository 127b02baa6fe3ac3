// SPDX-License-Identifier: MIT
// syn.ts: the SYN engine's driver (a Scanner, see contract.ts). TypeScript plans (packs the
// address intervals and the port list once, picks the permutation seed, the cookie key and the
// source port, finds the route and capture device: syn-route.ts) and controls (rate, a timeout
// learned from round trips, loss); native code iterates, sends, receives and retries. Results
// arrive in batches and are classified here; checkpoints follow the transmit threads' marks.
import { randomBytes } from 'node:crypto';

import { ScanError, UsageError, withJsStack } from '../errors';
import { INTERVAL, Kind, ResultBatch } from '../native/records';
import type { NativeError, NativeSynEngine, SynBatch, SynEngineOptions, SynStats } from '../native/types';
import { V4_BASE, V4_LAST, writeAddressBytes } from '../plan/ip';
import type { ScanPlan } from '../plan/plan';
import { classifySyn } from './classify';
import type { EngineSummary, Scanner, ScannerContext } from './contract';
import { LossMonitor } from './loss-monitor';
import { RetryPolicy } from './retry-policy';
import { RunOutcome } from './outcome';
import { portResult, type ScanCounters } from './result';
import { RttEstimator } from './rtt';
import { addressBytes, routesFor, type SynRoutes } from './syn-route';

const MAX_PLAN = 2n ** 53n; // indices cross as JS numbers

/** Packs the plan's address intervals for native/syn_plan.h, split at the IPv4 block's edges. */
export function packIntervals(plan: ScanPlan): Uint8Array {
  const parts: { start: bigint; count: bigint }[] = [];
  for (const iv of plan.hosts.intervals()) {
    let start = iv.start;
    for (const edge of [V4_BASE - 1n, V4_LAST]) {
      if (start <= edge && iv.end > edge) {
        parts.push({ start, count: edge - start + 1n });
        start = edge + 1n;
      }
    }
    parts.push({ start, count: iv.end - start + 1n });
  }
  const out = new Uint8Array(parts.length * INTERVAL.size);
  const view = new DataView(out.buffer);
  parts.forEach((p, k) => {
    const o = k * INTERVAL.size;
    view.setUint8(o + INTERVAL.family, writeAddressBytes(p.start, view, o + INTERVAL.start_n));
    view.setBigUint64(o + INTERVAL.count, p.count, true);
  });
  return out;
}

/** The SYN engine's counters before its first batch. */
export const NO_SYN_STATS: Readonly<SynStats> = Object.freeze({
  sent: 0,
  replies: 0,
  duplicates: 0,
  late: 0,
  pcapDrops: 0,
  inFlight: 0,
  sentinels: 0,
  sendPhaseUs: 0,
});

/** The SYN engine's driver: see contract.ts. */
export const createSynScanner = (context: ScannerContext): Scanner => new SynScanner(context);

class SynScanner implements Scanner {
  readonly counters: ScanCounters = { sent: 0, done: 0, open: 0 };
  /** The engine's counters as of the last batch. */
  private stats: SynStats = { ...NO_SYN_STATS };
  private route: SynRoutes | undefined;
  private engine: NativeSynEngine | undefined;
  private readonly outcome = new RunOutcome();
  private readonly plan: ScanPlan;
  private readonly opts: ScannerContext['options'];
  private readonly range: ScannerContext['range'];
  private readonly hooks: ScannerContext['hooks'];
  private readonly rtt: RttEstimator;
  private readonly loss: LossMonitor;
  /** --retries auto: the retries new probes get (null: fixed --retries). */
  private readonly retryPolicy: RetryPolicy | null;
  private lastTimeoutMs: number;
  private lastTryMs: number;
  private aborted = false;
  private marks: bigint[] = [];
  private lastMark = -1n;

  constructor(private readonly context: ScannerContext) {
    ({ plan: this.plan, options: this.opts, range: this.range, hooks: this.hooks } = context);
    this.rtt = new RttEstimator(this.opts.minTimeoutMs, this.opts.timeoutMs);
    this.loss = new LossMonitor(this.opts.ratePps, this.opts.adaptive);
    this.retryPolicy = this.opts.retriesAuto ? new RetryPolicy(this.opts.retries, this.opts.maxMiss) : null;
    this.lastTimeoutMs = this.opts.timeoutMs;
    this.lastTryMs = this.opts.timeoutMs;
  }

  async start(): Promise<boolean> {
    if (this.plan.total > MAX_PLAN)
      throw new UsageError(`a SYN scan plan holds at most 2^53 probes; this one has ${this.plan.total}`);
    const intervals = packIntervals(this.plan);
    this.route = await routesFor(this.plan, this.opts, intervals, this.context.binding);
    const site = new Error();
    try {
      this.engine = new this.context.binding.SynEngine(
        this.engineOptions(this.route),
        intervals,
        this.plan.ports,
        (err, batch) => this.onBatch(err, batch, site),
      );
    } catch (err) {
      const e = err as NativeError;
      const hint = e.code === 'EPERM' ? 'SYN mode needs root or CAP_NET_RAW; or use --mode connect' : undefined;
      this.outcome.settle(false, new ScanError(e.message, e.code ?? 'EUNKNOWN', hint));
      return this.outcome.promise;
    }
    this.marks = new Array<bigint>(this.opts.threads).fill(this.range.start);
    try {
      this.hooks.onPrivilegedOpen?.(); // the raw sockets and the capture are open
    } catch (err) {
      this.finish(false, err as Error);
    }
    if (this.aborted) this.finish(true); // stopped while the route was looked up
    return this.outcome.promise;
  }

  /**
   * Stops sending at once; the engine reports done when the probes in flight have had their
   * wait, so late replies are still counted.
   */
  stop(): void {
    if (this.outcome.done || this.aborted) return;
    this.aborted = true;
    this.engine?.drain();
  }

  debit(tokens: number): void {
    this.engine?.debit(tokens);
  }

  summary(): EngineSummary {
    const { sent, replies, duplicates, late, pcapDrops, sentinels, sendPhaseUs } = this.stats;
    const paths = this.route?.paths;
    const sendPaths = [
      ...(paths?.v4 ? [`IPv4: ${paths.v4.why}`] : []),
      ...(paths?.v6 ? [`IPv6: ${paths.v6.why}`] : []),
    ];
    const sendPhaseMs = sendPhaseUs / 1000;
    const retries = this.retryPolicy?.describe();
    return {
      sent,
      replies,
      duplicates,
      late,
      pcapDrops,
      sentinels,
      sendPaths,
      sendPhaseMs,
      ...(retries ? { retries } : {}),
    };
  }

  /** The engine's options: the plan's part, the keys, the route, and the timing policy. */
  private engineOptions(route: SynRoutes): SynEngineOptions {
    return {
      startIndex: Number(this.range.start),
      endIndex: Number(this.range.end),
      seed: this.range.seed,
      cookieKey: randomBytes(16),
      srcPort: this.opts.sourcePort ?? 40000 + (randomBytes(2).readUInt16LE() % 20000),
      ...(route.v4 ? { srcV4: addressBytes(route.v4.source, 4) } : {}),
      ...(route.v6 ? { srcV6: addressBytes(route.v6.source, 6) } : {}),
      device: route.device,
      ...(route.paths.v4?.link ? { linkV4: route.paths.v4.link } : {}),
      ...(route.paths.v6?.link ? { linkV6: route.paths.v6.link } : {}),
      ratePps: this.opts.ratePps,
      timeoutMs: this.opts.timeoutMs,
      waitMs: this.opts.waitMs,
      adaptiveWait: this.opts.waitAdaptive,
      retries: this.opts.retries,
      autoRetries: this.opts.retriesAuto,
      flushIntervalMs: 20,
      maxBatch: 4096,
      threads: this.opts.threads,
    };
  }

  private onBatch(err: NativeError | null, batch: SynBatch | null, site: Error): void {
    if (this.outcome.done) return;
    if (err || !batch) {
      const e = err ?? { message: 'the SYN engine delivered neither a batch nor an error' };
      return this.finish(false, withJsStack(e, site));
    }
    const { records, count, stats, done, thread, mark, maxPosition } = batch;
    this.stats = stats;
    this.counters.sent = stats.sent;
    if (count > 0) this.hooks.onPositions?.(BigInt(maxPosition));
    const results = new ResultBatch(records, count);
    const nowMs = performance.now();
    for (let i = 0; i < count; i++) this.handle(results, i, nowMs);
    const timeoutMs = this.rtt.timeoutMs();
    const retries = this.retryPolicy?.tick(nowMs, timeoutMs);
    if (retries !== undefined) this.engine?.setRetries(retries);
    const lastTryMs = this.rtt.lastTryTimeoutMs(performance.now());
    if (timeoutMs !== this.lastTimeoutMs || lastTryMs !== this.lastTryMs) {
      this.lastTimeoutMs = timeoutMs;
      this.lastTryMs = lastTryMs;
      this.engine?.setTimeout(timeoutMs, lastTryMs);
    }
    const decision = this.loss.tick(done ? Infinity : performance.now()); // the last window closes at the end
    if (decision?.ratePps !== undefined) this.engine?.setRate(decision.ratePps);
    if (decision?.notice) this.hooks.onNotice?.(decision.notice);
    this.hooks.onBatch?.();
    this.advanceMark(thread, mark);
    if (done) this.finish(this.aborted);
  }

  private handle(batch: ResultBatch, i: number, nowMs: number): void {
    const kind = batch.kind(i);
    if (kind === Kind.Connected || kind === Kind.Refused) {
      this.rtt.sample(batch.rttUs(i));
      this.loss.answer(batch.attempt(i));
      this.retryPolicy?.answer(batch.attempt(i), batch.retriesAllowed(i), nowMs);
    }
    this.counters.done++;
    if (kind === Kind.Connected) this.counters.open++;
    const reported = this.opts.full || kind === Kind.Connected;
    if (!reported && !this.hooks.onState) return; // the common case at full rate: count only
    const family = batch.family(i);
    const verdict = classifySyn(kind, batch.err(i), family);
    const state = verdict.state ?? 'unknown';
    const ip = batch.ip(i);
    const port = batch.port(i);
    this.hooks.onState?.(ip, port, state, verdict.reason);
    if (!reported) return;
    this.hooks.onResult(portResult(batch, i, ip, state, verdict.reason));
  }

  /** Every position below the lowest thread mark is reported: tell the checkpoint. */
  private advanceMark(thread: number, mark: number): void {
    if (!this.hooks.onCheckpoint || thread >= this.marks.length) return;
    this.marks[thread] = BigInt(mark);
    let low = this.range.end;
    for (const m of this.marks) if (m < low) low = m;
    if (low > this.lastMark) {
      this.lastMark = low;
      this.hooks.onCheckpoint(low);
    }
  }

  private finish(aborted: boolean, err?: Error): void {
    if (this.outcome.done) return;
    this.engine?.close();
    this.outcome.settle(aborted, err);
  }
}
