// SPDX-License-Identifier: MIT
// large-plan.ts: a scan of a large part of the Internet does not start by accident. A plan of
// more than 2^24 addresses (0.0.0.0/0, ::/0, any huge range) needs the caller's explicit go
// (option 'yes', or an explicit 'ratePps' that sets its pace); it is then announced with its
// size and its duration at the rate before the first probe. The addresses the default
// exclusions left out (special-ranges.ts) are announced too.
import { UsageError } from '../errors';
import type { ScanPlan } from './plan';

/** Plans above this many addresses need option 'yes' or an explicit 'ratePps'. */
export const LARGE_PLAN_ADDRESSES = 1n << 24n;

function duration(seconds: number): string {
  const units: [number, string][] = [
    [365 * 86400, 'years'],
    [86400, 'days'],
    [3600, 'hours'],
    [60, 'minutes'],
  ];
  for (const [size, name] of units) if (seconds >= size) return `${(seconds / size).toPrecision(3)} ${name}`;
  return `${seconds.toPrecision(3)} seconds`;
}

/** "N addresses x P ports = M probes, about D at R probes/s". */
export function planSize(plan: ScanPlan, ratePps: number): string {
  const size = `${plan.hosts.count()} addresses x ${plan.ports.length} ports = ${plan.total} probes`;
  if (ratePps <= 0) return `${size}, at no rate limit`;
  return `${size}, about ${duration(Number(plan.total) / ratePps)} at ${ratePps} probes/s`;
}

/**
 * The notices a plan needs before it starts (none for a small one). Throws UsageError for a
 * large plan without option 'yes' or an explicit rate, saying how to proceed.
 */
export function largePlanNotices(plan: ScanPlan, ratePps: number, explicitRate: boolean, yes: boolean): string[] {
  const out: string[] = [];
  const left = plan.specialExcluded ?? 0n;
  if (left > 0n) {
    out.push(
      `left out ${left} addresses of special-purpose ranges (private, loopback, documentation, multicast, ...: ` +
        "RFC 6890) that the targets contain; set option 'defaultExcludes' to false to scan them",
    );
  }
  if (plan.hosts.count() <= LARGE_PLAN_ADDRESSES) return out;
  if (!yes && !explicitRate) {
    throw new UsageError(
      `the plan is large: ${planSize(plan, ratePps)}. To scan it, give option 'yes' ` +
        `(or set its pace with option 'ratePps')`,
    );
  }
  out.push(`large plan: ${planSize(plan, ratePps)}`);
  return out;
}
