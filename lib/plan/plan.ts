// SPDX-License-Identifier: MIT
// plan.ts: what a scan will probe: the target addresses (with exclusions taken out) times the
// port list, and the order it walks them in. The order is port-major (every host gets port 1,
// then every host port 2, ...) so no single host is hammered while others wait. A plan costs
// memory per address interval, never per probe.
import { createHash } from 'node:crypto';

import { ParseError, UsageError } from '../errors';
import { parseAddress } from './ip';
import { parseTargetFile, parseTargets, resolveHostnames, type Resolution, type TargetSpec } from './targets';
import type { Interval } from './range-list';
import { RangeList } from './range-list';
import { removeSpecialRanges } from './special-ranges';
import type { ScanOptions } from '../options';

export interface ScanPlan {
  hosts: RangeList;
  ports: Uint16Array;
  /** hosts × ports */
  total: bigint;
  /** Hostnames and the address each was scanned as. */
  resolutions: Resolution[];
  /** Addresses the default exclusions (special-ranges.ts) took out of the targets. */
  specialExcluded?: bigint;
}

function asList(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Parses every target source and resolves hostnames. Throws ParseError/UsageError. */
export async function buildPlan(o: ScanOptions, ports: Uint16Array): Promise<ScanPlan> {
  const spec: TargetSpec = { ranges: new RangeList(), hostnames: [] };
  for (const t of asList(o.targets)) parseTargets(t, spec);
  for (const f of o.inputFiles ?? []) parseTargetFile(f, spec);
  if ((o.startIp === undefined) !== (o.endIp === undefined)) {
    throw new UsageError("options 'startIp' and 'endIp' go together: give both");
  }
  if (o.startIp !== undefined && o.endIp !== undefined) {
    // Each is one address (never a name or a range), checked alone so the error names the option.
    const start = o.startIp.trim();
    const end = o.endIp.trim();
    const col = (v: string): number => v.length - v.trimStart().length + 1;
    if (parseAddress(start) === null)
      throw new ParseError(`bad address '${start}' for option 'startIp'`, o.startIp, col(o.startIp));
    if (parseAddress(end) === null) {
      throw new ParseError(`bad address '${end}' for option 'endIp'`, o.endIp, col(o.endIp));
    }
    parseTargets(`${start}-${end}`, spec);
  }
  const resolutions = await resolveHostnames(spec);
  const excluded: TargetSpec = { ranges: new RangeList(), hostnames: [] };
  for (const e of asList(o.exclude)) parseTargets(e, excluded);
  for (const f of o.excludeFiles ?? []) parseTargetFile(f, excluded);
  await resolveHostnames(excluded);
  if (spec.ranges.count() === 0n) throw new UsageError('no targets given: name at least one address, range or host');
  const specialExcluded = o.defaultExcludes === false ? 0n : removeSpecialRanges(spec.ranges);
  spec.ranges.subtract(excluded.ranges);
  const hosts = spec.ranges;
  if (hosts.count() === 0n) {
    const why = specialExcluded > 0n ? ` (${specialExcluded} by the default exclusions)` : '';
    throw new UsageError(`every target is excluded${why}: nothing left to scan`);
  }
  return { hosts, ports, total: hosts.count() * BigInt(ports.length), resolutions, specialExcluded };
}

/**
 * The positions [start, end) of shard `index` (1-based) of `count` equal parts of a plan of
 * `total` probes; the parts are disjoint and cover the plan exactly once.
 */
export function shardRange(total: bigint, index: number, count: number): { start: bigint; end: bigint } {
  const n = BigInt(count);
  return { start: (total * BigInt(index - 1)) / n, end: (total * BigInt(index)) / n };
}

/**
 * A fingerprint of what a scan probes and in which order: addresses, ports, mode and seed.
 * Shards of one scan and a checkpoint and its resume must agree on it.
 */
export function planHash(plan: ScanPlan, mode: string, seed: bigint): string {
  const h = createHash('sha256');
  h.update(`${mode}\n${seed}\n`);
  for (const iv of plan.hosts.intervals()) h.update(`${iv.start}-${iv.end}\n`);
  h.update(Buffer.from(plan.ports.buffer, plan.ports.byteOffset, plan.ports.byteLength));
  return h.digest('hex');
}

/** Walks positions [start, end) of a plan in port-major order, in O(1) per probe. */
export class PlanCursor {
  private portIndex = 0;
  private intervalIndex = 0;
  private offset = 0n;
  private left: bigint;
  private readonly intervals: readonly Interval[];

  constructor(
    private readonly plan: ScanPlan,
    start = 0n,
    end = plan.total,
  ) {
    this.intervals = plan.hosts.intervals();
    this.left = end > start ? end - start : 0n;
    if (this.left === 0n) return;
    // Position p is port p / hosts of host p % hosts (port-major order).
    const hosts = plan.hosts.count();
    this.portIndex = Number(start / hosts);
    let skip = start % hosts;
    while (skip > 0n) {
      const iv = this.intervals[this.intervalIndex] as Interval;
      const size = iv.end - iv.start + 1n;
      if (skip < size) {
        this.offset = skip;
        break;
      }
      skip -= size;
      this.intervalIndex++;
    }
  }

  get done(): boolean {
    return this.left === 0n || this.portIndex >= this.plan.ports.length;
  }

  /** The next (address, port), or null at the end. */
  next(): { addr: bigint; port: number } | null {
    if (this.done) return null;
    this.left--;
    const iv = this.intervals[this.intervalIndex] as Interval;
    const addr = iv.start + this.offset;
    const port = this.plan.ports[this.portIndex] as number;
    if (addr < iv.end) {
      this.offset++;
    } else {
      this.offset = 0n;
      this.intervalIndex++;
      if (this.intervalIndex >= this.intervals.length) {
        this.intervalIndex = 0;
        this.portIndex++;
      }
    }
    return { addr, port };
  }
}
