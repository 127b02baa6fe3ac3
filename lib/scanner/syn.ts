// SPDX-License-Identifier: MIT
// syn-scanner.ts: drives the native SynEngine. TypeScript plans (packs the address intervals
// and the port list once, picks the permutation seed, the cookie key and the source port, finds
// the route and capture device) and controls (rate, a timeout learned from round trips); native
// code iterates, sends, receives and retries. Results arrive in batches and are classified here.
import { randomBytes } from 'node:crypto';

import { classifySyn } from './classify';
import { portResult, type ScanCounters, type ScannerHooks } from './connect';
import { ScanError, UsageError, withJsStack } from '../errors';
import { familyOf, parseAddress, V4_BASE, V4_LAST, writeAddressBytes } from '../plan/ip';
import { loadBinding } from '../native/binding';
import { Kind, ResultBatch } from '../native/records';
import type { NativeError, NativeSynEngine, NextHopInfo } from '../native/types';
import { chooseSendPath, findRoute, type LinkPath, type Route } from './netif';
import type { ResolvedOptions } from '../options';
import type { ScanPlan } from '../plan/plan';
import { LossMonitor } from './loss-monitor';
import { RttEstimator } from './rtt';

const INTERVAL_SIZE = 32;
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
  const out = new Uint8Array(parts.length * INTERVAL_SIZE);
  const view = new DataView(out.buffer);
  parts.forEach((p, k) => {
    const o = k * INTERVAL_SIZE;
    view.setUint8(o + 16, writeAddressBytes(p.start, view, o));
    view.setBigUint64(o + 24, p.count, true);
  });
  return out;
}

/** How each family's probes leave: see chooseSendPath. */
export interface SendPaths {
  v4?: { link?: LinkPath; why: string };
  v6?: { link?: LinkPath; why: string };
}

/** The address's bytes in network order: 4 for IPv4, 16 for IPv6. */
function bytesOf(addr: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const family = writeAddressBytes(addr, new DataView(out.buffer), 0);
  return out.subarray(0, family === 4 ? 4 : 16);
}

/** How one family's probes leave: the next hop toward `sample` (netlink), judged by chooseSendPath. */
function sendPath(
  route: Route,
  sample: bigint,
  opts: ResolvedOptions,
  intervals: Uint8Array,
): { link?: LinkPath; why: string } {
  if (opts.sendPath === 'ip') return chooseSendPath(null, route, 'ip');
  // Routed from the source the probes carry, as the kernel would for a raw IP socket.
  const source = opts.sourceIp ? addressBytes(opts.sourceIp, route.family) : null;
  // Only 'auto' checks that one route serves every target (a dump of every routing table).
  const auto = opts.sendPath === 'auto' && !opts.routerMac;
  let hop: NextHopInfo | null = null;
  try {
    hop = loadBinding().nextHop(route.family, bytesOf(sample), source, auto ? intervals : undefined);
  } catch {
    hop = null; // no route: the raw IP path says so when it sends
  }
  return chooseSendPath(hop, route, opts.sendPath, opts.routerMac);
}

/**
 * The routes for each family present in the plan, one capture device for all of them, and how
 * each family's probes leave. `intervals` is the plan packed by packIntervals.
 */
async function routesFor(
  plan: ScanPlan,
  opts: ResolvedOptions,
  intervals: Uint8Array,
): Promise<{ v4?: Route; v6?: Route; device: string; paths: SendPaths }> {
  const ivs = plan.hosts.intervals();
  const firstV4 = ivs.find((iv) => iv.end >= V4_BASE && iv.start <= V4_LAST);
  const firstV6 = ivs.find((iv) => iv.start < V4_BASE || iv.end > V4_LAST);
  const overrides = {
    ...(opts.sourceIp ? { sourceIp: opts.sourceIp } : {}),
    ...(opts.device ? { device: opts.device } : {}),
  };
  const v4Sample = firstV4 ? (firstV4.start < V4_BASE ? V4_BASE : firstV4.start) : undefined;
  // An interval may straddle the IPv4 block: its first IPv6 address is then just past it.
  const v6Sample = firstV6
    ? firstV6.start < V4_BASE || firstV6.start > V4_LAST
      ? firstV6.start
      : V4_LAST + 1n
    : undefined;
  const v4 = v4Sample !== undefined ? await findRoute(v4Sample, overrides) : undefined;
  const v6 = v6Sample !== undefined ? await findRoute(v6Sample, overrides) : undefined;
  const devices = new Set([v4?.device, v6?.device].filter((d): d is string => d !== undefined));
  const paths: SendPaths = {};
  if (v4 && v4Sample !== undefined) paths.v4 = sendPath(v4, v4Sample, opts, intervals);
  if (v6 && v6Sample !== undefined) paths.v6 = sendPath(v6, v6Sample, opts, intervals);
  return {
    ...(v4 ? { v4 } : {}),
    ...(v6 ? { v6 } : {}),
    device: devices.size === 1 ? ([...devices][0] as string) : 'any',
    paths,
  };
}

function addressBytes(text: string, family: 4 | 6): Uint8Array {
  const addr = parseAddress(text);
  if (addr === null || familyOf(addr) !== family) throw new UsageError(`source address '${text}' is not IPv${family}`);
  return bytesOf(addr);
}

export class SynScanner {
  readonly counters: ScanCounters = { sent: 0, done: 0, open: 0 };
  /** [sent, replies, duplicates, late, pcapDrops, inFlight, sentinels, sendPhaseUs] from the last batch. */
  stats: number[] = [0, 0, 0, 0, 0, 0, 0, 0];
  route: { v4?: Route; v6?: Route; device: string; paths: SendPaths } | undefined;
  private engine: NativeSynEngine | undefined;
  private readonly rtt: RttEstimator;
  private readonly loss: LossMonitor;
  private lastTimeoutMs: number;
  private lastTryMs: number;
  private finished = false;
  private aborted = false;
  private settle: ((aborted: boolean) => void) | undefined;
  private fail: ((err: Error) => void) | undefined;

  private marks: bigint[] = [];
  private lastMark = -1n;

  constructor(
    private readonly plan: ScanPlan,
    private readonly opts: ResolvedOptions,
    private readonly range: { start: bigint; end: bigint; seed: bigint },
    private readonly hooks: ScannerHooks,
  ) {
    this.rtt = new RttEstimator(opts.minTimeoutMs, opts.timeoutMs);
    this.loss = new LossMonitor(opts.ratePps, opts.adaptive);
    this.lastTimeoutMs = opts.timeoutMs;
    this.lastTryMs = opts.timeoutMs;
  }

  /** Runs the plan; resolves to true when aborted. */
  async run(signal?: AbortSignal): Promise<boolean> {
    if (this.plan.total > MAX_PLAN)
      throw new UsageError(`a SYN scan plan holds at most 2^53 probes; this one has ${this.plan.total}`);
    const intervals = packIntervals(this.plan);
    this.route = await routesFor(this.plan, this.opts, intervals);
    const site = new Error();
    const native = loadBinding();
    const srcPort = this.opts.sourcePort ?? 40000 + (randomBytes(2).readUInt16LE() % 20000);
    return new Promise<boolean>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      try {
        this.engine = new native.SynEngine(
          {
            startIndex: Number(this.range.start),
            endIndex: Number(this.range.end),
            seed: this.range.seed,
            cookieKey: randomBytes(16),
            srcPort,
            ...(this.route?.v4 ? { srcV4: addressBytes(this.route.v4.source, 4) } : {}),
            ...(this.route?.v6 ? { srcV6: addressBytes(this.route.v6.source, 6) } : {}),
            device: this.route?.device ?? 'any',
            ...(this.route?.paths.v4?.link ? { linkV4: this.route.paths.v4.link } : {}),
            ...(this.route?.paths.v6?.link ? { linkV6: this.route.paths.v6.link } : {}),
            ratePps: this.opts.ratePps,
            timeoutMs: this.opts.timeoutMs,
            waitMs: this.opts.waitMs,
            adaptiveWait: this.opts.waitAdaptive,
            retries: this.opts.retries,
            flushIntervalMs: 20,
            maxBatch: 4096,
            threads: this.opts.threads,
          },
          intervals,
          this.plan.ports,
          (err, records, count, stats, done, thread, mark, maxPosition) =>
            this.onBatch(err, records, count, stats, done, site, thread, mark, maxPosition),
        );
      } catch (err) {
        const e = err as NativeError;
        reject(
          new ScanError(
            e.message,
            e.code ?? 'EUNKNOWN',
            e.code === 'EPERM' ? 'SYN mode needs root or CAP_NET_RAW; or use --mode connect' : undefined,
          ),
        );
        return;
      }
      this.marks = new Array<bigint>(this.opts.threads).fill(this.range.start);
      if (signal?.aborted) return this.finish(true);
      // Stop sending at once; the engine reports done when the probes in flight have had their
      // wait, so late replies are still counted.
      signal?.addEventListener(
        'abort',
        () => {
          this.aborted = true;
          this.engine?.drain();
        },
        { once: true },
      );
    });
  }

  private onBatch(
    err: NativeError | null,
    records: Uint8Array | null,
    count: number,
    stats: Float64Array | null,
    done: boolean,
    site: Error,
    thread: number,
    mark: number,
    maxPosition: number,
  ): void {
    if (this.finished) return;
    if (err) return this.finish(false, withJsStack(err, site));
    if (stats) {
      this.stats = Array.from(stats);
      this.counters.sent = this.stats[0] as number;
    }
    if (records) {
      if (count > 0) this.hooks.onPositions?.(BigInt(maxPosition));
      const batch = new ResultBatch(records, count);
      for (let i = 0; i < count; i++) this.handle(batch, i);
    }
    const timeoutMs = this.rtt.timeoutMs();
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
    if (stats) this.advanceMark(thread, mark);
    if (done) this.finish(this.aborted);
  }

  private handle(batch: ResultBatch, i: number): void {
    const kind = batch.kind(i);
    if (kind === Kind.Connected || kind === Kind.Refused) {
      this.rtt.sample(batch.rttUs(i));
      this.loss.answer(batch.attempt(i));
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
    this.hooks.onState?.(ip, port, state);
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
    if (this.finished) return;
    this.finished = true;
    this.engine?.close();
    if (err) this.fail?.(err);
    else this.settle?.(aborted);
  }
}
