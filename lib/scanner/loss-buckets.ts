// SPDX-License-Identifier: MIT
// loss-buckets.ts: one host's tries counted by when they were sent, in buckets a timeout long
// (congestion.ts's signal: the share of a bucket's tries that were lost). An answered try counts
// in the bucket of its own send time, the lost try before an answered retry in the bucket of its
// own (a timeout before the retry). Only the latest BUCKETS buckets are kept.

/** Buckets kept per host (each a timeout long, by send time). */
const BUCKETS = 4;

/** Tries of a host sent in [startMs, endMs): answered, and lost (their retry was answered). */
export interface Bucket {
  startMs: number;
  endMs: number;
  answered: number;
  lost: number;
}

/**
 * The bucket of `buckets` holding tries sent at `atMs`: a kept one, or a new one a timeout long;
 * undefined when `atMs` is older than every kept one and BUCKETS are kept (the oldest is dropped
 * past BUCKETS).
 */
export function bucketAt(buckets: Bucket[], atMs: number, holdMs: number): Bucket | undefined {
  for (const b of buckets) if (atMs >= b.startMs && atMs < b.endMs) return b;
  if (buckets.length >= BUCKETS && buckets.every((b) => atMs < b.startMs)) return undefined;
  const startMs = Math.floor(atMs / holdMs) * holdMs;
  const b = { startMs, endMs: startMs + holdMs, answered: 0, lost: 0 };
  buckets.push(b);
  if (buckets.length > BUCKETS) {
    let oldest = 0;
    buckets.forEach((x, k) => {
      if (x.startMs < (buckets[oldest] as Bucket).startMs) oldest = k;
    });
    buckets.splice(oldest, 1);
  }
  return b;
}
