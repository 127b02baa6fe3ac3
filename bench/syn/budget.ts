// SPDX-License-Identifier: MIT
// budget.ts: bench:syn's time budget. No run starts after START_BUDGET_MS of the bench (a run that
// would is recorded as skipped, with the reason), and no run's timeout reaches past HARD_END_MS.
// 14 minutes (it was 8 for the five-port sweep and the one-host runs alone): every workload of
// workloads.ts fits, silent-10m's 10.5 M probes per tool the largest part.
const START_BUDGET_MS = 14 * 60 * 1000;
const HARD_END_MS = 16 * 60 * 1000;

const t0Bench = Date.now();

/** Milliseconds since the bench started. */
export const elapsedMs = (): number => Date.now() - t0Bench;

/** A run's timeout: its own, but never past HARD_END_MS of the whole bench. */
export function capped(ms: number): number {
  return Math.max(5_000, Math.min(ms, HARD_END_MS - elapsedMs()));
}

/** Whether a run expected to take `estimateMs` can still start; else the reason it is skipped. */
export function overBudget(estimateMs: number): string | undefined {
  const at = elapsedMs();
  if (at + estimateMs <= START_BUDGET_MS) return undefined;
  return (
    `skipped: ${(at / 1000).toFixed(0)} s used, ~${(estimateMs / 1000).toFixed(0)} s more would pass ` +
    `the ${START_BUDGET_MS / 60000}-minute budget`
  );
}
