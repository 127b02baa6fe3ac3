// SPDX-License-Identifier: MIT
// scan.ts: the library entry points. runScan() plans, validates and runs a scan with callbacks
// (the CLI uses it); scan() wraps it as an async iterable of typed results, cancellable with an
// AbortSignal. Both take the CLI's options (options.ts).
import { randomBytes } from 'node:crypto';

import { UsageError } from './errors';
import { checkScanOptions } from './check-options';
import { loadBinding } from './native/binding';
import type { NativeBinding } from './native/types';
import { resolveOptions, type ResolvedOptions, type ScanOptions } from './options';
import { largePlanNotices } from './plan/large-plan';
import { buildPlan, planHash, shardRange, type ScanPlan } from './plan/plan';
import type { PortState } from './scanner/classify';
import type { EngineSummary, ScanRange } from './scanner/contract';
import { SCANNERS } from './scanner/engines';
import { synUnavailable } from './scanner/privileges';
import type { PortResult, ReportSummary, ScanCounters } from './scanner/result';
import { TarpitFilter } from './scanner/tarpit';
import { checkServiceOption } from './service/options';
import { ServiceQueue } from './service/queue';

export interface ScanSummary extends ReportSummary {
  mode: 'connect' | 'syn';
  plan: ScanPlan;
  options: ResolvedOptions;
  /** SYN mode: the engine's counters and how its probes left. */
  engine?: EngineSummary;
}

/** Where in the plan a run goes, and how to recognise the plan again (checkpoints, shards). */
export interface RunRange extends ScanRange {
  planHash: string;
}

/** What a run is made with; tests give a fake binding here (see test/helpers/fake-binding.ts). */
export interface RunEnvironment {
  /** The native addon; default: the one loadBinding() finds. */
  binding?: NativeBinding;
}

export interface RunHooks {
  /** Called once the plan is built, before the first probe. */
  onStart?(plan: ScanPlan, options: ResolvedOptions, range: RunRange): void;
  /**
   * SYN mode: every position of the order below `position` has its result reported (through
   * onResult/onState) already. Called as it advances, for checkpoints.
   */
  onCheckpoint?(position: bigint): void;
  /** SYN mode: the results about to be reported lie at positions up to `maxPosition`. */
  onPositions?(maxPosition: bigint): void;
  /** Something the user should know while the scan runs (e.g. packet loss). */
  onNotice?(message: string): void;
  /** Each reported result: open ports, or every probed port with `full`. */
  onResult(r: PortResult): void;
  /** Every final state and its reason, reported or not (for per-host counts). */
  onState?(ip: string, port: number, state: PortState, reason: string): void;
  /** After each batch of results. */
  onBatch?(counters: ScanCounters): void;
  /**
   * Everything the scan needs privilege for (raw sockets, the capture) is open: the CLI gives
   * up root here. A throw fails the scan. The library itself never changes the process's user.
   */
  onPrivilegedOpen?(): void;
}

/**
 * The positions this run scans (a shard, less what a checkpoint says is done) and the order's
 * seed: given, or for shards derived from the plan so that every shard agrees, or random.
 */
function planRange(plan: ScanPlan, resolved: ResolvedOptions, options: ScanOptions): RunRange {
  let seed = 0n;
  if (resolved.mode === 'syn') {
    if (resolved.seed !== undefined) seed = resolved.seed;
    else if (resolved.shard) seed = BigInt(`0x${planHash(plan, 'syn', 0n).slice(0, 16)}`);
    else seed = randomBytes(8).readBigUInt64LE();
  }
  const hash = planHash(plan, resolved.mode, seed);
  const part = resolved.shard
    ? shardRange(plan.total, resolved.shard.index, resolved.shard.count)
    : { start: 0n, end: plan.total };
  const end = part.end;
  let start = part.start;
  if (options.resume) {
    if (options.resume.planHash !== hash) {
      throw new UsageError('the checkpoint does not match this scan: its targets, ports, mode, seed or shard differ');
    }
    const position = options.resume.position;
    if (position < start || position > end) {
      throw new UsageError(`the checkpoint's position ${position} is outside this scan's range [${start}, ${end}]`);
    }
    start = position;
  }
  return { start, end, seed, planHash: hash };
}

/** Validates, plans and runs a scan. Rejects with ParseError/UsageError before sending anything. */
export async function runScan(options: ScanOptions, hooks: RunHooks, env: RunEnvironment = {}): Promise<ScanSummary> {
  checkScanOptions(options); // before anything reads them: a library caller's types are not trusted
  const serviceOptions = checkServiceOption(options.service);
  if (serviceOptions && options.resume) throw new UsageError('service identification cannot resume a checkpoint');
  const binding = env.binding ?? loadBinding();
  const synBlocker = options.mode === 'connect' ? 'connect mode was asked for' : synUnavailable(binding);
  const resolved = resolveOptions(options, binding.getFdLimit(), synBlocker);
  const plan = await buildPlan(options, resolved.ports);
  const notices = largePlanNotices(plan, resolved.ratePps, options.ratePps !== undefined, options.yes === true);
  const range = planRange(plan, resolved, options);
  for (const n of notices) hooks.onNotice?.(n);
  hooks.onStart?.(plan, resolved, range);
  const t0 = performance.now();
  const tarpits = new TarpitFilter(resolved.tarpitLimit);
  // -sV: open results wait for their identification; checkpoints would run ahead of them.
  // Each identification connection takes a token of --rate from the scan's own sending.
  const rate = { ratePps: resolved.ratePps, debit: (tokens: number) => scanner.debit(tokens) };
  const services = serviceOptions ? new ServiceQueue(serviceOptions, hooks.onResult, rate) : undefined;
  const checkpoints = services ? {} : { onCheckpoint: hooks.onCheckpoint, onPositions: hooks.onPositions };
  const scanner = SCANNERS[resolved.mode]({
    plan,
    options: resolved,
    range,
    binding,
    hooks: {
      onResult: (r) => {
        if (!tarpits.admit(r.ip, r.state === 'open')) return;
        if (services && r.state === 'open') services.submit(r);
        else hooks.onResult(r);
      },
      ...(checkpoints.onCheckpoint ? { onCheckpoint: checkpoints.onCheckpoint } : {}),
      ...(checkpoints.onPositions ? { onPositions: checkpoints.onPositions } : {}),
      ...(hooks.onNotice ? { onNotice: hooks.onNotice } : {}),
      ...(hooks.onState ? { onState: hooks.onState } : {}),
      ...(hooks.onPrivilegedOpen ? { onPrivilegedOpen: hooks.onPrivilegedOpen } : {}),
      onBatch: () => hooks.onBatch?.(scanner.counters),
    },
  });
  const signal = options.signal;
  const stop = (): void => {
    scanner.stop();
    services?.stop();
  };
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  let aborted: boolean;
  try {
    aborted = await scanner.start();
    await services?.drain();
  } finally {
    signal?.removeEventListener('abort', stop);
  }
  const engine = scanner.summary();
  return {
    mode: resolved.mode,
    plan,
    options: resolved,
    counters: scanner.counters,
    aborted,
    elapsedMs: performance.now() - t0,
    tarpits: tarpits.flagged(),
    ...(engine ? { engine } : {}),
  };
}

/**
 * Scans and yields each result as it is found: open ports, or every probed port with `full`.
 * Breaking out of the loop, or aborting `options.signal`, stops the scan.
 *
 * @example
 *   for await (const r of scan({ targets: '127.0.0.1', ports: '1-1024' })) console.log(r.port, r.state);
 */
export async function* scan(options: ScanOptions): AsyncGenerator<PortResult, ScanSummary | undefined> {
  const stop = new AbortController();
  const outer = options.signal;
  const onOuterAbort = (): void => stop.abort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });
  if (outer?.aborted) stop.abort();
  const queue: PortResult[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let summary: ScanSummary | undefined;
  const poke = (): void => {
    wake?.();
    wake = undefined;
  };
  runScan(
    { ...options, signal: stop.signal },
    {
      onResult: (r) => {
        queue.push(r);
        if (r.method !== undefined) poke(); // identified results arrive between batches
      },
      onBatch: poke,
    },
  ).then(
    (s) => {
      summary = s;
      done = true;
      poke();
    },
    (err: unknown) => {
      failure = err;
      done = true;
      poke();
    },
  );
  try {
    for (;;) {
      while (queue.length > 0) yield queue.shift() as PortResult;
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    while (queue.length > 0) yield queue.shift() as PortResult;
    if (failure !== undefined) throw failure;
    return summary;
  } finally {
    outer?.removeEventListener('abort', onOuterAbort);
    stop.abort();
  }
}
