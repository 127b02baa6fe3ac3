// SPDX-License-Identifier: MIT
// position-tracker.ts: connect mode's resume point. Connect mode walks the plan in a fixed
// port-major order (plan.ts PlanCursor), but probes finish out of order (timeouts, retries), so
// this keeps a sliding window of finished positions above the low-water mark: every position
// below `low` has its final result. Memory grows with how far finishing runs ahead of the
// slowest unfinished probe (a few timeouts' worth of probes), never with the plan.
import type { ScanPlan } from '../plan/plan';

export class PositionTracker {
  private lowPos: bigint;
  private bits = new Uint8Array(1 << 16);
  private readonly hosts: bigint;
  private readonly portIndex = new Int32Array(65536).fill(-1);

  constructor(
    private readonly plan: ScanPlan,
    start: bigint,
  ) {
    this.lowPos = start;
    this.hosts = plan.hosts.count();
    plan.ports.forEach((p, k) => (this.portIndex[p] = k));
  }

  /** Every position below this one is finished. */
  get low(): bigint {
    return this.lowPos;
  }

  /** The position of (address, port) in port-major order, or -1n when not in the plan. */
  positionOf(addr: bigint, port: number): bigint {
    const k = this.portIndex[port] ?? -1;
    const host = this.plan.hosts.indexOf(addr);
    if (k < 0 || host < 0n) return -1n;
    return BigInt(k) * this.hosts + host;
  }

  /** Marks a position finished and advances the low-water mark over finished positions. */
  done(position: bigint): void {
    if (position < this.lowPos) return;
    const offset = Number(position - this.lowPos);
    while (offset >= this.bits.length) this.grow();
    this.bits[offset] = 1;
    if (offset !== 0) return;
    // Slide past the finished prefix.
    let run = 0;
    while (run < this.bits.length && this.bits[run] === 1) run++;
    this.bits.copyWithin(0, run);
    this.bits.fill(0, this.bits.length - run);
    this.lowPos += BigInt(run);
  }

  private grow(): void {
    const bigger = new Uint8Array(this.bits.length * 2);
    bigger.set(this.bits);
    this.bits = bigger;
  }
}
