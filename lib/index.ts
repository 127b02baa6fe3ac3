// SPDX-License-Identifier: MIT
// index.ts: the public API. Re-exports only.
export { scan, runScan, type ScanSummary, type RunHooks } from './scan';
export type { PortResult, ScanCounters } from './connect-scanner';
export type { PortState } from './classify';
export type { ScanOptions, ScanMode } from './options';
export { ParseError, UsageError, ScanError } from './errors';
export { parsePortList, STANDARD_PORTS } from './port-list';
export { parseTargets } from './targets';
