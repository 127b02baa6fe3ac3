// SPDX-License-Identifier: MIT
// range-list.ts: a sorted list of disjoint, non-adjacent inclusive [start, end] bigint intervals.
// Targets use it for addresses (see ip.ts) and the plan indexes into it with pick(i), so a scan
// of billions of probes costs memory per interval, never per probe. Overlapping input is merged
// on normalize(), which is what guarantees that no (host, port) is probed twice.

export interface Interval {
  start: bigint;
  end: bigint;
}

export class RangeList {
  private items: Interval[] = [];
  private prefix: bigint[] = []; // prefix[k] = number of addresses before items[k]
  private total = 0n;
  private dirty = false;

  /** Adds [start, end] (inclusive). Call normalize() (or any query) before reading. */
  add(start: bigint, end: bigint): this {
    if (end < start) throw new RangeError(`reversed interval ${start}-${end}`);
    this.items.push({ start, end });
    this.dirty = true;
    return this;
  }

  /** Removes every address of `other` from this list. */
  subtract(other: RangeList): this {
    this.normalize();
    const cut = other.intervals();
    const out: Interval[] = [];
    let j = 0;
    for (const iv of this.items) {
      let start = iv.start;
      while (j < cut.length && (cut[j] as Interval).end < start) j++;
      let k = j;
      while (k < cut.length && (cut[k] as Interval).start <= iv.end) {
        const c = cut[k] as Interval;
        if (c.start > start) out.push({ start, end: c.start - 1n });
        start = c.end + 1n;
        if (start > iv.end) break;
        k++;
      }
      if (start <= iv.end) out.push({ start, end: iv.end });
    }
    this.items = out;
    this.rebuild();
    return this;
  }

  /** Sorts and merges overlapping or adjacent intervals. Idempotent. */
  normalize(): this {
    if (!this.dirty) return this;
    const sorted = [...this.items].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const out: Interval[] = [];
    for (const iv of sorted) {
      const last = out[out.length - 1];
      if (last && iv.start <= last.end + 1n) {
        if (iv.end > last.end) last.end = iv.end;
      } else {
        out.push({ start: iv.start, end: iv.end });
      }
    }
    this.items = out;
    this.rebuild();
    return this;
  }

  /** The merged intervals, in order. */
  intervals(): readonly Interval[] {
    this.normalize();
    return this.items;
  }

  /** How many addresses the list holds. */
  count(): bigint {
    this.normalize();
    return this.total;
  }

  /** Is `value` in the list? O(log n). */
  has(value: bigint): boolean {
    return this.indexOf(value) >= 0n;
  }

  /** The index of `value` in ascending order (the inverse of pick), or -1n when absent. O(log n). */
  indexOf(value: bigint): bigint {
    this.normalize();
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const iv = this.items[mid] as Interval;
      if (value < iv.start) hi = mid - 1;
      else if (value > iv.end) lo = mid + 1;
      else return (this.prefix[mid] as bigint) + (value - iv.start);
    }
    return -1n;
  }

  /** The i-th address (0-based) in ascending order. O(log n). Throws when i is out of range. */
  pick(i: bigint): bigint {
    this.normalize();
    if (i < 0n || i >= this.total) throw new RangeError(`index ${i} out of range 0..${this.total - 1n}`);
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.prefix[mid] as bigint) <= i) lo = mid;
      else hi = mid - 1;
    }
    return (this.items[lo] as Interval).start + (i - (this.prefix[lo] as bigint));
  }

  private rebuild(): void {
    this.prefix = new Array<bigint>(this.items.length);
    let sum = 0n;
    for (let k = 0; k < this.items.length; k++) {
      this.prefix[k] = sum;
      const iv = this.items[k] as Interval;
      sum += iv.end - iv.start + 1n;
    }
    this.total = sum;
    this.dirty = false;
  }
}
