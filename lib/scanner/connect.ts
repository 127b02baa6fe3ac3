// SPDX-License-Identifier: MIT
// connect.ts: the connect engine's driver (a Scanner, see contract.ts). It walks the plan in
// port-major order, packs probes in chunks, keeps about two windows' worth queued in native
// code, applies --rate, learns the timeout from round trips (rtt.ts), keeps each host within its
// congestion window (congestion.ts: a listener whose accept queue overflows drops SYNs), sends
// silent probes again up to --retries (urgent, ahead of new ones), and turns each final outcome
// into a PortResult. Native code does the sockets; this file does the policy.
import { withJsStack } from '../errors';
import { Kind, RESULT, ResultBatch, RetryQueue, TARGET, TargetPacker, targetHead } from '../native/records';
import type { NativeEngine, NativeError } from '../native/types';
import { PlanCursor } from '../plan/plan';
import { classify } from './classify';
import { firstCutNotice, HostWindows } from './congestion';
import { hostKeyAt, hostKeyOf, type HostKey } from './host-key';
import type { EngineSummary, Scanner, ScannerContext } from './contract';
import { RunOutcome } from './outcome';
import { PositionTracker } from './position-tracker';
import { portResult, type ScanCounters } from './result';
import { RttEstimator } from './rtt';

const MAX_CHUNK = 4096;
/** The kernel sends a connecting socket's SYN again after 1 s (TCP_TIMEOUT_INIT), then every 1 s or more. */
const KERNEL_SYN_RTO_MS = 1000;
/** How long before the kernel's next retransmission a try is closed (room for a late timer). */
const RTO_MARGIN_MS = 100;

/**
 * The wait for one try that is attempt number `attempt` (0-based): the learned timeout, cut so
 * that the SYNs the kernel sends inside it (one, then one more per second) stay within what is
 * left of the 1 + retries a port may get. The native engine reports those retransmissions as
 * tries, so a try of 2.9 s that sent 3 SYNs comes back as attempt 2.
 */
export function connectTryTimeoutMs(learnedMs: number, attempt: number, retries: number): number {
  const synsLeft = Math.max(1, retries + 1 - attempt);
  return Math.max(1, Math.min(learnedMs, synsLeft * KERNEL_SYN_RTO_MS - RTO_MARGIN_MS));
}
const FIRST_CHUNK = 64; // small, so round-trip samples arrive before most timeouts are chosen
/** Probes held back by their hosts' windows before no more are taken from the plan. */
const HELD_MAX = MAX_CHUNK;

/** The connect engine's driver: see contract.ts. */
export const createConnectScanner = (context: ScannerContext): Scanner => new ConnectScanner(context);

class ConnectScanner implements Scanner {
  readonly counters: ScanCounters = { sent: 0, done: 0, open: 0 };
  private readonly cursor: PlanCursor;
  private readonly rtt: RttEstimator;
  private readonly packer = new TargetPacker(MAX_CHUNK);
  private readonly retries = new RetryQueue();
  private readonly windows: HostWindows;
  private readonly tracker: PositionTracker | undefined;
  private readonly outcome = new RunOutcome();
  private engine: NativeEngine | undefined;
  private outstanding = 0;
  private chunk = FIRST_CHUNK;
  private startMs = 0;
  /** Tokens of --rate others took (debit()): fewer probes go out by each moment. */
  private debited = 0;
  private timer: NodeJS.Timeout | undefined;
  private draining = false;

  private readonly opts: ScannerContext['options'];
  private readonly hooks: ScannerContext['hooks'];

  constructor(private readonly context: ScannerContext) {
    const { plan, range, hooks, options } = context;
    this.opts = options;
    this.hooks = hooks;
    this.cursor = new PlanCursor(plan, range.start, range.end);
    // Checkpoints need each result's plan position: only tracked when someone listens.
    if (hooks.onCheckpoint) this.tracker = new PositionTracker(plan, range.start);
    this.rtt = new RttEstimator(options.minTimeoutMs, options.timeoutMs);
    this.windows = new HostWindows(this.target);
  }

  /** Most probes outstanding at once, all hosts: about two windows' worth queued in native code. */
  private get target(): number {
    return this.opts.tasks * 2 + MAX_CHUNK;
  }

  start(): Promise<boolean> {
    const site = new Error();
    try {
      this.engine = new this.context.binding.ConnectEngine(
        { window: this.opts.tasks, flushIntervalMs: 20, maxBatch: MAX_CHUNK, threads: this.opts.threads },
        (err, records, count) => this.onBatch(err, records, count, site),
      );
    } catch (err) {
      this.outcome.settle(false, withJsStack(err as NativeError, site));
      return this.outcome.promise;
    }
    try {
      this.hooks.onPrivilegedOpen?.(); // nothing here needs privilege: a root CLI gives it up now
    } catch (err) {
      this.finish(false, err as Error);
      return this.outcome.promise;
    }
    this.startMs = performance.now();
    if (this.draining) this.finish(true);
    else this.feed();
    return this.outcome.promise;
  }

  /**
   * Stops sending at once (no new probes, no retries: those queued in native code and not yet
   * sent are dropped) and finishes when the probes in flight have answered or timed out, so
   * their results are kept; the scan then counts as aborted.
   */
  stop(): void {
    if (this.outcome.done || this.draining) return;
    this.draining = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.engine) this.outstanding -= this.engine.dropQueued();
    this.windows.clear();
    if (this.engine && this.outstanding === 0) this.finish(true);
  }

  summary(): EngineSummary | undefined {
    return undefined;
  }

  debit(tokens: number): void {
    if (this.opts.ratePps > 0) this.debited += tokens;
  }

  private onBatch(err: NativeError | null, records: Uint8Array | null, count: number, site: Error): void {
    if (this.outcome.done) return;
    if (err || !records) {
      this.finish(false, withJsStack(err ?? new Error('native engine returned no records'), site));
      return;
    }
    const batch = new ResultBatch(records, count);
    this.outstanding -= count;
    const positions = this.tracker ? this.positionsOf(batch) : undefined;
    for (let i = 0; i < count; i++) this.handle(batch, i, positions?.[i]);
    this.hooks.onBatch?.();
    if (this.tracker) this.hooks.onCheckpoint?.(this.tracker.low);
    this.feed();
  }

  /** The plan position of each record (for checkpoints), and the batch's highest final one. */
  private positionsOf(batch: ResultBatch): bigint[] {
    const tracker = this.tracker as PositionTracker;
    const out = new Array<bigint>(batch.count);
    let max = -1n;
    for (let i = 0; i < batch.count; i++) {
      const pos = tracker.positionOf(batch.address(i), batch.port(i));
      out[i] = pos;
      if (pos > max) max = pos;
    }
    if (max >= 0n) this.hooks.onPositions?.(max);
    return out;
  }

  private handle(batch: ResultBatch, i: number, position?: bigint): void {
    const kind = batch.kind(i);
    const attempt = batch.attempt(i);
    const rttUs = batch.rttUs(i);
    const verdict = classify(kind, batch.err(i), attempt, this.opts.retries);
    const answered = verdict.state === 'open' || verdict.state === 'closed';
    if (answered) this.rtt.sample(rttUs);
    const end = answered ? 'answered' : kind === Kind.Timeout ? 'timeout' : 'error';
    const key = hostKeyAt(batch.bytes, i * RESULT.size);
    const cut = this.windows.ended(key, end, attempt, performance.now(), this.rtt.timeoutMs(), rttUs / 1000);
    if (cut && this.windows.cuts === 1) this.hooks.onNotice?.(firstCutNotice(batch.ip(i)));
    if (verdict.state === null) {
      if (!this.draining) this.retries.push(batch, i, attempt + 1);
      return; // while draining, a probe that still needs a try gets no result (resume re-probes it)
    }
    if (position !== undefined && position >= 0n) this.tracker?.done(position);
    const port = batch.port(i);
    const ip = batch.ip(i);
    this.counters.done++;
    if (verdict.state === 'open') this.counters.open++;
    this.hooks.onState?.(ip, port, verdict.state, verdict.reason);
    if (!this.opts.full && verdict.state !== 'open') return;
    this.hooks.onResult(portResult(batch, i, ip, verdict.state, verdict.reason));
  }

  /** Tops up the engine's queue: retries first, then new probes, within --rate. */
  private feed(): void {
    if (this.outcome.done || !this.engine) return;
    if (this.draining) {
      if (this.outstanding === 0) this.finish(true);
      return;
    }
    const target = this.target;
    let allHeld = false;
    while (this.outstanding < target) {
      // Slow start: the first chunk goes out alone, so the probes after it get a timeout
      // learned from real round trips instead of the maximum.
      if (!this.rtt.measured && this.outstanding > 0) break;
      let budget = Math.min(this.chunk, target - this.outstanding);
      if (this.opts.ratePps > 0) {
        const allowed =
          Math.floor(((performance.now() - this.startMs) * this.opts.ratePps) / 1000) +
          1 -
          this.counters.sent -
          this.debited;
        if (allowed <= 0) {
          this.wakeIn(1000 / this.opts.ratePps);
          break;
        }
        budget = Math.min(budget, allowed);
      }
      const due = this.windows.dueAtMs();
      const urgent = this.retries.length > 0 || (due !== undefined && due <= performance.now());
      const n = urgent ? this.packUrgent(budget) : this.pack(budget);
      if (n === 0 && urgent && this.retries.length === 0 && !allHeld) {
        allHeld = true; // every retry was held back: new probes next
        continue;
      }
      if (n === 0) break;
      this.engine.submit(this.packer.bytes, n, urgent);
      this.outstanding += n;
      this.counters.sent += n;
      this.chunk = Math.min(MAX_CHUNK, this.chunk * 2);
    }
    // A paced host's next probe (its time may have come while the loop ran: then at once).
    const due = this.windows.dueAtMs();
    if (due !== undefined && due !== -Infinity) this.wakeIn(due - performance.now());
    if (this.outstanding === 0 && this.retries.length === 0 && this.windows.heldCount === 0 && this.cursor.done) {
      this.finish(false);
    }
  }

  /** Calls feed() again in `ms` (at least 1), unless a call is already due. */
  private wakeIn(ms: number): void {
    this.timer ??= setTimeout(
      () => {
        this.timer = undefined;
        this.feed();
      },
      Math.max(1, Math.ceil(ms)),
    );
  }

  /**
   * Packs the probes that are due first, submitted as urgent: those their hosts' windows held
   * back and now have room for, then retries (a retry whose host has no room is held back too).
   */
  private packUrgent(budget: number): number {
    this.packer.reset();
    const learnedMs = this.rtt.timeoutMs();
    this.windows.release(performance.now(), (key, head) => {
      if (this.packer.count >= budget) return false;
      this.packHead(key, head, learnedMs);
      return true;
    });
    while (this.packer.count < budget) {
      const head = this.retries.pop();
      if (!head) break;
      const key = hostKeyAt(head, 0);
      if (this.windows.room(key, performance.now())) this.packHead(key, head, learnedMs);
      else this.windows.hold(key, head.slice());
    }
    return this.packer.count;
  }

  /**
   * Packs one probe from its head. A retry to a host that answers waits the learned timeout
   * doubled per try made (at most --timeout): if its listener's queue overflowed, the queue has
   * time to drain and the host's window time to be cut before the last try. A host that never
   * answered (a filtered range) keeps the learned timeout.
   */
  private packHead(key: HostKey, head: Uint8Array, learnedMs: number): void {
    const attempt = head[TARGET.attempt] as number;
    const answering = attempt > 0 && this.windows.answering(key);
    const ms = answering ? Math.min(this.opts.timeoutMs, learnedMs * 2 ** attempt) : learnedMs;
    this.packer.pushRaw(head, connectTryTimeoutMs(ms, attempt, this.opts.retries));
    this.windows.sent(key, performance.now(), learnedMs);
  }

  /** Packs new probes from the plan; those whose host has no room are held back, up to HELD_MAX. */
  private pack(budget: number): number {
    this.packer.reset();
    const learnedMs = this.rtt.timeoutMs();
    const timeoutMs = connectTryTimeoutMs(learnedMs, 0, this.opts.retries);
    const nowMs = performance.now();
    while (this.packer.count < budget && this.windows.heldCount < HELD_MAX) {
      const next = this.cursor.next();
      if (!next) break;
      const key = hostKeyOf(next.addr);
      if (!this.windows.room(key, nowMs)) {
        this.windows.hold(key, targetHead(next.addr, next.port, 0));
        continue;
      }
      this.packer.push(next.addr, next.port, 0, timeoutMs);
      this.windows.sent(key, nowMs, learnedMs);
    }
    return this.packer.count;
  }

  private finish(aborted: boolean, err?: Error): void {
    if (this.outcome.done) return;
    if (this.timer) clearTimeout(this.timer);
    if (this.windows.cuts > 0) this.hooks.onNotice?.(this.windows.summary());
    this.engine?.close();
    this.outcome.settle(aborted, err);
  }
}
