// SPDX-License-Identifier: MIT
// index.ts: the public API. Re-exports only.
export { scan, runScan, type ScanSummary, type RunHooks } from './scan';
export type { PortResult, ScanCounters } from './scanner/result';
export type { PortState } from './scanner/classify';
export type { ScanOptions, ScanMode } from './options';
export type { ServiceOptions } from './service/queue';
export type { ServiceFields } from './service/prober';
export { ParseError, UsageError, ScanError } from './errors';
export { parsePortList, STANDARD_PORTS } from './plan/port-list';
export { parseTargets } from './plan/targets';
