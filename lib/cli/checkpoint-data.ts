// SPDX-License-Identifier: MIT
// checkpoint-data.ts: what a checkpoint holds (version 2) and the check of every field read from
// one. It is data, never a command line: the plan (targets as address intervals, ports, mode,
// seed, shard), the options that shape the results, the output (resolved path and format) and
// the resume point; known keys only, each of its type and in its range. A crafted file is
// refused with one line naming the field, never run.
import { resolve } from 'node:path';

import { UsageError } from '../errors';
import type { ResolvedOptions, ScanOptions } from '../options';
import { FORMATS } from '../output/formats';
import { familyOf, formatAddress, parseAddress } from '../plan/ip';
import type { ScanPlan } from '../plan/plan';
import { compressPorts } from '../plan/port-list';
import type { RunRange } from '../scan';
import { shownPath } from '../safe-fs';

/** The options a checkpoint keeps (they shape the results, or are the run's defaults to change). */
export const KEPT_OPTIONS = {
  full: 'boolean',
  adaptive: 'boolean',
  /** The go a plan of more than 2^24 addresses needed (large-plan.ts): a resume has it too. */
  yes: 'boolean',
  tasks: 'count',
  timeoutMs: 'count',
  minTimeoutMs: 'count',
  retries: 'countOrAuto',
  maxMiss: 'fraction',
  ratePps: 'count',
  waitMs: 'count',
  tarpitLimit: 'count',
  sourcePort: 'count',
  sourceIp: 'text',
  device: 'text',
  sendPath: 'text',
  routerMac: 'text',
} as const;
export type KeptOptions = Partial<Pick<ScanOptions, keyof typeof KEPT_OPTIONS>>;

export interface Checkpoint {
  version: 2;
  plan: {
    /** The plan's addresses as intervals ("a-b" or "a"): resolved names and exclusions applied. */
    targets: string[];
    ports: string;
    mode: 'connect' | 'syn';
    /** Decimal. */
    seed: string;
    shard: { index: number; count: number } | null;
  };
  options: KeptOptions;
  planHash: string;
  /** This run's range of the scan order [start, end) (decimal) and the position below which all is done. */
  start: string;
  end: string;
  position: string;
  /**
   * The output file (resolved path; null: standard output), its format, and the offset in it
   * past which results at or after `position` lie.
   */
  output: string | null;
  format: string;
  outputBytes: number;
  updated: string;
}

const KEYS = [
  'version',
  'plan',
  'options',
  'planHash',
  'start',
  'end',
  'position',
  'output',
  'format',
  'outputBytes',
  'updated',
];

/** Checks that `o`, read from `path`, is a checkpoint; UsageError naming the first bad field. */
export function checkCheckpoint(o: unknown, path: string): Checkpoint {
  const bad = (field: string): UsageError =>
    new UsageError(`'${shownPath(path)}' is not a valid portscan checkpoint: bad or unknown field '${field}'`);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad('(top level)');
  const cp = o as Record<string, unknown>;
  if (cp.version !== 2) {
    throw new UsageError(`'${shownPath(path)}' is not a portscan checkpoint of this version (2)`);
  }
  for (const k of Object.keys(cp)) if (!KEYS.includes(k)) throw bad(shownPath(k));
  const decimal = (v: unknown): v is string => typeof v === 'string' && /^\d{1,40}$/.test(v);
  const text = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;
  if (!text(cp.planHash) || !/^[0-9a-f]{64}$/.test(cp.planHash)) throw bad('planHash');
  for (const k of ['start', 'end', 'position'] as const) if (!decimal(cp[k])) throw bad(k);
  const [start, end, position] = [BigInt(cp.start as string), BigInt(cp.end as string), BigInt(cp.position as string)];
  if (start > end) throw bad('start');
  if (position < start || position > end) throw bad('position');
  if (cp.output !== null && !text(cp.output)) throw bad('output');
  // A form portscan writes (it is quoted back in messages: "add -f ...").
  if (!(FORMATS as readonly unknown[]).includes(cp.format)) throw bad('format');
  if (!Number.isSafeInteger(cp.outputBytes) || (cp.outputBytes as number) < 0) throw bad('outputBytes');
  if (!text(cp.updated, 64)) throw bad('updated');
  checkPlan(cp.plan, bad);
  checkOptions(cp.options, bad);
  return cp as unknown as Checkpoint;
}

function checkPlan(plan: unknown, bad: (field: string) => UsageError): void {
  if (typeof plan !== 'object' || plan === null) throw bad('plan');
  const p = plan as Record<string, unknown>;
  for (const k of Object.keys(p))
    if (!['targets', 'ports', 'mode', 'seed', 'shard'].includes(k)) throw bad(`plan.${k}`);
  if (!Array.isArray(p.targets) || !p.targets.every(isInterval)) throw bad('plan.targets');
  if (typeof p.ports !== 'string' || p.ports.length > 400000) throw bad('plan.ports');
  if (p.mode !== 'connect' && p.mode !== 'syn') throw bad('plan.mode');
  if (typeof p.seed !== 'string' || !/^\d{1,20}$/.test(p.seed) || BigInt(p.seed) >= 1n << 64n) throw bad('plan.seed');
  const s = p.shard as { index?: unknown; count?: unknown } | null;
  if (s !== null) {
    const ok =
      typeof s === 'object' &&
      Object.keys(s).length === 2 &&
      Number.isSafeInteger(s.index) &&
      Number.isSafeInteger(s.count);
    if (!ok || (s.index as number) < 1 || (s.index as number) > (s.count as number)) throw bad('plan.shard');
  }
}

/**
 * Is `t` an interval as checkpointBase writes one: an address, or two of one family in order
 * ("a-b")? Never a hostname (a resume would resolve it), a prefix or a pattern.
 */
function isInterval(t: unknown): boolean {
  if (typeof t !== 'string' || t.length > 100) return false;
  const parts = t.split('-');
  if (parts.length > 2) return false;
  const a = parseAddress(parts[0] ?? '');
  const b = parseAddress(parts[1] ?? parts[0] ?? '');
  return a !== null && b !== null && familyOf(a) === familyOf(b) && a <= b;
}

function checkOptions(options: unknown, bad: (field: string) => UsageError): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw bad('options');
  for (const [k, v] of Object.entries(options)) {
    const kind = (KEPT_OPTIONS as Record<string, string>)[k];
    const ok =
      kind === 'boolean'
        ? typeof v === 'boolean'
        : kind === 'count' || (kind === 'countOrAuto' && v !== 'auto')
          ? Number.isSafeInteger(v) && (v as number) >= 0
          : kind === 'fraction'
            ? typeof v === 'number' && v > 0 && v < 1
            : (kind === 'countOrAuto' && v === 'auto') || (kind === 'text' && typeof v === 'string' && v.length <= 256);
    if (!ok) throw bad(`options.${shownPath(k)}`);
  }
}

/** What a run's checkpoints record beside the resume point. */
export function checkpointBase(
  plan: ScanPlan,
  resolved: ResolvedOptions,
  range: RunRange,
  options: ScanOptions,
  output: { path: string | undefined; format: string; start?: string },
): Omit<Checkpoint, 'position' | 'outputBytes' | 'updated'> {
  const targets = plan.hosts
    .intervals()
    .map((iv) =>
      iv.start === iv.end ? formatAddress(iv.start) : `${formatAddress(iv.start)}-${formatAddress(iv.end)}`,
    );
  const kept: Record<string, unknown> = {};
  for (const k of Object.keys(KEPT_OPTIONS) as (keyof KeptOptions)[])
    if (options[k] !== undefined) kept[k] = options[k];
  return {
    version: 2,
    plan: {
      targets,
      ports: compressPorts(plan.ports),
      mode: resolved.mode,
      seed: range.seed.toString(),
      shard: resolved.shard ? { ...resolved.shard } : null,
    },
    options: kept as KeptOptions,
    planHash: range.planHash,
    start: output.start ?? range.start.toString(),
    end: range.end.toString(),
    output: output.path === undefined || output.path === '-' ? null : resolve(output.path),
    format: output.format,
  };
}
