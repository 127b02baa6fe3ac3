// SPDX-License-Identifier: MIT
// scan.ts: the library entry points. runScan() plans, validates and runs a scan with callbacks
// (the CLI uses it); scan() wraps it as an async iterable of typed results, cancellable with an
// AbortSignal. Both take the CLI's options (options.ts).
import type { PortState } from './classify';
import { ConnectScanner, type PortResult, type ScanCounters } from './connect-scanner';
import { loadBinding } from './native/binding';
import { resolveOptions, type ResolvedOptions, type ScanOptions } from './options';
import { buildPlan, type ScanPlan } from './plan';
import { synUnavailable } from './privileges';
import { SynScanner } from './syn-scanner';

export interface ScanSummary {
  plan: ScanPlan;
  options: ResolvedOptions;
  counters: ScanCounters;
  aborted: boolean;
  elapsedMs: number;
}

export interface RunHooks {
  /** Called once the plan is built, before the first probe. */
  onStart?(plan: ScanPlan, options: ResolvedOptions): void;
  /** Each reported result: open ports, or every probed port with `full`. */
  onResult(r: PortResult): void;
  /** Every final state, reported or not (for per-host counts). */
  onState?(ip: string, port: number, state: PortState): void;
  /** After each batch of results. */
  onBatch?(counters: ScanCounters): void;
}

/** Validates, plans and runs a scan. Rejects with ParseError/UsageError before sending anything. */
export async function runScan(options: ScanOptions, hooks: RunHooks): Promise<ScanSummary> {
  const binding = loadBinding();
  const synBlocker = options.mode === 'connect' ? 'connect mode was asked for' : synUnavailable(binding);
  const resolved = resolveOptions(options, binding.getFdLimit(), synBlocker);
  const plan = await buildPlan(options, resolved.ports);
  hooks.onStart?.(plan, resolved);
  const t0 = performance.now();
  const Scanner = resolved.mode === 'syn' ? SynScanner : ConnectScanner;
  const scanner: ConnectScanner | SynScanner = new Scanner(plan, resolved, {
    onResult: (r) => hooks.onResult(r),
    ...(hooks.onState ? { onState: hooks.onState } : {}),
    onBatch: () => hooks.onBatch?.(scanner.counters),
  });
  const aborted = await scanner.run(options.signal);
  return { plan, options: resolved, counters: scanner.counters, aborted, elapsedMs: performance.now() - t0 };
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
  runScan({ ...options, signal: stop.signal }, { onResult: (r) => queue.push(r), onBatch: poke }).then(
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
