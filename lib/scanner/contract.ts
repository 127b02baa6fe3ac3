// SPDX-License-Identifier: MIT
// contract.ts: the one contract between a scan and its engine, as ZMap's probe modules are to
// its framework. scan.ts builds a ScannerContext (the plan, the resolved options, the part of
// the plan to run, the hooks and the native binding), asks the mode's factory for a Scanner,
// and from then on knows only start(), stop(), the counters and summary(). Each engine's driver
// (connect.ts, syn.ts) implements it; a fake binding under test drives the same code without
// root or sockets.
import type { NativeBinding } from '../native/types';
import type { ScanPlan } from '../plan/plan';
import type { ResolvedOptions } from '../options';
import type { PortState } from './classify';
import type { PortResult, ScanCounters } from './result';

/** What a run probes: positions [start, end) of the plan's order, and the order's key. */
export interface ScanRange {
  start: bigint;
  end: bigint;
  /** The order's key (SYN mode; 0 for connect mode's fixed order). */
  seed: bigint;
}

/** What an engine tells the scan while it runs. Called on the JS thread, between batches. */
export interface ScannerHooks {
  /** Each reported result (open ones, or all with `full`), as a full object. */
  onResult(r: PortResult): void;
  /** Every final state and its reason, cheaply (no object): for per-host counts. */
  onState?(ip: string, port: number, state: PortState, reason: string): void;
  /** After each native batch has been handled: a good moment to flush output. */
  onBatch?(): void;
  /** Every position of the order below `position` has its result reported already. */
  onCheckpoint?(position: bigint): void;
  /** The results about to be reported lie at positions up to `maxPosition`. */
  onPositions?(maxPosition: bigint): void;
  /** Something the user should know while the scan runs (e.g. packet loss). */
  onNotice?(message: string): void;
  /**
   * Everything the run needs privilege for (raw sockets, the capture) is open: called once,
   * right after the engine starts. A throw fails the run and closes the engine.
   */
  onPrivilegedOpen?(): void;
}

/** What the engine reports at the end (printed with -v); SYN mode has one. */
export interface EngineSummary {
  /** Probes sent, retries included, sentinels not. */
  sent: number;
  replies: number;
  duplicates: number;
  late: number;
  pcapDrops: number;
  sentinels: number;
  /** Per family, how probes left and why. */
  sendPaths: string[];
  /** From the first probe to the last first try, ms (0 when stopped early). */
  sendPhaseMs: number;
  /** --retries auto: what it chose and the bound that gives (lib/scanner/retry-policy.ts). */
  retries?: string;
}

/** One engine's run over one range of one plan. */
export interface Scanner {
  /** Probes sent, results final, open ports: kept current as batches arrive. */
  readonly counters: ScanCounters;
  /**
   * Runs the range to its end, or until stop(). Resolves to true when stopped early, false
   * when every probe has its result; rejects on an engine failure (a ScanError with a code).
   * Called once.
   */
  start(): Promise<boolean>;
  /**
   * No new probes and no retries from now on; the run resolves once the probes in flight have
   * had their wait, so their answers are still reported. Idempotent; harmless before start().
   */
  stop(): void;
  /** The engine's own figures at the end, when it has any. */
  summary(): EngineSummary | undefined;
  /**
   * Another user of the scan's --rate took `tokens` of it (-sV's identification connections):
   * the engine sends that many fewer probes, so the two together keep to the rate.
   */
  debit(tokens: number): void;
}

/** Everything an engine's driver is given. */
export interface ScannerContext {
  plan: ScanPlan;
  options: ResolvedOptions;
  range: ScanRange;
  hooks: ScannerHooks;
  /** The native addon (or a fake of it under test): the engine is made from it. */
  binding: NativeBinding;
}

export type ScannerFactory = (context: ScannerContext) => Scanner;
